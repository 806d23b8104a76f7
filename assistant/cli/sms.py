"""Confirmation SMS: ``sms worker``, ``sms outbox`` and ``sms retry``."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.cli.base import UsageError, services
from assistant.cli.output import local, local_iso, print_json
from assistant.core import sms as rules
from assistant.core.model import Practice


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
    sms = commands.add_parser("sms", help="SMS de confirmation : file d'envoi et envoi")
    sms_commands = sms.add_subparsers(title="actions", metavar="ACTION")
    worker = sms_commands.add_parser("worker", help="envoyer les SMS en attente (en continu, ou une fois)")
    worker.add_argument("--once", action="store_true", help="un seul passage, puis s'arrêter")
    worker.add_argument("--interval", type=float, default=5.0, help="secondes entre deux passages (défaut 5)")
    worker.add_argument("--limit", type=int, default=20, help="SMS au plus par passage (défaut 20)")
    worker.set_defaults(handler=cmd_sms_worker)
    outbox = sms_commands.add_parser("outbox", help="les derniers SMS et leur remise, numéros masqués")
    outbox.add_argument("--status", action="append", choices=rules.STATUSES, help="filtrer (répétable)")
    outbox.add_argument(
        "--undelivered",
        action="store_true",
        help="seulement les SMS envoyés que l'opérateur n'a pas pu remettre au patient (accusé de réception)",
    )
    outbox.add_argument("--limit", type=int, default=50)
    outbox.add_argument("--json", action="store_true")
    outbox.set_defaults(handler=cmd_sms_outbox)
    retry = sms_commands.add_parser("retry", help="relancer un SMS en échec (après une longue panne)")
    retry.add_argument("sms_id", type=int)
    retry.add_argument("--by", required=True, help="qui relance (pour l'audit)")
    retry.set_defaults(handler=cmd_sms_retry)


def cmd_sms_worker(args: argparse.Namespace) -> int:
    import signal

    if args.interval <= 0 or args.limit <= 0:
        raise UsageError("--interval et --limit doivent être positifs.")
    with services() as container:
        worker = container.sms_worker()
        if args.once:
            counts = worker.run_once(args.limit)
            if worker.sender is None:
                print(f"SMS désactivés ({container.settings.sms_disabled_reason}) : les messages restent en attente.")
            else:
                print("SMS : " + sms_counts_words(counts))
            return 0

        def stop(*_: object) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run_forever(args.interval, args.limit)
        return 0


def cmd_sms_outbox(args: argparse.Namespace) -> int:
    with services() as container:
        worker = container.sms_worker()
        practice = container.agenda.practice()
        messages = worker.messages(args.status, max(1, args.limit), undelivered=args.undelivered)
        if args.json:
            print_json([sms_json(m, practice) for m in messages])
            return 0
        counts = worker.counts()
        summary = ", ".join(
            f"{counts[status]} {rules.STATUS_LABELS[status]}" for status in rules.STATUSES if counts.get(status)
        )
        print(f"SMS de confirmation : {summary or 'aucun'}.")
        delivered = worker.delivery_counts()
        if delivered:
            known = [status for status in rules.DELIVERY_STATUSES if delivered.get(status)]
            others = sorted(set(delivered) - set(known))
            words = [f"{delivered[status]} {rules.DELIVERY_LABELS.get(status, status)}" for status in (*known, *others)]
            print(f"Accusés de réception : {', '.join(words)}.")
        if worker.sender is None:
            print(f"Envoi désactivé ({container.settings.sms_disabled_reason}) : les messages restent en attente.")
        elif not container.settings.public_url:
            print("Accusés de réception non demandés (ASSISTANT_PUBLIC_URL n'est pas défini).")
        if args.undelivered and not messages:
            print("Aucun SMS non remis.")
        for m in messages:
            print(sms_line(m, practice))
        return 0


def sms_line(m: rules.OutboxMessage, practice: Practice) -> str:
    """One message for the secretary: when, what, the masked number, where it stands."""
    state = rules.STATUS_LABELS.get(m.status, m.status)
    if m.status == "sent" and m.sent_at:
        state += f" le {local(m.sent_at, practice):%d/%m %H:%M}"
    elif m.status == "pending" and m.attempts:
        state += f", nouvel essai à {local(m.next_attempt_at, practice):%d/%m %H:%M}"
    if m.last_error_code:
        state += f" ({sms_error_words(m.last_error_code)})"
    if m.delivery_status:
        state += f", {rules.DELIVERY_LABELS.get(m.delivery_status, m.delivery_status)}"
        if m.delivery_updated_at:
            state += f" le {local(m.delivery_updated_at, practice):%d/%m %H:%M}"
        if m.delivery_error_code:
            state += f" ({sms_error_words(m.delivery_error_code)})"
    appointment = f"rdv n°{m.appointment_id}" if m.appointment_id else "sans rdv"
    return (
        f"  n°{m.id:<5} {local(m.created_at, practice):%d/%m %H:%M}  {rules.KIND_LABELS.get(m.kind, m.kind):<12} "
        f"{appointment:<11} {rules.mask_number(m.to_number)}  {state}, {m.attempts} essai(s)"
    )


def cmd_sms_retry(args: argparse.Namespace) -> int:
    with services() as container:
        message = container.sms_worker().requeue(args.sms_id, args.by)
        print(f"SMS n°{message.id} remis en attente : il part au prochain passage du service d'envoi.")
        return 0


def sms_counts_words(counts: dict[str, int]) -> str:
    labels = {
        "sent": "envoyé(s)",
        "retried": "à réessayer",
        "failed": "en échec",
        "superseded": "remplacé(s)",
        "expired": "périmé(s)",
        "waiting": "en attente d'un envoi précédent",
    }
    words = [f"{counts[key]} {label}" for key, label in labels.items() if counts.get(key)]
    return ", ".join(words) if words else "rien à envoyer"


def sms_error_words(code: str) -> str:
    """The code in words: "erreur 30003 : téléphone éteint ou hors réseau"; "erreur http_503" without a label."""
    label = rules.error_label(code)
    return f"erreur {code} : {label}" if label else f"erreur {code}"


def sms_json(message: rules.OutboxMessage, practice: Practice) -> dict[str, Any]:
    return {
        "id": message.id,
        "appointment_id": message.appointment_id,
        "kind": message.kind,
        "to": rules.mask_number(message.to_number),
        "status": message.status,
        "attempts": message.attempts,
        "next_attempt_at": local_iso(message.next_attempt_at, practice),
        "last_error_code": message.last_error_code,
        "provider_sid": message.provider_sid,
        "created_at": local_iso(message.created_at, practice),
        "sent_at": local_iso(message.sent_at, practice),
        "delivery_status": message.delivery_status,
        "delivery_error_code": message.delivery_error_code,
        "delivery_error": rules.error_label(message.delivery_error_code),
        "delivery_updated_at": local_iso(message.delivery_updated_at, practice),
    }
