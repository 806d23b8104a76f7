"""What the patient hears when the dialogue cannot do its work, and the emergency words.

Pure: no Rasa, no database. The emergency sentence is said by the emergency action in
normal times and by the channels' turn guard when the action server, the agenda
database or the model failed (:mod:`assistant.adapters.channels.guard`): one text, one
home, so that a failure never changes what a person in danger hears. Without a practice
(the database never answered since the start), the national numbers are used.
"""

from __future__ import annotations

import re
from datetime import datetime

from assistant.core.model import Channel, EmergencyNumbers, Practice
from assistant.core.secretariat import is_staffed
from assistant.core.triage import TriageResult
from assistant.language.fr.dates import MONTHS

#: What an action says when it fails (the turn guard replaces it with :func:`technical_failure_reply`).
TECHNICAL_APOLOGY = (
    "Je suis désolé, un incident technique m'empêche de continuer. "
    "Le secrétariat pourra vous aider : merci de rappeler aux heures d'ouverture."
)

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


def emergency_sentence(numbers: EmergencyNumbers, category: str, life_threatening: bool = False) -> str:
    """The numbers to call now, first words of any answer to an emergency."""
    if category == "suicide" and life_threatening:
        return (
            f"Appelez tout de suite le {numbers.samu}. Le {numbers.suicide_prevention}, numéro national de "
            "prévention du suicide, peut aussi vous écouter, jour et nuit."
        )
    if category == "suicide":
        return (
            # Words the same for everyone: "vous n'êtes pas seul" is wrong for half of the callers.
            f"Quelqu'un peut vous écouter et vous aider maintenant : appelez le {numbers.suicide_prevention}, "
            "le numéro national de prévention du suicide, gratuit, jour et nuit. "
            f"En cas de danger immédiat, appelez le {numbers.samu}."
        )
    return (
        f"Cela peut être une urgence : appelez immédiatement le {numbers.samu}, ou le {numbers.european}. "
        f"Si vous ne pouvez pas parler, envoyez un SMS au {numbers.deaf_sms}."
    )


def emergency_reply(practice: Practice | None, triage: TriageResult) -> str:
    """The emergency sentence for a triage result (its category and the order of its numbers)."""
    return emergency_sentence(numbers_of(practice), triage.category, is_life_threatening(triage))


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
    sentences = ["Je suis désolé, un incident technique m'empêche de traiter votre demande pour le moment."]
    # On the phone, "staffed" means the caller is put through: it needs a number to dial.
    staffed = practice is not None and now is not None and is_staffed(practice, now)
    if channel == Channel.PHONE and practice is not None and not practice.secretariat.transfer_number:
        staffed = False
    on_call = practice.emergency.on_call if practice is not None else ""
    if channel == Channel.PHONE:
        if not staffed:
            sentences.append("Merci de rappeler un peu plus tard.")
    elif practice is not None and practice.phone and staffed:
        sentences.append(f"Vous pouvez joindre le secrétariat au {practice.phone}.")
    elif on_call and now is not None:
        sentences.append(f"Le secrétariat est fermé ; si vous avez besoin d'un médecin, appelez le {on_call}.")
    else:
        sentences.append("Merci de réessayer un peu plus tard.")
    if recorded and not (channel == Channel.PHONE and staffed):
        if channel == Channel.PHONE and callback:
            sentences.append("Le secrétariat vous rappellera au numéro de cet appel.")
        else:
            sentences.append("Votre message est transmis au secrétariat.")
    sentences.append(f"En cas d'urgence, appelez le {samu}.")
    return " ".join(sentences)


def too_long_reply(limit: int) -> str:
    """A message over the size limit: not read, and the patient is told how to go on."""
    return (
        f"Votre message est trop long pour que je le lise (plus de {limit} caractères). "
        "Pouvez-vous me dire en une ou deux phrases ce que vous souhaitez ?"
    )
