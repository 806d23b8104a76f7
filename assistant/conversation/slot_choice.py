"""The choice among the slots read out, and the searches to try when the wish has no free slot.

The answer to the slots read out is a choice, a moment asked, a birth date, a refusal, a new search…
(:func:`choice_answer`). When the wish has no free slot: which searches to try, in which order, said how.

The fallback order: the same wish with any practitioner (when one was asked for), then the asked
practitioner's next free slots, then anyone's next free slots. At most three searches; the action
runs them in order and proposes the first that finds something, with its introduction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from assistant.conversation.decision import Decision, anyone_but, excluded_practitioners, not_understood
from assistant.conversation.replies import Reply, reply
from assistant.core.model import Slot
from assistant.core.slots import SlotQuery
from assistant.core.windows import TimeWish


@dataclass(frozen=True)
class Alternative:
    """A search to try, and how its slots are introduced."""

    query: SlotQuery
    intro: tuple[Reply, ...]


def alternatives(query: SlotQuery, reason: str | None, practitioner_subject: str = "") -> list[Alternative]:
    """The searches to try in order when ``query`` found nothing, introduced by ``reason`` (closed then…)
    or by "rien de libre à ce moment-là"; ``practitioner_subject`` names the one asked for."""
    nothing = reply("as_is", text=reason) if reason else reply("nothing_then")
    next_ones = (nothing, reply("next_availabilities"))
    tried: list[Alternative] = []
    if query.practitioner_ids:
        others = replace(query, practitioner_ids=())
        if reason:
            tried.append(Alternative(others, (nothing, reply("other_practitioner_can"))))
        else:
            tried.append(
                Alternative(others, (reply("practitioner_busy_other_can", practitioner=practitioner_subject),))
            )
        same_one_earliest = SlotQuery(
            query.appointment_type_id, query.practitioner_ids, TimeWish(), 3, True, query.new_patient
        )
        tried.append(Alternative(same_one_earliest, next_ones))
    tried.append(Alternative(replace(query, practitioner_ids=(), wish=TimeWish(), spread_days=True), next_ones))
    return tried


@dataclass(frozen=True)
class ChoiceAnswer:
    """What the answer to the slots read out says (read by the French toolkit)."""

    index: int | None = None  # the proposal chosen ("le deuxième", "celui de 15 h")
    holds_on: bool = False  # "attendez deux secondes": the "deux" was once the second slot
    born: date | None = None  # a birth date ("le douze mai quatre-vingt-quatre"), kept for the identity
    refuses_all: bool = False  # "aucun ne me convient", without a preference in it
    new_search: Mapping[str, Any] = field(default_factory=dict)  # a new time or practitioner (search_changes)
    declines: bool = False  # "non", "finalement non"
    noted: bool = False  # a phone number or a name, kept by its own mapping


def choice_answer(proposals: Sequence[Slot], answer: ChoiceAnswer, earlier_wish: Any) -> Decision:
    """The choice, or why it is none. Rasa has already put any time said into the wish: when the
    answer is not a new wish, the wish before it (``earlier_wish``) is set back."""
    if excluded_practitioners(answer.new_search.get("practitioner")):
        return Decision(answer.new_search)  # "un autre kiné": no choice of the first ("un") of those read out
    if answer.index is not None:
        return Decision({"chosen_slot": proposals[answer.index]})
    if answer.holds_on:
        return Decision({"chosen_slot": None, "time_wish": earlier_wish}, (reply("take_your_time"),))
    if answer.born is not None:
        # it was searched as the appointment's date ("rien de libre")
        changes = {"chosen_slot": None, "birth_date": answer.born, "time_wish": earlier_wish}
        return Decision(changes, (reply("noted_but_not_this"),))
    if answer.refuses_all:
        # "non ça va pas, j'emmène les enfants à l'école à huit heures et demie": the time says why
        # not, not when; the patient is asked when instead.
        return Decision(NEW_WISH, (reply("ok"),))
    if answer.new_search:
        return Decision(answer.new_search)
    if answer.declines:
        return Decision(NEW_WISH)
    if answer.noted:
        return Decision({"chosen_slot": None}, (reply("noted_but_not_this"),))
    return not_understood("chosen_slot")


#: What the NLU reads in a request for another practitioner while the slots are read out (QA): "un autre
#: praticien", a question about the practitioners; "pas avec lui, quelqu'un d'autre", a request for a person.
MISREAD_ANOTHER_PRACTITIONER = frozenset({"ask_practitioners", "request_human"})


def another_practitioner_instead(
    intent: str | None, form: str | None, new_search: Mapping[str, Any]
) -> Decision | None:
    """A new search with anyone but the practitioner of the slots read out (``new_search``, from
    :func:`search_changes`), where the NLU read the request as a question or a request for a person: QA listed
    the practitioners and proposed the same slots again, or handed the call over. None otherwise."""
    if form != "slot_choice_form" or intent not in MISREAD_ANOTHER_PRACTITIONER:
        return None
    if not excluded_practitioners(new_search.get("practitioner")):
        return None
    return Decision(new_search, (reply("ok"),), follow="slot_choice_form")


#: Neither the choice nor the proposals nor the wish: the patient is asked when again.
NEW_WISH: Mapping[str, Any] = {"chosen_slot": None, "proposed_slots": None, "time_wish": None}


def search_changes(
    new_wish: Any, practitioner: str | None, another_than: Sequence[Slot] = (), asked: Any = None
) -> dict[str, Any]:
    """A new time wish or practitioner said while a booking or a move is searched: a new search (the
    proposals and the choice are dropped too). Empty when the message gives neither.

    ``another_than``: the slots read out, when the patient asks for another practitioner than theirs ("n'importe
    quel autre kiné", "pas avec lui"): the search is anyone but them and those already set aside (``asked``, the
    practitioner slot), with the wish already given (QA offered the same practitioner again)."""
    if another_than:
        practitioner = anyone_but([*(slot.practitioner_id for slot in another_than), *excluded_practitioners(asked)])
    if new_wish is None and practitioner is None:
        return {}
    changes: dict[str, Any] = {"chosen_slot": None, "proposed_slots": None}
    if new_wish is not None:
        changes["time_wish"] = new_wish
    if practitioner is not None:
        changes["practitioner"] = practitioner
    return changes
