"""The outbox worker: sends the queued confirmation SMS, retries, gives up, audits.

    worker = OutboxWorker(uow_factory, sender, clock)
    worker.run_once(limit=20)        # {"sent": 2, "retried": 1, ...}
    worker.run_forever(interval=5)   # until stop() or SIGTERM

Each pass claims due messages in one short transaction (on PostgreSQL ``FOR
UPDATE SKIP LOCKED``, so parallel workers never take the same message; on
SQLite the write transaction is exclusive), marks them ``sending`` with a lease,
commits, sends outside any transaction, then stores each outcome in its own
transaction. Before sending, a message is dropped when a newer one about the same
appointment exists (``superseded``: the patient gets the latest state, not a
stale one), or when the appointment has already started (``failed``,
``expired``); and it waits while an older message about the same appointment is
still being sent, so that they arrive in order.

A worker that dies mid-send leaves its message ``sending``; when the lease ends,
another worker tries it again (the one case where a patient may get it twice).

Twilio's delivery reports (status callbacks, received by the SMS channel) are
stored by :meth:`OutboxWorker.record_delivery` on the message Twilio names, in
their own transaction and audited; a report older than the one stored is ignored.
A report may come before the worker has stored Twilio's id (Twilio reports as soon
as it accepts): the callback URL carries the outbox id for that case.

A message that will never reach the patient (given up, or reported undelivered by the operator)
about an appointment still to come opens a request for the secretariat ("patient non prévenu par
SMS", urgent when the appointment is within 48 h), one per appointment, with the patient and the
number to call: a patient whose appointment was moved or cancelled must not turn up unaware. It is
opened right after the outcome is stored, in its own transaction; if that fails, the message stays
in ``assistant sms outbox --undelivered``.

Without credentials (``sender`` None) the worker says once that SMS is disabled
and leaves every message pending: nothing is lost, it goes out once configured.
Logs and audit events carry message and appointment ids, kinds, statuses and
error codes: never a number or a text.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.adapters.sms.sender import SmsSender
from assistant.clock import Clock
from assistant.core import sms as rules
from assistant.core.model import AuditEvent, Channel
from assistant.core.sms import OutboxError, OutboxMessage, SmsSendError
from assistant.language.fr.sms import unreached_patient
from assistant.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from assistant.services.escalations import EscalationService

log = logging.getLogger(__name__)

WORKER = "sms-worker"
OUTCOMES = ("sent", "retried", "failed", "superseded", "expired", "waiting")
DELIVERY_ACTOR = "twilio"  # delivery reports are Twilio's word, audited as such
# What became of a delivery report: stored, ignored (late or unknown word), or about no message of ours.
RECORDED, IGNORED, UNKNOWN = "recorded", "ignored", "unknown"


@dataclass(frozen=True)
class _Attempt:
    message: OutboxMessage  # as claimed (status sending, attempts counted)
    provider_sid: str | None = None
    error: SmsSendError | None = None


class OutboxWorker:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        sender: SmsSender | None,
        clock: Clock,
        disabled_reason: str = "SMS credentials are not set",
        escalations: EscalationService | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.sender = sender
        self.clock = clock
        self.disabled_reason = disabled_reason
        self.escalations = escalations
        self._said_disabled = False
        self._stop = threading.Event()

    # -- sending -----------------------------------------------------------------------

    def run_once(self, limit: int = 20) -> dict[str, int]:
        """One pass over at most ``limit`` due messages; how many ended in each outcome."""
        counts = dict.fromkeys(OUTCOMES, 0)
        if self.sender is None:
            if not self._said_disabled:
                log.warning("confirmation SMS disabled (%s): messages stay pending", self.disabled_reason)
                self._said_disabled = True
            return counts
        for claimed in self._claim(limit, counts):
            self._finish(self._send(self.sender, claimed), counts)
        return counts

    def run_forever(self, interval: float = 5.0, limit: int = 20) -> None:
        """Pass after pass until :meth:`stop`; a full batch is followed at once by another one."""
        log.info("SMS worker started (every %s s)", interval)
        while not self._stop.is_set():
            try:
                counts = self.run_once(limit)
            except Exception as error:  # the database went away: say so, try again later, never die
                log.error("SMS worker pass failed: %s", type(error).__name__)
                counts = {}
            done = sum(counts.values()) - counts.get("waiting", 0)
            if done:
                log.info("SMS worker: %s", ", ".join(f"{k} {v}" for k, v in counts.items() if v))
            if done < limit:
                self._stop.wait(interval)
        log.info("SMS worker stopped")

    def stop(self) -> None:
        self._stop.set()

    def _claim(self, limit: int, counts: dict[str, int]) -> list[OutboxMessage]:
        now = self.clock.now()
        claimed: list[OutboxMessage] = []
        interrupted: list[OutboxMessage] = []
        with self.uow_factory() as uow:
            # Oldest message first within the batch: a stale one is dropped before a newer one checks for it.
            for message in sorted(uow.outbox.claimable(now, limit), key=lambda m: m.id or 0):
                if uow.outbox.has_newer(message):
                    self._give_up(uow, message, rules.SUPERSEDED, None, "sms_superseded")
                    counts["superseded"] += 1
                elif self._appointment_started(uow, message, now):
                    self._give_up(uow, message, rules.FAILED, rules.EXPIRED, "sms_expired")
                    counts["expired"] += 1
                elif message.attempts >= rules.MAX_ATTEMPTS:
                    # Its last attempt's worker died mid-send: whether it went out is unknown; do not insist.
                    dropped = self._give_up(uow, message, rules.FAILED, "interrupted", "sms_failed")
                    if dropped is not None:
                        interrupted.append(dropped)
                    counts["failed"] += 1
                elif uow.outbox.has_older_in_flight(message):
                    counts["waiting"] += 1
                else:
                    taken = rules.claim(message, now)
                    if uow.outbox.save(taken, message.status, message.attempts):
                        claimed.append(taken)
            uow.commit()
        for message in interrupted:
            self._tell_secretariat(message)
        return claimed

    @staticmethod
    def _appointment_started(uow: UnitOfWork, message: OutboxMessage, now: datetime) -> bool:
        if message.appointment_id is None:
            return False
        appointment = uow.appointments.get(message.appointment_id)
        return appointment is not None and appointment.start <= now

    @staticmethod
    def _send(sender: SmsSender, message: OutboxMessage) -> _Attempt:
        try:
            return _Attempt(message, provider_sid=sender.send(message.to_number, message.body, reference=message.id))
        except SmsSendError as error:
            return _Attempt(message, error=error)
        except Exception as error:  # a bug or an unexpected library error: retried like an outage
            log.error("SMS %s: unexpected %s while sending", message.id, type(error).__name__)
            return _Attempt(message, error=SmsSendError("error"))

    def _finish(self, attempt: _Attempt, counts: dict[str, int]) -> None:
        now = self.clock.now()
        claimed = attempt.message
        with self.uow_factory() as uow:
            # Read again, locked: a delivery report may have come in during the send (record_delivery).
            current = uow.outbox.get(claimed.id, lock=True) if claimed.id is not None else None
            if current is None or (current.status, current.attempts) != (rules.SENDING, claimed.attempts):
                current = claimed  # another worker took it over: the save below says so
            if attempt.error is None:
                done = rules.mark_sent(current, attempt.provider_sid or "", now)
            else:
                done = rules.after_failure(current, attempt.error.code, attempt.error.permanent, now)
            if not uow.outbox.save(done, rules.SENDING, claimed.attempts):
                log.warning("SMS %s: outcome arrived after its lease ended; another worker has it", claimed.id)
                return
            if done.status == rules.SENT:
                action, outcome = "sms_sent", "sent"
            elif done.status == rules.PENDING:
                action, outcome = "sms_retry", "retried"
            else:
                action, outcome = "sms_failed", "failed"
            details: dict[str, Any] = {}
            if done.status == rules.PENDING:
                details["next_attempt_at"] = done.next_attempt_at.isoformat()
            self._audit(uow, done, action, details)
            uow.commit()
        counts[outcome] += 1
        if done.status == rules.FAILED:
            self._tell_secretariat(done)
        if done.status == rules.SENT:
            log.info("SMS %s sent (%s, appointment %s)", done.id, done.kind, done.appointment_id)
        else:
            log.warning(
                "SMS %s not sent (attempt %s, error %s): %s",
                done.id,
                done.attempts,
                done.last_error_code,
                "will retry" if done.status == rules.PENDING else "given up",
            )

    def _give_up(
        self, uow: UnitOfWork, message: OutboxMessage, status: str, code: str | None, action: str
    ) -> OutboxMessage | None:
        """The message dropped and audited, or None when another worker changed it first."""
        dropped = rules.give_up(message, status, code)
        if not uow.outbox.save(dropped, message.status, message.attempts):
            return None
        self._audit(uow, dropped, action, {})
        log.info("SMS %s %s (%s, appointment %s)", message.id, status, code or "newer message", message.appointment_id)
        return dropped

    def _tell_secretariat(self, message: OutboxMessage) -> None:
        """Open (or update) the request to call a patient this message will never reach; see the module doc.

        Never raises: the outcome is already stored, and ``sms outbox --undelivered`` still lists it.
        """
        if self.escalations is None or message.appointment_id is None:
            return
        try:
            with self.uow_factory() as uow:
                appointment = uow.appointments.get(message.appointment_id)
            request = unreached_patient(message, appointment, self.escalations.practice(), self.clock.now())
            if request is None:
                return
            opened = self.escalations.open(request)
            log.warning("SMS %s: patient not reached, request %s for the secretariat", message.id, opened.id)
        except Exception as error:
            log.error("SMS %s: the request for the secretariat failed (%s)", message.id, type(error).__name__)

    def _audit(self, uow: UnitOfWork, message: OutboxMessage, action: str, extra: dict[str, Any]) -> None:
        uow.audit.record(
            AuditEvent(
                self.clock.now(),
                WORKER,
                Channel.SMS,
                action,
                {
                    "sms_outbox_id": message.id,
                    "kind": message.kind,
                    "status": message.status,
                    "attempts": message.attempts,
                    "error_code": message.last_error_code,
                    **extra,
                },
                appointment_id=message.appointment_id,
            )
        )

    # -- delivery reports (Twilio status callbacks) ----------------------------------------

    def record_delivery(
        self, provider_sid: str, reported: str, error: str | None = None, outbox_id: int | None = None
    ) -> str:
        """Store Twilio's delivery report on the message it names (RECORDED, IGNORED or UNKNOWN).

        The message is found by Twilio's id or, when that id is not stored yet (the report came during the
        send), by ``outbox_id`` from the callback URL: the report then brings Twilio's id with it
        (:func:`assistant.core.sms.awaits_provider_id`). A report that does not move the message forward
        (out of order, after a failure, an unknown word) is ignored. Logs carry Twilio's id, the outbox id
        and the report, never the number or the text.
        """
        now = self.clock.now()
        with self.uow_factory() as uow:
            current = uow.outbox.by_provider_sid(provider_sid, lock=True)
            early = False
            if current is None and outbox_id is not None:
                in_flight = uow.outbox.get(outbox_id, lock=True)
                if in_flight is not None and rules.awaits_provider_id(in_flight):
                    current, early = replace(in_flight, provider_sid=provider_sid), True
            if current is None:
                log.info("SMS delivery report %s for message %s: not one of ours", reported, provider_sid)
                return UNKNOWN
            updated = rules.record_delivery(current, reported, error, now)
            if updated is None or not self._store_delivery(uow, updated, current, early):
                log.info(
                    "SMS %s (%s): delivery report %s ignored (already %s)",
                    current.id,
                    provider_sid,
                    reported,
                    current.delivery_status,
                )
                return IGNORED
            uow.audit.record(
                AuditEvent(
                    now,
                    DELIVERY_ACTOR,
                    Channel.SMS,
                    "sms_delivery",
                    {
                        "sms_outbox_id": updated.id,
                        "kind": updated.kind,
                        "delivery_status": updated.delivery_status,
                        "delivery_error_code": updated.delivery_error_code,
                        "previous_delivery_status": current.delivery_status,
                    },
                    appointment_id=updated.appointment_id,
                )
            )
            uow.commit()
        if rules.is_undelivered(updated):
            self._tell_secretariat(updated)
            log.warning(
                "SMS %s (%s) not delivered (%s, error %s, appointment %s)",
                updated.id,
                provider_sid,
                updated.delivery_status,
                updated.delivery_error_code,
                updated.appointment_id,
            )
        else:
            log.info("SMS %s (%s): %s", updated.id, provider_sid, updated.delivery_status)
        return RECORDED

    @staticmethod
    def _store_delivery(uow: UnitOfWork, updated: OutboxMessage, current: OutboxMessage, early: bool) -> bool:
        if early:  # Twilio's id comes with it; the sending worker keeps both (rules.mark_sent)
            return uow.outbox.save(updated, current.status, current.attempts)
        return uow.outbox.save_delivery(updated, current.delivery_status)

    # -- for the secretariat --------------------------------------------------------------

    def messages(
        self, statuses: list[str] | None = None, limit: int = 50, undelivered: bool = False
    ) -> list[OutboxMessage]:
        """The latest messages; ``undelivered``: only those Twilio or the operator said did not reach the phone."""
        delivery = list(rules.DELIVERY_FAILURES) if undelivered else None
        with self.uow_factory() as uow:
            return uow.outbox.latest(statuses, limit, delivery_statuses=delivery)

    def counts(self) -> dict[str, int]:
        with self.uow_factory() as uow:
            return uow.outbox.count_by_status()

    def delivery_counts(self) -> dict[str, int]:
        with self.uow_factory() as uow:
            return uow.outbox.count_by_delivery_status()

    def requeue(self, message_id: int, by: str) -> OutboxMessage:
        """Try a failed message again from scratch (e.g. after an outage longer than the retry schedule)."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            current = uow.outbox.get(message_id, lock=True)
            if current is None:
                raise OutboxError("sms_not_found", sms_id=message_id)
            again = rules.requeue(current, now)
            uow.outbox.save(again, current.status, current.attempts)
            uow.audit.record(
                AuditEvent(
                    now,
                    by,
                    Channel.SECRETARIAT,
                    "sms_requeue",
                    {"sms_outbox_id": message_id, "kind": again.kind, "previous_error_code": current.last_error_code},
                    appointment_id=again.appointment_id,
                )
            )
            uow.commit()
        log.info("SMS %s queued again", message_id)
        return again
