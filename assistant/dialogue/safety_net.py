"""What the patient hears when the dialogue cannot do its work, and the emergency words.

Pure: no Rasa, no database. The words are the catalogue's ``safety.*`` entries
(``assistant/language/fr/replies_fr.yml``), which no practice can reword. The emergency
sentence is said by the emergency action in normal times and by the channels' turn guard
when the action server, the agenda database or the model failed (:mod:`assistant.adapters.channels.guard`): one text, one
home, so that a failure never changes what a person in danger hears. Without a practice
(the database never answered since the start), the national numbers are used.
"""

from __future__ import annotations

import re
from datetime import datetime

from assistant.conversation.replies import Reply, render, say
from assistant.core.model import Channel, EmergencyNumbers, Practice
from assistant.core.secretariat import is_staffed
from assistant.core.triage import TriageResult
from assistant.language.fr.dates import MONTHS

#: What an action says when it fails (the turn guard replaces it with :func:`technical_failure_reply`).
TECHNICAL_APOLOGY = render([Reply("safety.technical_apology"), Reply("safety.failure.opening_hours")])

#: The custom payload an action sends with :data:`TECHNICAL_APOLOGY`, so that the channel knows the turn failed.
TECHNICAL_FAILURE_MARK = "technical_failure"


def numbers_of(practice: Practice | None) -> EmergencyNumbers:
    """The practice's emergency numbers, or the national ones when the practice is unknown."""
    return practice.emergency if practice is not None else EmergencyNumbers()


def is_life_threatening(triage: TriageResult) -> bool:
    """A person at risk of suicide whose words are also a medical emergency: the 15 first.

    Decided by the triage from the rules that matched (as the conversation layer decides it), never from
    the practice's numbers (a practice's own SAMU number made an overdose get the 3114 first).
    """
    return triage.category == "suicide" and triage.life_threatening


def emergency_numbers(numbers: EmergencyNumbers, category: str, life_threatening: bool = False) -> Reply:
    """The numbers to call now, first words of any answer to an emergency (``safety.*`` in the catalogue)."""
    if category == "suicide" and life_threatening:
        return Reply(
            "safety.suicide_life_threatening", {"samu": numbers.samu, "suicide_prevention": numbers.suicide_prevention}
        )
    if category == "suicide":
        return Reply("safety.suicide", {"samu": numbers.samu, "suicide_prevention": numbers.suicide_prevention})
    return Reply("safety.emergency", {"samu": numbers.samu, "european": numbers.european, "deaf_sms": numbers.deaf_sms})


def emergency_sentence(
    numbers: EmergencyNumbers, category: str, life_threatening: bool = False, channel: Channel | None = None
) -> str:
    """:func:`emergency_numbers`, said on ``channel`` (an SMS is shorter)."""
    return render([emergency_numbers(numbers, category, life_threatening)], channel)


def emergency_reply(practice: Practice | None, triage: TriageResult, channel: Channel | None = None) -> str:
    """The emergency sentence for a triage result (its category and the order of its numbers)."""
    return emergency_sentence(numbers_of(practice), triage.category, is_life_threatening(triage), channel)


def says_emergency_number(texts: list[str], practice: Practice | None, triage: TriageResult) -> bool:
    """Whether the reply already gives the first number this emergency needs, as a number to call.

    "le 15 mars" or "le 150" is no such number: the number must stand alone, not before a month.
    """
    numbers = numbers_of(practice)
    first = numbers.suicide_prevention if triage.category == "suicide" else numbers.samu
    if is_life_threatening(triage):
        first = numbers.samu
    said = re.compile(rf"\ble {re.escape(first)}(?![\d\w])(?!\s+(?:{'|'.join(MONTHS)})\b)", re.IGNORECASE)
    return any(said.search(text) for text in texts)


def technical_failure_reply(
    practice: Practice | None, channel: Channel, now: datetime | None, recorded: bool, callback: bool = False
) -> str:
    """An apology, what to do now, and what happens to the request (only what is true).

    ``recorded``: the request is kept for the secretariat (in the database or the spool); ``callback``: with
    the number of the call, to be called back. On the phone in staffed hours the channel puts the caller
    through after these words. Out of staffed hours, chat and SMS get the on-call number, not the desk's.
    """
    samu = numbers_of(practice).samu
    said = [Reply("safety.technical_apology")]
    # On the phone, "staffed" means the caller is put through: it needs a number to dial.
    staffed = practice is not None and now is not None and is_staffed(practice, now)
    if channel == Channel.PHONE and practice is not None and not practice.secretariat.transfer_number:
        staffed = False
    on_call = practice.emergency.on_call if practice is not None else ""
    if channel == Channel.PHONE:
        if not staffed:
            said.append(Reply("safety.failure.call_back_later"))
    elif practice is not None and practice.phone and staffed:
        said.append(Reply("safety.failure.desk", {"phone": practice.phone}))
    elif on_call and now is not None:
        said.append(Reply("safety.failure.on_call", {"on_call": on_call}))
    else:
        said.append(Reply("safety.failure.try_later"))
    if recorded and not (channel == Channel.PHONE and staffed):
        if channel == Channel.PHONE and callback:
            said.append(Reply("safety.failure.called_back"))
        else:
            said.append(Reply("safety.failure.passed_on"))
    said.append(Reply("safety.failure.if_emergency", {"samu": samu}))
    return render(said, channel)


def too_long_reply(limit: int, channel: Channel | None = None) -> str:
    """A message over the size limit: not read, and the patient is told how to go on."""
    return say("safety.too_long", channel, None, limit=limit)
