"""A change of mind: "finalement non" drops the request, "finalement plutôt jeudi" changes the search,
"ah non pardon, je suis né en 1979" corrects the birth date, "attendez" is only a moment asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.conversation.booking import BOOKING_SLOTS
from assistant.conversation.decision import Decision
from assistant.conversation.existing import may_check_identity
from assistant.conversation.replies import reply
from assistant.core.model import Practice
from assistant.dialogue.speech import say_birth_date

#: The forms where a new time or practitioner changes the search rather than ends it.
SEARCH_FORMS = ("booking_form", "slot_choice_form")


@dataclass(frozen=True)
class Where:
    """Where the conversation is when the patient changes their mind."""

    task: str | None = None
    form: str | None = None
    slot_chosen: bool = False
    identity_verified: bool | None = None
    failed_checks: int = 0


@dataclass(frozen=True)
class ChangeOfMind:
    """What the message says (read by the French toolkit)."""

    holds_on: bool = False
    fixed_birth_date: date | None = None
    new_search: Mapping[str, Any] = field(default_factory=dict)  # a new time or practitioner
    says_goodbye: bool = False
    says_so: bool = True  # the words of a change of mind ("finalement", "laissez tomber", "je me suis trompé")


def after_birth_date_fix(where: Where) -> str | None:
    """What follows a corrected birth date: the read-back again, the identity check again, or the form;
    None when the identity was already checked too often to try once more."""
    if where.task == "book" and where.slot_chosen and not where.form:
        return "action_confirm_booking"
    if where.task in ("move", "cancel", "check") and where.identity_verified is False:
        # A second check, not more: trying birth dates one after another is how an identity is guessed.
        return "action_find_appointments" if may_check_identity(where.failed_checks) else None
    return where.form or "action_listen"


def change_of_mind(where: Where, said: ChangeOfMind, practice: Practice) -> Decision:
    if said.holds_on:  # "euh attendez je regarde mon agenda": a moment asked, not a request dropped
        return Decision(said=(reply("take_your_time"),), follow="action_listen")
    if said.fixed_birth_date is not None and where.task:
        # the request goes on (it was dropped: "j'abandonne cette demande", at the read-back or after a failed check)
        follow = after_birth_date_fix(where)
        if follow is None:
            return Decision(said=(reply("no_more_checks_call", phone=practice.phone),), follow="utter_anything_else")
        fixed = said.fixed_birth_date
        corrected = reply("birth_date_corrected", birth_date=say_birth_date(fixed))
        return Decision({"birth_date": fixed}, (corrected,), follow=follow)
    searching = where.form in SEARCH_FORMS or where.slot_chosen
    if not said.says_so and not said.new_search:
        # "je me suis fait vomir", read as a change of mind, has none of its words (QA: « D'accord,
        # j'abandonne cette demande. »): not understood, and the request goes on (the form asks again)
        return Decision(said=(reply("not_this_answer"),), follow=where.form or "action_handle_fallback")
    if searching and where.task in ("book", "move") and said.new_search:
        follow = where.form if where.form in SEARCH_FORMS else "slot_choice_form"
        return Decision(said.new_search, (reply("ok"),), follow=follow)
    # "Puis-je faire autre chose pour vous ?" is the domain's question, whose "non" the rules close;
    # "laissez tomber, je rappellerai, au revoir" is not asked it (phone QA).
    dropped = {"requested_slot": None, "task": None, **dict.fromkeys(BOOKING_SLOTS)}
    closing = "utter_goodbye" if said.says_goodbye else "utter_anything_else"
    return Decision(dropped, (reply("request_dropped"),), follow=closing, stop_form=True)
