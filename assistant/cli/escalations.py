"""Hand-overs for the secretariat: ``escalations`` and ``escalation show|take|close``."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.cli.base import services
from assistant.cli.output import local, local_iso, print_json, shorten
from assistant.core.escalation import CATEGORY_LABELS, STATUS_LABELS, URGENCY_LABELS, Escalation
from assistant.core.escalation import OUTCOMES as ESCALATION_OUTCOMES
from assistant.core.model import Practice


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
    escalations = commands.add_parser(
        "escalations", help="demandes transmises au secrétariat, les plus urgentes d'abord"
    )
    escalations.add_argument("--all", action="store_true", help="inclure les demandes closes")
    escalations.add_argument("--json", action="store_true")
    escalations.set_defaults(handler=cmd_escalations)

    escalation = commands.add_parser("escalation", help="voir, prendre en charge ou clore une demande transmise")
    escalation_commands = escalation.add_subparsers(title="actions", metavar="ACTION")
    show = escalation_commands.add_parser("show", help="résumé écrit et transcription d'une demande")
    show.add_argument("escalation_id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_escalation_show)
    take = escalation_commands.add_parser("take", help="prendre en charge une demande")
    take.add_argument("escalation_id", type=int)
    take.add_argument("--by", required=True, help="qui la prend en charge (pour l'audit)")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=cmd_escalation_take)
    close = escalation_commands.add_parser("close", help="clore une demande avec son issue")
    close.add_argument("escalation_id", type=int)
    close.add_argument("--outcome", required=True, choices=ESCALATION_OUTCOMES)
    close.add_argument("--by", required=True, help="qui la clôt (pour l'audit)")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=cmd_escalation_close)


def cmd_escalations(args: argparse.Namespace) -> int:
    with services() as container:
        practice = container.agenda.practice()
        found = container.escalations.list_all() if args.all else container.escalations.list_open()
        if args.json:
            print_json([escalation_json(e, practice) for e in found])
        elif not found:
            print("Aucune demande transmise." if args.all else "Aucune demande transmise en attente.")
        else:
            print("Demandes transmises, les plus urgentes d'abord :")
            print("\n".join(escalation_line(e, practice) for e in found))
        return 0


def escalation_line(e: Escalation, practice: Practice) -> str:
    status = STATUS_LABELS[e.status] + (f" ({e.taken_by})" if e.status == "taken" and e.taken_by else "")
    return (
        f"  n°{e.id:<4} {local(e.created_at, practice):%d/%m %H:%M}  {URGENCY_LABELS[e.urgency].upper()} — "
        f"{CATEGORY_LABELS[e.category]} — {shorten(e.reason, 70)} — {callback_words(e, practice)} — {status}"
    )


def cmd_escalation_show(args: argparse.Namespace) -> int:
    from assistant.core.escalation import transcript_text

    with services() as container:
        service = container.escalations
        escalation = service.get(args.escalation_id)
        summary = service.written_summary(args.escalation_id)
        if args.json:
            practice = container.agenda.practice()
            data = escalation_json(escalation, practice)
            data["understood"] = escalation.understood
            data["transcript"] = [{"speaker": speaker, "text": text} for speaker, text in escalation.transcript]
            data["written_summary"] = summary
            print_json(data)
        else:
            print(summary)
            print("\nTranscription :")
            print(transcript_text(escalation) or "(aucune)")
        return 0


def cmd_escalation_take(args: argparse.Namespace) -> int:
    with services() as container:
        escalation = container.escalations.take(args.escalation_id, args.by)
        if args.json:
            print_json(escalation_json(escalation, container.agenda.practice()))
        else:
            print(f"Demande n°{escalation.id} prise en charge par {escalation.taken_by}.")
        return 0


def cmd_escalation_close(args: argparse.Namespace) -> int:
    from assistant.core.escalation import OUTCOME_LABELS

    with services() as container:
        escalation = container.escalations.close(args.escalation_id, args.outcome, args.by)
        if args.json:
            print_json(escalation_json(escalation, container.agenda.practice()))
        else:
            outcome = OUTCOME_LABELS.get(args.outcome, args.outcome)
            print(f"Demande n°{escalation.id} close ({outcome}) par {escalation.closed_by}.")
        return 0


def escalation_json(escalation: Escalation, practice: Practice) -> dict[str, Any]:
    e = escalation
    return {
        "id": e.id,
        "created_at": local_iso(e.created_at, practice),
        "urgency": e.urgency,
        "category": e.category,
        "reason": e.reason,
        "status": e.status,
        "channel": e.channel.value,
        "conversation_id": e.conversation_id,
        "patient_id": e.patient_id,
        "identity_verified": e.identity_verified,
        "callback_number": e.callback_number,
        "callback_requested": e.callback_requested,
        "callback_after": local_iso(e.callback_after, practice),
        "taken_by": e.taken_by,
        "taken_at": local_iso(e.taken_at, practice),
        "closed_by": e.closed_by,
        "closed_at": local_iso(e.closed_at, practice),
        "outcome": e.outcome,
        "call_outcome": e.call_outcome,
        "call_duration_seconds": e.call_duration_seconds,
    }


def callback_words(escalation: Escalation, practice: Practice) -> str:
    if escalation.callback_requested and escalation.callback_number:
        after = escalation.callback_after
        when = f" à partir du {local(after, practice):%d/%m %H:%M}" if after else ""
        return f"rappeler le {escalation.callback_number}{when}"
    if escalation.callback_number:
        return f"appelant {escalation.callback_number}"
    return "pas de numéro"
