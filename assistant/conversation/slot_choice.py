"""Booking policy when the wish has no free slot: which searches to try, in which order, said how.

The fallback order: the same wish with any practitioner (when one was asked for), then the asked
practitioner's next free slots, then anyone's next free slots. At most three searches; the action
runs them in order and proposes the first that finds something, with its introduction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.conversation.replies import Reply, reply
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
            tried.append(Alternative(others, (reply("practitioner_busy_other_can", practitioner=practitioner_subject),)))
        same_one_earliest = SlotQuery(
            query.appointment_type_id, query.practitioner_ids, TimeWish(), 3, True, query.new_patient
        )
        tried.append(Alternative(same_one_earliest, next_ones))
    tried.append(Alternative(replace(query, practitioner_ids=(), wish=TimeWish(), spread_days=True), next_ones))
    return tried
