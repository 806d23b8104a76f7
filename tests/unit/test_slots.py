"""Slot search over schedules, lunch breaks, closures, holidays, DST and booking rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from assistant.core.model import AppointmentType, BookingRules, Interval, Practitioner, TimeRange
from assistant.core.slots import SlotQuery, opening_intervals, rule_applies, search_slots
from assistant.core.windows import AFTERNOON, MORNING, TimeWish
from tests.builders import MON_TO_FRI, PARIS, at, day_closure, make_practice, rule

MONDAY_10H = at(2026, 11, 23, 10, 0)  # Monday 23 November 2026


def starts(slots):
    return [(s.start.astimezone(PARIS).strftime("%a %d %H:%M"), s.practitioner_id) for s in slots]


def test_earliest_slots_respect_minimum_notice_and_grid():
    practice = make_practice()
    found = search_slots(practice, SlotQuery("consultation", count=3), {}, MONDAY_10H)
    # 60 min notice from 10:00: first grid point (08:30 + k*20) at or after 11:00 is 11:10.
    assert [s.start for s in found] == [at(2026, 11, 23, 11, 10), at(2026, 11, 23, 11, 30), at(2026, 11, 23, 14, 0)]
    assert all(s.end - s.start == timedelta(minutes=20) for s in found)


def test_lunch_break_is_never_offered_and_slot_must_fit_before_it():
    practice = make_practice()
    found = search_slots(practice, SlotQuery("long", count=2), {}, MONDAY_10H)
    # 40 minutes: 11:10-11:50 fits before noon, 11:30 would run past 12:00, next is 14:00.
    assert [s.start for s in found] == [at(2026, 11, 23, 11, 10), at(2026, 11, 23, 14, 0)]


def test_busy_intervals_are_skipped_and_a_visit_can_follow_an_off_grid_end():
    practice = make_practice()
    busy = {"dupont": [Interval(at(2026, 11, 23, 11, 10), at(2026, 11, 23, 11, 25))]}
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=2), busy, MONDAY_10H)
    # 11:25 follows the busy visit off the grid; 11:30 is the next grid point (both are free on their own).
    assert [s.start for s in found] == [at(2026, 11, 23, 11, 25), at(2026, 11, 23, 11, 30)]


def test_buffer_keeps_distance_from_busy_intervals():
    practice = make_practice(
        rules=BookingRules(min_notice_minutes=0, horizon_days=5, slot_step_minutes=10, buffer_minutes=10)
    )
    busy = {"dupont": [Interval(at(2026, 11, 23, 10, 30), at(2026, 11, 23, 10, 50))]}
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=2), busy, MONDAY_10H)
    # 10:00-10:20 would end 10 minutes before 10:30: allowed; 10:10 would not; next after busy+buffer is 11:00.
    assert [s.start for s in found] == [at(2026, 11, 23, 10, 0), at(2026, 11, 23, 11, 0)]


def test_practitioner_filter_and_weekday_schedule():
    practice = make_practice()
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("martin",), count=2), {}, MONDAY_10H)
    # Martin works Tuesday and Thursday 09:00-12:00.
    assert starts(found) == [("Tue 24 09:00", "martin"), ("Tue 24 09:20", "martin")]


def test_new_patient_excludes_practitioners_who_do_not_take_them():
    practice = make_practice()
    wish = TimeWish(weekdays=(1,), day_parts=(TimeRange(time(9), time(10)),))
    found = search_slots(practice, SlotQuery("consultation", wish=wish, count=5, new_patient=True), {}, MONDAY_10H)
    assert found and {s.practitioner_id for s in found} == {"dupont"}


def test_morning_and_afternoon_wishes():
    practice = make_practice()
    morning = search_slots(
        practice, SlotQuery("consultation", wish=TimeWish(day_parts=(MORNING,)), count=3), {}, MONDAY_10H
    )
    assert all(s.start.astimezone(PARIS).hour < 12 for s in morning)
    afternoon = search_slots(
        practice, SlotQuery("consultation", wish=TimeWish(day_parts=(AFTERNOON,)), count=3), {}, MONDAY_10H
    )
    assert all(s.start.astimezone(PARIS).hour >= 14 for s in afternoon)


def test_after_17h_means_slots_starting_from_17h_that_end_by_closing():
    practice = make_practice()
    wish = TimeWish(day_parts=(TimeRange(time(17), time(23, 59)),))
    found = search_slots(
        practice, SlotQuery("consultation", practitioner_ids=("dupont",), wish=wish, count=4), {}, MONDAY_10H
    )
    assert starts(found) == [
        ("Mon 23 17:00", "dupont"),
        ("Mon 23 17:20", "dupont"),
        ("Mon 23 17:40", "dupont"),
        ("Tue 24 17:00", "dupont"),
    ]


def test_absolute_interval_wish_a_precise_day():
    practice = make_practice()
    wish = TimeWish(intervals=(Interval(at(2026, 11, 26), at(2026, 11, 27)),))
    found = search_slots(practice, SlotQuery("consultation", wish=wish, count=3), {}, MONDAY_10H)
    assert all(s.start.astimezone(PARIS).date() == date(2026, 11, 26) for s in found)
    assert found[0].start == at(2026, 11, 26, 8, 30)


def test_spread_over_days_gives_one_choice_per_day_first():
    practice = make_practice()
    found = search_slots(
        practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=3, spread_days=True), {}, MONDAY_10H
    )
    assert [s.start.astimezone(PARIS).date() for s in found] == [
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
    ]


def test_spread_falls_back_to_same_day_when_only_one_day_fits():
    practice = make_practice()
    wish = TimeWish(intervals=(Interval(at(2026, 11, 24), at(2026, 11, 25)),))
    found = search_slots(
        practice,
        SlotQuery("consultation", practitioner_ids=("dupont",), wish=wish, count=3, spread_days=True),
        {},
        MONDAY_10H,
    )
    assert len(found) == 3 and {s.start.date() for s in found} == {date(2026, 11, 24)}


def test_public_holidays_are_closed_unless_configured_open():
    # Friday 25 December 2026 is Christmas; Monday 28 is a working day.
    wish = TimeWish(intervals=(Interval(at(2026, 12, 25), at(2026, 12, 26)),))
    closed = make_practice()
    assert search_slots(closed, SlotQuery("consultation", wish=wish), {}, at(2026, 12, 20, 9)) == []
    opened = make_practice(public_holidays_closed=False)
    assert search_slots(opened, SlotQuery("consultation", wish=wish), {}, at(2026, 12, 20, 9))


def test_easter_monday_is_a_holiday_computed_not_listed():
    practice = make_practice()
    # Easter 2027 is on 28 March: Monday 29 March is closed.
    assert opening_intervals(practice, practice.practitioner("dupont"), date(2027, 3, 29), PARIS) == []
    assert opening_intervals(practice, practice.practitioner("dupont"), date(2027, 3, 30), PARIS)


def test_practice_closure_and_practitioner_closure():
    practice = make_practice(
        closures=(
            day_closure(date(2026, 11, 24), date(2026, 11, 24)),
            day_closure(date(2026, 11, 25), date(2026, 11, 27), "dupont"),
        )
    )
    wish = TimeWish(intervals=(Interval(at(2026, 11, 24), at(2026, 11, 28)),))
    found = search_slots(practice, SlotQuery("consultation", wish=wish, count=20), {}, MONDAY_10H)
    days = {(s.start.astimezone(PARIS).date(), s.practitioner_id) for s in found}
    assert (date(2026, 11, 24), "martin") not in days  # whole practice closed on Tuesday
    assert all(pid == "martin" for _, pid in days)  # Dupont away Wednesday to Friday
    assert (date(2026, 11, 26), "martin") in days


def test_partial_day_closure_cuts_opening_hours():
    practice = make_practice()
    from assistant.core.model import Closure

    closure = Closure(at(2026, 11, 23, 14), at(2026, 11, 23, 16), "réunion", "dupont")
    practice = make_practice(closures=(closure,))
    opened = opening_intervals(practice, practice.practitioner("dupont"), date(2026, 11, 23), PARIS)
    assert [(i.start.astimezone(PARIS).time(), i.end.astimezone(PARIS).time()) for i in opened] == [
        (time(8, 30), time(12)),
        (time(16), time(18)),
    ]


def test_alternate_weeks():
    saturday_rule = rule((5,), "09:00-12:00", every_weeks=2, anchor=date(2026, 11, 28))
    assert rule_applies(saturday_rule, date(2026, 11, 28))
    assert not rule_applies(saturday_rule, date(2026, 12, 5))
    assert rule_applies(saturday_rule, date(2026, 12, 12))
    assert rule_applies(saturday_rule, date(2026, 11, 14))  # weeks before the anchor too
    assert not rule_applies(saturday_rule, date(2026, 11, 21))


def test_validity_period_of_a_schedule_rule():
    limited = rule(MON_TO_FRI, "09:00-12:00", valid_from=date(2026, 12, 1), valid_until=date(2026, 12, 31))
    assert not rule_applies(limited, date(2026, 11, 30))
    assert rule_applies(limited, date(2026, 12, 31))
    assert not rule_applies(limited, date(2027, 1, 1))


def test_minimum_notice_and_horizon():
    practice = make_practice(rules=BookingRules(min_notice_minutes=24 * 60, horizon_days=2, slot_step_minutes=20))
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=100), {}, MONDAY_10H)
    assert found[0].start == at(2026, 11, 24, 10, 10)  # 24 h notice, next grid point
    assert max(s.start for s in found).date() == date(2026, 11, 25)  # horizon: today + 2 days


def test_dst_spring_forward_week_keeps_wall_clock_hours():
    # Europe/Paris switches to summer time on Sunday 28 March 2027 at 02:00.
    practice = make_practice()
    now = at(2027, 3, 26, 18, 30)  # Friday evening
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=1), {}, now)
    first = found[0]
    # Monday 29 is Easter Monday (closed): first slot Tuesday 30 at 08:30 local, UTC+2.
    assert first.start.astimezone(PARIS).replace(tzinfo=None) == datetime(2027, 3, 30, 8, 30)
    assert first.start.astimezone(timezone.utc).hour == 6
    assert first.end - first.start == timedelta(minutes=20)


def test_dst_fall_back_week_keeps_wall_clock_hours():
    # Back to winter time on Sunday 25 October 2026 at 03:00.
    practice = make_practice()
    now = at(2026, 10, 23, 19)
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=1), {}, now)
    assert found[0].start.astimezone(PARIS).replace(tzinfo=None) == datetime(2026, 10, 26, 8, 30)
    assert found[0].start.astimezone(timezone.utc).hour == 7  # UTC+1 again


def test_night_opening_across_dst_gap_is_resolved_forward():
    night = Practitioner("garde", "Garde", "Dr", "garde", schedule=(rule((6,), "01:00-04:00"),))
    from assistant.core.model import AppointmentType

    practice = make_practice(practitioners=(night,), appointment_types=(AppointmentType("c", "C", 60, ("garde",)),))
    opened = opening_intervals(practice, night, date(2027, 3, 28), PARIS)
    # 01:00 to 04:00 wall clock on the spring-forward night lasts two real hours.
    assert opened[0].end - opened[0].start == timedelta(hours=2)


def test_no_slot_when_motif_has_no_eligible_practitioner_left():
    practice = make_practice()
    assert search_slots(practice, SlotQuery("long", practitioner_ids=("martin",)), {}, MONDAY_10H) == []


def test_unknown_motif_raises_key_error():
    with pytest.raises(KeyError):
        search_slots(make_practice(), SlotQuery("nope"), {}, MONDAY_10H)


def test_full_agenda_yields_nothing_in_window():
    practice = make_practice()
    busy = {"dupont": [Interval(at(2026, 11, 23, 8), at(2026, 11, 23, 19))], "martin": []}
    wish = TimeWish(intervals=(Interval(at(2026, 11, 23), at(2026, 11, 24)),))
    assert search_slots(practice, SlotQuery("consultation", wish=wish), busy, MONDAY_10H) == []


def test_a_precise_wished_time_off_the_grid_is_offered_when_free():
    practice = make_practice()  # 20-minute grid from 08:30
    wish = TimeWish(intervals=(Interval(at(2026, 11, 24, 10, 10), at(2026, 11, 24, 10, 11)),))
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), wish=wish), {}, MONDAY_10H)
    assert [s.start for s in found] == [at(2026, 11, 24, 10, 10)]
    busy = {"dupont": [Interval(at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 20))]}
    assert (
        search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), wish=wish), busy, MONDAY_10H)
        == []
    )


def test_a_motif_with_start_hours_is_offered_only_then():
    """A fasting blood test was offered at 17 h 40 (phone QA): the motif's own hours bound the search."""
    morning_only = AppointmentType(
        "consultation", "Consultation", 20, ("dupont", "martin"), hours=(TimeRange(time(8, 30), time(9, 30)),)
    )
    practice = make_practice(appointment_types=(morning_only,))
    found = search_slots(practice, SlotQuery("consultation", practitioner_ids=("dupont",), count=4), {}, MONDAY_10H)
    assert all(time(8, 30) <= s.start.astimezone(PARIS).time() < time(9, 30) for s in found) and len(found) == 4
    assert found[0].start.astimezone(PARIS).date() == date(2026, 11, 24)  # Monday 10:00: the next morning
    afternoon = SlotQuery("consultation", practitioner_ids=("dupont",), count=3, wish=TimeWish(day_parts=(AFTERNOON,)))
    assert search_slots(practice, afternoon, {}, MONDAY_10H) == []
