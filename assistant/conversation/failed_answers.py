"""Failed answers to a form's question: the question again with a hint, then the secretariat.

The counting policy is ``assistant.dialogue.failures`` (two in a row on one question hand over); this
module says what each case calls for. Never a third identical question (QA: « Je n'ai pas compris la
date de naissance » up to ten times in a row).
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.conversation.decision import Decision, Handover
from assistant.conversation.escalation import HANDED_OVER_SLOTS
from assistant.conversation.replies import catalogue, reply
from assistant.dialogue.failures import after_failure, handover_reason, hands_over

#: The slot counting failed answers in a row per question.
FAILED_ANSWERS = "failed_answers"
#: The value of the phone slot when there is no number to call back.
NO_PHONE = "none"


def hint_for(question: str) -> str:
    """What the patient hears after an answer to ``question`` not understood: what is expected."""
    hint = f"not_understood.{question}"
    return hint if hint in catalogue() else "not_this_answer"


def repeated_failure(question: str, phone_known: bool) -> Decision:
    """The second failed answer in a row to ``question``: the secretariat, with what was understood, then
    the callback number (not asked when the number itself could not be understood)."""
    changes = {**dict.fromkeys(HANDED_OVER_SLOTS), question: None, FAILED_ANSWERS: None}
    handover = Handover(handover_reason(question), "misunderstanding", "routine")
    no_third_time = {"phone": NO_PHONE} if question == "phone" and not phone_known else {}
    said = (reply("not_understood_again"),)
    return Decision(
        changes, said, follow="callback_form", stop_form=True, handover=handover, after_handover=no_third_time
    )


def failed_answer(failed_before: Mapping[str, int], question: str, phone_known: bool, hint: str = "") -> Decision:
    """One more answer to ``question`` not understood (counted here): the question again with a hint, or
    the hand-over."""
    counts = after_failure(failed_before, question)
    if hands_over(counts, question):
        return repeated_failure(question, phone_known)
    return Decision({question: None, FAILED_ANSWERS: counts}, (reply(hint or hint_for(question)),))


def reported_failure(counts: Mapping[str, int], question: str, phone_known: bool) -> Decision:
    """A failure a validator already counted (``counts``): the hint, or the hand-over."""
    if hands_over(counts, question):
        return repeated_failure(question, phone_known)
    return Decision(said=(reply(hint_for(question)),))


def something_else(question: str, failed_before: Mapping[str, int], noted: bool, phone_known: bool) -> Decision:
    """A form answer that fills nothing the form needs: "C'est noté." when it carried something (a name
    kept for later), else a failed answer; the form then asks again."""
    if noted:
        return Decision({question: None}, (reply("noted_but_not_this"),))
    return failed_answer(failed_before, question, phone_known, hint="not_this_answer")
