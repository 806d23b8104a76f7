"""Which of the assistant's replies a practice may reword in its file (``wording:``), and which it may not.

A practice rewords its greeting, its sign-off, how it names itself. It never rewords what keeps a person
safe: the ``safety.*`` replies (the emergency numbers, what is said when the dialogue cannot do its work)
and any reply that gives an emergency number. Those are the same for every practice. Pure data: read by
the practice file's checks and by the catalogue (``assistant/conversation/replies.py``), which never uses
a practice's text for them.
"""

from __future__ import annotations

from collections.abc import Collection

#: The replies of the safety net: ``safety.emergency``, ``safety.technical_apology``…
PROTECTED_PREFIX = "safety."
#: A reply that says one of these numbers is a safety reply too, whatever its id.
EMERGENCY_NUMBER_PARAMETERS = frozenset({"samu", "european", "deaf_sms", "suicide_prevention"})


def is_protected(reply_id: str, parameters: Collection[str] = ()) -> bool:
    """Whether no practice may reword ``reply_id`` (``parameters``: those its catalogue texts use)."""
    return reply_id.startswith(PROTECTED_PREFIX) or bool(EMERGENCY_NUMBER_PARAMETERS.intersection(parameters))


def wording_refusal(reply_id: str, parameters: Collection[str] = ()) -> str | None:
    """Why a practice file may not reword ``reply_id``, in French for its error list; None when it may."""
    if not is_protected(reply_id, parameters):
        return None
    return (
        f"la phrase {reply_id!r} ne peut pas être modifiée par un cabinet : les consignes de sécurité et les "
        "numéros d'urgence sont les mêmes pour tous"
    )
