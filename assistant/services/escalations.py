"""The escalation service: every hand-over to the secretariat is stored, changed and audited here.

Like the agenda service, it is the imperative shell around pure rules
(``assistant.core.escalation``): it opens a unit of work, locks and reads the
record, lets the core decide, writes, audits and commits. Dialogue actions open
escalations and add callback numbers; the secretariat (CLI, later a console)
lists, takes and closes them; the phone line records how a call ended.

The audit trail and the logs get ids, category, urgency and status only: never
the reason, what the patient said, a name or a phone number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from assistant.clock import Clock, get_timezone
from assistant.core import escalation as rules
from assistant.core.escalation import Escalation, EscalationError, EscalationRequest
from assistant.core.model import AuditEvent, Channel, Patient, Practice
from assistant.core.secretariat import is_staffed, next_staffed
from assistant.services.agenda import Actor
from assistant.services.unit_of_work import ConstraintViolation, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

ASSISTANT = "assistant"


class EscalationService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, practice: Callable[[], Practice]) -> None:
        """``practice`` returns the applied practice (the agenda service's cached ``practice``)."""
        self.uow_factory = uow_factory
        self.clock = clock
        self.practice = practice

    # -- from the conversation ------------------------------------------------------

    def open(self, request: EscalationRequest) -> Escalation:
        """Record a hand-over; a second one in the same conversation updates the one in progress.

        At most one escalation per conversation is open or taken (a partial unique
        index guarantees it): when two hand-overs race, the loser retries and merges.
        """
        incoming = rules.new_escalation(request, practice_id=self.practice().id, now=self.clock.now())
        try:
            return self._open(incoming)
        except ConstraintViolation:
            return self._open(incoming)  # another hand-over of this conversation won the insert: merge into it

    def _open(self, incoming: Escalation) -> Escalation:
        now = self.clock.now()
        actor = Actor(ASSISTANT, incoming.channel, incoming.conversation_id)
        with self.uow_factory() as uow:
            if incoming.patient_id is not None and uow.patients.get(incoming.patient_id) is None:
                # Never lose a hand-over (it may be an emergency) over a stale patient id.
                log.warning("escalation: unknown patient id %s ignored", incoming.patient_id)
                incoming = replace(incoming, patient_id=None)
            existing = uow.escalations.active_for_conversation(incoming.conversation_id, lock=True)
            details: dict[str, Any] = {}
            if existing is None:
                stored = uow.escalations.add(incoming)
                action = "escalation_open"
            else:
                stored = rules.merge(existing, incoming, now)
                uow.escalations.update(stored)
                action, details = "escalation_update", {"previous_urgency": existing.urgency}
            self._audit(uow, now, actor, action, stored, details)
            uow.commit()
        log.info(
            "%s %s (category %s, urgency %s, via %s)",
            action,
            stored.id,
            stored.category,
            stored.urgency,
            stored.channel.value,
        )
        return stored

    def set_callback(self, escalation_id: int, phone: str) -> Escalation:
        """The patient wants to be called back at ``phone``; out of staffed hours, from the next opening."""
        practice = self.practice()
        now = self.clock.now()
        after = None if is_staffed(practice, now) else next_staffed(practice, now)
        with self.uow_factory() as uow:
            current = self._locked(uow, escalation_id)
            changed = rules.request_callback(current, phone, after, now)
            uow.escalations.update(changed)
            actor = Actor(ASSISTANT, current.channel, current.conversation_id)
            details = {"callback_after": changed.callback_after.isoformat() if changed.callback_after else None}
            self._audit(uow, now, actor, "escalation_callback", changed, details)
            uow.commit()
        log.info("escalation %s: callback requested", escalation_id)
        return changed

    def record_call_outcome(self, conversation_id: str, duration_seconds: int, outcome: str) -> Escalation | None:
        """The phone line's end-of-call report, on the conversation's latest escalation (None if it has none)."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            current = uow.escalations.latest_for_conversation(conversation_id, lock=True)
            if current is None:
                return None
            changed = rules.record_call(current, duration_seconds, outcome, now)
            uow.escalations.update(changed)
            actor = Actor(ASSISTANT, Channel.PHONE, conversation_id)
            details = {"call_outcome": changed.call_outcome, "duration_seconds": duration_seconds}
            self._audit(uow, now, actor, "escalation_call_outcome", changed, details)
            uow.commit()
        log.info("escalation %s: call ended (%s, %s s)", changed.id, changed.call_outcome, duration_seconds)
        return changed

    # -- for the secretariat ------------------------------------------------------------

    def get(self, escalation_id: int) -> Escalation:
        with self.uow_factory() as uow:
            found = uow.escalations.get(escalation_id)
        if found is None:
            raise EscalationError("escalation_not_found", escalation_id=escalation_id)
        return found

    def list_open(self) -> list[Escalation]:
        """Everything still to handle (open, or taken by a secretary), most urgent first, oldest first within."""
        practice_id = self.practice().id
        with self.uow_factory() as uow:
            return rules.triage_order(uow.escalations.by_status(practice_id, rules.ACTIVE_STATUSES))

    def list_all(self) -> list[Escalation]:
        """Every escalation, closed ones included, in triage order."""
        practice_id = self.practice().id
        with self.uow_factory() as uow:
            return rules.triage_order(uow.escalations.by_status(practice_id))

    def take(self, escalation_id: int, secretary: str, channel: Channel = Channel.SECRETARIAT) -> Escalation:
        """``secretary`` handles it now (open → taken; a colleague may take it over; closed is refused)."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            current = self._locked(uow, escalation_id)
            changed = rules.take(current, secretary, now)
            uow.escalations.update(changed)
            self._audit(uow, now, Actor(changed.taken_by or secretary, channel), "escalation_take", changed, {})
            uow.commit()
        log.info("escalation %s taken", escalation_id)
        return changed

    def close(self, escalation_id: int, outcome: str, by: str, channel: Channel = Channel.SECRETARIAT) -> Escalation:
        now = self.clock.now()
        with self.uow_factory() as uow:
            current = self._locked(uow, escalation_id)
            changed = rules.close(current, outcome, by, now)
            uow.escalations.update(changed)
            actor = Actor(changed.closed_by or by, channel)
            self._audit(uow, now, actor, "escalation_close", changed, {"outcome": changed.outcome})
            uow.commit()
        log.info("escalation %s closed (%s)", escalation_id, outcome)
        return changed

    def patient(self, escalation: Escalation) -> Patient | None:
        """The verified patient of an escalation, for the secretary's screen."""
        if escalation.patient_id is None:
            return None
        with self.uow_factory() as uow:
            return uow.patients.get(escalation.patient_id)

    def written_summary(self, escalation_id: int) -> str:
        escalation = self.get(escalation_id)
        tz = get_timezone(self.practice().timezone)
        return rules.written_summary(escalation, tz, self.patient(escalation))

    def spoken_summary(self, conversation_id: str) -> str | None:
        """The sentence for a warm transfer of this conversation (None if nothing was escalated)."""
        with self.uow_factory() as uow:
            escalation = uow.escalations.latest_for_conversation(conversation_id)
        if escalation is None:
            return None
        return rules.spoken_summary(escalation, self.patient(escalation))

    def audit_trail(self, escalation_id: int) -> list[dict[str, Any]]:
        with self.uow_factory() as uow:
            return uow.audit.for_escalation(escalation_id)

    # -- internals -------------------------------------------------------------------

    @staticmethod
    def _locked(uow: UnitOfWork, escalation_id: int) -> Escalation:
        current = uow.escalations.get(escalation_id, lock=True)
        if current is None:
            raise EscalationError("escalation_not_found", escalation_id=escalation_id)
        return current

    @staticmethod
    def _audit(
        uow: UnitOfWork, at: datetime, actor: Actor, action: str, escalation: Escalation, details: dict[str, Any]
    ) -> None:
        """Ids, category, urgency and status: never the reason, the transcript, a name or a number."""
        uow.audit.record(
            AuditEvent(
                at,
                actor.name,
                actor.channel,
                action,
                {
                    "conversation_id": escalation.conversation_id,
                    "category": escalation.category,
                    "urgency": escalation.urgency,
                    "status": escalation.status,
                    **details,
                },
                patient_id=escalation.patient_id,
                escalation_id=escalation.id,
            )
        )
