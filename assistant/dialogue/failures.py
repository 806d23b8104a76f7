"""How many failed answers a form question gets before a person takes over: the policy, purely.

QA counted 163 « Je n'ai pas compris la date de naissance » in 200 turns, up to 10 in a row, and
never a hand-over. Every question of the forms (identity, booking, slot choice) now gets a bounded
number of failed answers: the first is asked again with a short hint of what is expected; the
second in a row on the same question hands the conversation to the secretariat, with what was
understood. Never a third identical question.

The counts live in one slot (``failed_answers``: question → failed answers in a row); an answer
that fills the question clears its count. The actions only translate: they report a failure or a
success, and ask :func:`hands_over` what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assistant.conversation.replies import catalogue, say

#: The failed answers in a row on one question after which the conversation is handed over.
MAX_FAILED_ANSWERS = 2


def failure_counts(value: Any) -> dict[str, int]:
    """The slot's value as counts (anything unreadable, such as a slot never set, is no failure)."""
    if not isinstance(value, Mapping):
        return {}
    counts: dict[str, int] = {}
    for field, count in value.items():
        try:
            number = int(count)
        except (TypeError, ValueError):
            continue
        if number > 0:
            counts[str(field)] = number
    return counts


def after_failure(value: Any, field: str) -> dict[str, int]:
    """The counts once ``field`` got one more answer that could not be understood."""
    counts = failure_counts(value)
    counts[field] = counts.get(field, 0) + 1
    return counts


def after_answers(value: Any, answered: Iterable[str]) -> dict[str, int]:
    """The counts once the ``answered`` questions got a usable answer: their failures are no longer in a row."""
    done = set(answered)
    return {field: count for field, count in failure_counts(value).items() if field not in done}


def hands_over(value: Any, field: str) -> bool:
    """Whether ``field``'s failed answers in a row call for a person rather than the question again."""
    return failure_counts(value).get(field, 0) >= MAX_FAILED_ANSWERS


def handover_reason(field: str) -> str:
    """The escalation's reason, for the secretary: "Incompréhension répétée : date de naissance"
    (``reason.misunderstood`` and the question's label ``field.<question>`` in the reply catalogue)."""
    label = f"field.{field}"
    return say("reason.misunderstood", field=say(label) if label in catalogue() else field.replace("_", " "))
