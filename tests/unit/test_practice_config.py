"""The practice YAML file: the demo loads, round-trips, and every mistake is located precisely.

Bad-file cases start from ``MINIMAL`` (whose line numbers are written next to it)
and change one or two lines, so each test can assert the exact line and field path.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from dateutil import tz

from assistant.core.model import BookingRules, Closure, EmergencyNumbers, Practice, ScheduleRule, TimeRange
from assistant.core.practice_config import (
    ConfigIssue,
    PracticeConfigError,
    load_practice_file,
    parse_practice,
    practice_from_dict,
    practice_to_dict,
)

PARIS = tz.gettz("Europe/Paris")
DEMO_FILE = Path(__file__).resolve().parents[2] / "practices" / "demo-lille.yml"

MINIMAL = """\
practice:
  id: test
  name: Cabinet test
  kind: cabinet médical
  phone: 03 53 01 00 00
address:
  street: 1 rue de la Paix
  postal_code: "59000"
  city: Lille
practitioners:
  - id: dr-a
    name: Anne Arnaud
    title: Dr
    specialty: médecin généraliste
    schedule:
      - days: [mon, tue]
        hours: [08:30-12:00, 14:00-18:00]
appointment_types:
  - id: consultation
    name: consultation
    duration_minutes: 20
    practitioners: [dr-a]
"""
# Line numbers of MINIMAL, for readability of the tests below.
L_PRACTICE, L_ID, L_NAME, L_KIND, L_PHONE = 1, 2, 3, 4, 5
L_ADDRESS, L_CITY = 6, 9
L_PRACTITIONER, L_PR_NAME, L_DAYS, L_HOURS = 11, 12, 16, 17
L_TYPE, L_TYPE_NAME, L_DURATION, L_TYPE_PRACTITIONERS = 19, 20, 21, 22


def variant(*changes: tuple[int, str | None], extra: str = "") -> str:
    """MINIMAL with line ``n`` replaced (None deletes it; "\\n" inserts lines), plus ``extra`` at the end."""
    lines: list[str] = MINIMAL.splitlines()
    for number, text in sorted(changes, key=lambda change: change[0], reverse=True):
        if text is None:
            del lines[number - 1]
        else:
            lines[number - 1 : number] = text.split("\n")
    return "\n".join(lines) + "\n" + extra


def issues_of(text: str) -> list[ConfigIssue]:
    with pytest.raises(PracticeConfigError) as caught:
        parse_practice(text, "cabinet.yml")
    return caught.value.issues


def single_issue(text: str) -> ConfigIssue:
    issues = issues_of(text)
    assert len(issues) == 1, "\n".join(map(str, issues))
    return issues[0]


def assert_issue(issue: ConfigIssue, line: int, field: str, *fragments: str) -> None:
    assert (issue.file, issue.line, issue.field) == ("cabinet.yml", line, field), str(issue)
    for fragment in fragments:
        assert fragment in issue.message, str(issue)


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo() -> Practice:
    return load_practice_file(DEMO_FILE)


def test_demo_file_parses_with_its_people_and_motifs(demo: Practice) -> None:
    assert demo.id == "demo-lille"
    assert demo.kind == "maison de santé pluriprofessionnelle"
    assert demo.timezone == "Europe/Paris"
    assert demo.address.postal_code == "59000" and demo.address.city == "Lille"
    assert [p.id for p in demo.practitioners] == ["lefebvre", "benali", "mercier", "lambert"]
    assert demo.practitioner("benali").accepts_new_patients is False
    assert demo.practitioner("lefebvre").spoken_name == "le docteur Lefebvre"

    frottis = demo.appointment_type("frottis")
    assert frottis.duration_minutes == 30
    assert frottis.practitioner_ids == ("lefebvre",)
    assert "dépistage du col" in frottis.synonyms
    assert demo.appointment_type("consultation").practitioner_ids == ("lefebvre", "benali")
    assert demo.appointment_type("kine-bilan").duration_minutes == 45
    assert "à jeun" in demo.appointment_type("prise-de-sang").instructions
    assert demo.appointment_type("prise-de-sang").duration_minutes == 10
    assert len({t.id for t in demo.appointment_types}) == len(demo.appointment_types) >= 10

    assert demo.rules == BookingRules(
        min_notice_minutes=60,
        horizon_days=90,
        buffer_minutes=0,
        slot_step_minutes=5,
        max_future_appointments_per_patient=3,
        cancel_notice_hours=24,
    )
    assert demo.emergency.samu == "15" and demo.emergency.suicide_prevention == "3114"
    assert demo.fees.sector == "secteur 1" and demo.fees.carte_vitale is True
    assert "chèque" in demo.fees.payment_methods
    assert demo.public_holidays_closed is True and demo.holiday_region == "metropole"


def test_demo_schedules_have_lunch_breaks_and_an_alternate_saturday(demo: Practice) -> None:
    lefebvre = demo.practitioner("lefebvre")
    weekdays = lefebvre.schedule[0]
    assert weekdays.weekdays == (0, 1, 3, 4)
    assert weekdays.ranges == (TimeRange(time(8, 30), time(12, 0)), TimeRange(time(14, 0), time(19, 0)))
    assert lefebvre.schedule[1].weekdays == (2,)  # Wednesday: morning only
    assert lefebvre.schedule[1].ranges == (TimeRange(time(8, 30), time(12, 30)),)
    assert lefebvre.schedule[2] == ScheduleRule(
        weekdays=(5,),
        ranges=(TimeRange(time(9, 0), time(12, 0)),),
        every_weeks=2,
        anchor=date(2026, 11, 23),
    )
    nurse = demo.practitioner("lambert")
    assert nurse.schedule[0].ranges[0] == TimeRange(time(7, 30), time(9, 30))
    assert nurse.schedule[2].valid_from == date(2027, 1, 9)
    secretariat = demo.secretariat.hours
    assert secretariat[0].weekdays == (0, 1, 2, 3, 4)
    assert [str(r) for r in secretariat[0].ranges] == ["08:30-12:30", "14:00-18:00"]
    assert secretariat[1].weekdays == (5,) and [str(r) for r in secretariat[1].ranges] == ["09:00-12:00"]


def test_demo_closures_are_local_midnights_in_paris(demo: Practice) -> None:
    christmas, training, afternoon = demo.closures
    assert christmas.practitioner_id == "mercier"
    # Whole days, both inclusive: from local midnight on the 24th to local midnight after the 31st.
    assert christmas.start == datetime(2026, 12, 24, 0, 0, tzinfo=PARIS)
    assert christmas.end == datetime(2027, 1, 1, 0, 0, tzinfo=PARIS)
    assert christmas.start.astimezone(PARIS).utcoffset() == timedelta(hours=1)
    assert christmas.start.astimezone(timezone.utc) == datetime(2026, 12, 23, 23, 0, tzinfo=timezone.utc)
    assert christmas.end.astimezone(timezone.utc) == datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)
    # A single whole day for the whole practice: "to" may be omitted.
    assert training.practitioner_id is None
    assert (training.start, training.end) == (
        datetime(2027, 1, 21, 0, 0, tzinfo=PARIS),
        datetime(2027, 1, 22, 0, 0, tzinfo=PARIS),
    )
    # Date and time: local wall times in the practice timezone.
    assert afternoon == Closure(
        start=datetime(2026, 12, 14, 14, 0, tzinfo=PARIS),
        end=datetime(2026, 12, 14, 19, 30, tzinfo=PARIS),
        reason="formation continue",
        practitioner_id="benali",
    )


def test_summer_closure_uses_the_summer_offset() -> None:
    practice = parse_practice(variant(extra="closures:\n  - from: 2027-07-14\n    to: 2027-07-15\n"))
    (closure,) = practice.closures
    assert closure.start.astimezone(timezone.utc) == datetime(2027, 7, 13, 22, 0, tzinfo=timezone.utc)
    assert closure.start.astimezone(PARIS).utcoffset() == timedelta(hours=2)
    assert closure.end == datetime(2027, 7, 16, 0, 0, tzinfo=PARIS)


def test_demo_round_trips_through_a_json_dict(demo: Practice) -> None:
    data = practice_to_dict(demo)
    stored = json.loads(json.dumps(data))  # what the database gives back
    assert practice_from_dict(stored) == demo
    assert practice_from_dict(data) == demo
    assert data["format_version"] == 1
    assert data["closures"][0]["start"] == "2026-12-23T23:00:00+00:00"
    assert data["practitioners"][0]["schedule"][0]["ranges"][0] == {"start": "08:30", "end": "12:00"}
    assert data["practitioners"][0]["schedule"][2]["anchor"] == "2026-11-23"


def test_round_trip_keeps_datetimes_as_the_same_instants(demo: Practice) -> None:
    back = practice_from_dict(json.loads(json.dumps(practice_to_dict(demo))))
    for original, restored in zip(demo.closures, back.closures, strict=True):
        assert restored.start.utcoffset() is not None
        assert restored.start.astimezone(timezone.utc) == original.start.astimezone(timezone.utc)


def test_practice_from_dict_rejects_malformed_snapshots(demo: Practice) -> None:
    data = practice_to_dict(demo)
    with pytest.raises(ValueError, match="format_version"):
        practice_from_dict({**data, "format_version": 99})
    with pytest.raises(ValueError, match="surprise"):
        practice_from_dict({**data, "surprise": 1})
    broken = json.loads(json.dumps(data))
    broken["appointment_types"][0]["duration_minutes"] = "vingt"
    with pytest.raises(ValueError, match=r"appointment_types\[0\]\.duration_minutes"):
        practice_from_dict(broken)


# --------------------------------------------------------------------------- minimal file and defaults


def test_minimal_file_gets_the_documented_defaults() -> None:
    practice = parse_practice(MINIMAL)
    assert practice.timezone == "Europe/Paris"
    assert practice.languages == ("fr",)
    assert practice.emergency == EmergencyNumbers()
    assert practice.rules == BookingRules()
    assert practice.public_holidays_closed is True
    assert practice.holiday_region == "metropole"
    assert practice.closures == ()
    consultation = practice.appointment_type("consultation")
    assert consultation.new_patients is True and consultation.bookable_online is True


def test_french_day_names_ranges_and_times_are_accepted() -> None:
    text = variant(
        (L_DAYS, "      - days: [lun, mercredi, jeu-ven, Sam]"), (L_HOURS, "        hours: [8h30-12h, 14:00 - 18:30]")
    )
    rule = parse_practice(text).practitioners[0].schedule[0]
    assert rule.weekdays == (0, 2, 3, 4, 5)
    assert rule.ranges == (TimeRange(time(8, 30), time(12, 0)), TimeRange(time(14, 0), time(18, 30)))


def test_ranges_are_sorted_and_booleans_accept_french() -> None:
    text = variant(
        (L_HOURS, "        hours: [14:00-18:00, 08:30-12:00]"),
        (L_PR_NAME, "    name: Anne Arnaud\n    accepts_new_patients: non"),
    )
    practitioner = parse_practice(text).practitioners[0]
    assert practitioner.accepts_new_patients is False
    assert [str(r) for r in practitioner.schedule[0].ranges] == ["08:30-12:00", "14:00-18:00"]


def test_empty_optional_keys_mean_default() -> None:
    practice = parse_practice(variant((L_PHONE, "  phone: 03 53 01 00 00\n  email:\n  languages:"), extra="fees:\n"))
    assert practice.email == "" and practice.languages == ("fr",)


# --------------------------------------------------------------------------- keys


def test_unknown_key_typo_is_reported_at_its_line_with_a_suggestion() -> None:
    issues = issues_of(variant((L_DURATION, "    duraton_minutes: 20")))
    assert len(issues) == 2
    missing, unknown = issues
    assert_issue(
        missing, L_TYPE, "appointment_types[0].duration_minutes", "clé obligatoire 'duration_minutes' manquante"
    )
    assert_issue(unknown, L_DURATION, "appointment_types[0].duraton_minutes", "clé inconnue", "'duration_minutes'")


def test_unknown_key_without_close_match_lists_the_allowed_keys() -> None:
    issue = single_issue(variant(extra="horaires: 9h-18h\n"))
    assert_issue(issue, 23, "horaires", "clé inconnue 'horaires'", "clés possibles", "booking_rules")


def test_duplicate_key_is_reported_on_the_second_occurrence() -> None:
    issue = single_issue(variant((L_KIND, "  name: Autre nom\n  kind: cabinet médical")))
    assert_issue(issue, L_KIND, "practice.name", "clé 'name' en double", "ligne 3")


def test_missing_required_field_is_reported_at_the_parent_mapping() -> None:
    issue = single_issue(variant((L_PR_NAME, None)))
    assert_issue(issue, L_PRACTITIONER, "practitioners[0].name", "clé obligatoire 'name' manquante")


def test_missing_key_in_a_block_is_reported_at_the_block_line() -> None:
    issue = single_issue(variant((L_CITY, None)))
    assert_issue(issue, L_ADDRESS, "address.city", "clé obligatoire 'city' manquante")


def test_missing_top_level_section() -> None:
    text = "\n".join(MINIMAL.splitlines()[L_PRACTITIONER - 2 :]) + "\n"  # drop practice: and address:
    issues = issues_of(text)
    assert [(i.line, i.field) for i in issues] == [(1, "practice"), (1, "address")]


def test_required_value_left_empty() -> None:
    issue = single_issue(variant((L_NAME, "  name:")))
    assert_issue(issue, L_NAME, "practice.name", "une valeur est obligatoire")


def test_merge_keys_are_refused_clearly() -> None:
    issue = single_issue(variant((L_KIND, "  kind: cabinet médical\n  <<: {x: 1}")))
    assert_issue(issue, L_KIND + 1, "practice.<<", "clés de fusion")


# --------------------------------------------------------------------------- types


def test_string_where_a_list_is_expected() -> None:
    issue = single_issue(variant((L_TYPE_NAME, "    name: consultation\n    synonyms: consult")))
    assert_issue(issue, L_TYPE_NAME + 1, "appointment_types[0].synonyms", "doit être une liste", "'consult'")


def test_days_written_as_a_single_word_is_a_type_error() -> None:
    issue = single_issue(variant((L_DAYS, "      - days: mon")))
    assert_issue(issue, L_DAYS, "practitioners[0].schedule[0].days", "doit être une liste")


def test_mapping_where_text_is_expected() -> None:
    issue = single_issue(variant((L_NAME, "  name: {first: Cabinet}")))
    assert_issue(issue, L_NAME, "practice.name", "doit être un texte", "bloc")


def test_list_where_a_block_is_expected() -> None:
    issue = single_issue(variant(extra="booking_rules: [60, 90]\n"))
    assert_issue(issue, 23, "booking_rules", "bloc de lignes « clé: valeur »", "une liste")


def test_bad_boolean() -> None:
    issue = single_issue(variant((L_PR_NAME, "    name: Anne Arnaud\n    accepts_new_patients: peut-être")))
    assert_issue(issue, L_PR_NAME + 1, "practitioners[0].accepts_new_patients", "true ou false", "'peut-être'")


# --------------------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("hours", "index", "fragment"),
    [
        ("[8.30-12:00]", 0, "'8.30' n'est pas une heure"),
        ("[08:30-12:00, 25:00-26:00]", 1, "'25:00' n'est pas une heure valide"),
        ("[08:30-12:60]", 0, "'12:60' n'est pas une heure valide"),
        ("[08:30]", 0, "n'est pas une plage horaire"),
        ("[08:30-12:00-14:00]", 0, "n'est pas une plage horaire"),
    ],
)
def test_bad_time_formats(hours: str, index: int, fragment: str) -> None:
    issue = single_issue(variant((L_HOURS, f"        hours: {hours}")))
    assert_issue(issue, L_HOURS, f"practitioners[0].schedule[0].hours[{index}]", fragment)


@pytest.mark.parametrize("value", ["14:00-12:00", "12:00-12:00"])
def test_range_must_end_after_it_starts(value: str) -> None:
    issue = single_issue(variant((L_HOURS, f"        hours: [08:00-09:00, {value}]")))
    assert_issue(issue, L_HOURS, "practitioners[0].schedule[0].hours[1]", "doit finir après avoir commencé")


def test_overlapping_ranges_name_the_range_they_overlap() -> None:
    text = variant(
        (L_HOURS, "        hours:\n          - 08:30-12:00\n          - 14:00-18:00\n          - 11:30-13:00")
    )
    issue = single_issue(text)
    assert_issue(
        issue, L_HOURS + 3, "practitioners[0].schedule[0].hours[2]", "11:30-13:00 chevauche 08:30-12:00", "hours[0]"
    )


def test_touching_ranges_are_not_an_overlap() -> None:
    practice = parse_practice(variant((L_HOURS, "        hours: [08:30-12:00, 12:00-13:00]")))
    assert len(practice.practitioners[0].schedule[0].ranges) == 2


def test_unknown_weekday_with_suggestion() -> None:
    issue = single_issue(variant((L_DAYS, "      - days: [mon, tuesday, wendesday]")))
    assert_issue(issue, L_DAYS, "practitioners[0].schedule[0].days[2]", "jour inconnu 'wendesday'", "'wednesday'")


def test_unknown_weekday_without_suggestion_lists_the_names() -> None:
    issue = single_issue(variant((L_DAYS, "      - days: [xyz]")))
    assert_issue(issue, L_DAYS, "practitioners[0].schedule[0].days[0]", "jour inconnu 'xyz'", "lun, mar")


def test_day_repeated_or_backwards_range() -> None:
    issues = issues_of(variant((L_DAYS, "      - days: [mon-wed, tue, fri-mon]")))
    assert [(i.field, i.line) for i in issues] == [
        ("practitioners[0].schedule[0].days[1]", L_DAYS),
        ("practitioners[0].schedule[0].days[2]", L_DAYS),
    ]
    assert "répète un jour" in issues[0].message and "à l'envers" in issues[1].message


def test_every_weeks_without_week_of() -> None:
    issue = single_issue(variant((L_HOURS, "        hours: [08:30-12:00]\n        every_weeks: 2")))
    assert_issue(issue, L_HOURS + 1, "practitioners[0].schedule[0].week_of", "week_of est obligatoire")


def test_week_of_without_every_weeks() -> None:
    issue = single_issue(variant((L_HOURS, "        hours: [08:30-12:00]\n        week_of: 2026-11-23")))
    assert_issue(issue, L_HOURS + 1, "practitioners[0].schedule[0].week_of", "every_weeks")


def test_every_weeks_must_be_at_least_one() -> None:
    issue = single_issue(variant((L_HOURS, "        hours: [08:30-12:00]\n        every_weeks: 0")))
    assert_issue(issue, L_HOURS + 1, "practitioners[0].schedule[0].every_weeks", "entre 1 et 52")


def test_validity_period_must_not_be_reversed() -> None:
    text = variant((L_HOURS, "        hours: [08:30-12:00]\n        from: 2027-03-01\n        until: 2027-02-28"))
    issue = single_issue(text)
    assert_issue(issue, L_HOURS + 2, "practitioners[0].schedule[0].until", "antérieur à from")


def test_invalid_date() -> None:
    issue = single_issue(variant((L_HOURS, "        hours: [08:30-12:00]\n        from: 2027-02-30")))
    assert_issue(issue, L_HOURS + 1, "practitioners[0].schedule[0].from", "'2027-02-30' n'est pas une date valide")


def test_practitioner_needs_a_schedule_rule() -> None:
    text = variant((L_DAYS, None), (L_HOURS, None), (L_DAYS - 1, "    schedule: []"))
    issue = single_issue(text)
    assert_issue(issue, L_DAYS - 1, "practitioners[0].schedule", "au moins une règle")


def test_secretariat_hours_use_the_schedule_format() -> None:
    extra = (
        "secretariat:\n  transfer_number: 03 53 01 00 01\n  hours:\n    - days: [lun-ven]\n      hours: [9:00-12:00]\n"
    )
    practice = parse_practice(variant(extra=extra))
    assert practice.secretariat.transfer_number == "03 53 01 00 01"
    assert practice.secretariat.hours == (
        ScheduleRule(weekdays=(0, 1, 2, 3, 4), ranges=(TimeRange(time(9), time(12)),)),
    )
    bad = variant(extra="secretariat:\n  hours:\n    - days: [lun]\n      hours: [12:00-09:00]\n")
    assert_issue(single_issue(bad), 26, "secretariat.hours[0].hours[0]", "doit finir après")


# --------------------------------------------------------------------------- ids and references


def test_unknown_practitioner_in_an_appointment_type() -> None:
    issue = single_issue(variant((L_TYPE_PRACTITIONERS, "    practitioners: [dr-a, dr-b]")))
    assert_issue(
        issue, L_TYPE_PRACTITIONERS, "appointment_types[0].practitioners[1]", "praticien inconnu 'dr-b'", "dr-a"
    )


def test_unknown_practitioner_suggests_the_close_id() -> None:
    issue = single_issue(variant((L_TYPE_PRACTITIONERS, "    practitioners: [dr-aa]")))
    assert "vouliez-vous dire 'dr-a'" in issue.message


def test_appointment_type_needs_a_practitioner() -> None:
    issue = single_issue(variant((L_TYPE_PRACTITIONERS, "    practitioners: []")))
    assert_issue(issue, L_TYPE_PRACTITIONERS, "appointment_types[0].practitioners", "au moins un identifiant")


def test_duplicate_practitioner_ids() -> None:
    second = (
        "        hours: [08:30-12:00]\n  - id: dr-a\n    name: Bernard B\n    title: Dr\n    specialty: généraliste\n"
        "    schedule:\n      - days: [fri]\n        hours: [09:00-12:00]"
    )
    issue = single_issue(variant((L_HOURS, second)))
    assert_issue(issue, L_HOURS + 1, "practitioners[1].id", "identifiant de praticien 'dr-a' en double", "ligne 11")


def test_duplicate_appointment_type_ids() -> None:
    extra = "  - id: consultation\n    name: autre\n    duration_minutes: 15\n    practitioners: [dr-a]\n"
    issue = single_issue(variant(extra=extra))
    assert_issue(issue, 23, "appointment_types[1].id", "identifiant de motif 'consultation' en double", "ligne 19")


def test_ids_must_be_slugs_and_bad_ids_do_not_cascade() -> None:
    issues = issues_of(variant((L_PRACTITIONER, "  - id: Dr_A"), (L_TYPE_PRACTITIONERS, "    practitioners: [Dr_A]")))
    assert len(issues) == 1  # the reference to Dr_A is not reported a second time
    assert_issue(issues[0], L_PRACTITIONER, "practitioners[0].id", "'Dr_A' n'est pas un identifiant valide")


def test_a_phrase_shared_by_two_appointment_types_is_ambiguous() -> None:
    extra = "  - id: renouvellement\n    name: renouvellement\n    synonyms: [Consultation]\n"
    extra += "    duration_minutes: 15\n    practitioners: [dr-a]\n"
    issue = single_issue(variant(extra=extra))
    assert_issue(issue, 25, "appointment_types[1].synonyms[0]", "aussi utilisé par appointment_types[0].name")


def test_a_synonym_equal_to_its_own_name_is_fine() -> None:
    practice = parse_practice(variant((L_TYPE_NAME, "    name: consultation\n    synonyms: [Consultation, consult]")))
    assert practice.appointment_types[0].synonyms == ("Consultation", "consult")


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("-20", "entre 5 et 480, pas -20"), ("0", "entre 5 et 480"), ("481", "pas 481"), ("vingt", "nombre entier")],
)
def test_duration_bounds(value: str, fragment: str) -> None:
    issue = single_issue(variant((L_DURATION, f"    duration_minutes: {value}")))
    assert_issue(issue, L_DURATION, "appointment_types[0].duration_minutes", fragment)


@pytest.mark.parametrize("zone", ["Europe/Pariss", "XYZ+3", "Paris", '""'])
def test_bad_timezone(zone: str) -> None:
    issue = single_issue(variant((L_PHONE, f"  phone: 03 53 01 00 00\n  timezone: {zone}")))
    assert issue.line == L_PHONE + 1 and issue.field == "practice.timezone"
    assert "fuseau horaire inconnu" in issue.message or "ne doit pas être vide" in issue.message


def test_other_timezone_is_used_for_closures() -> None:
    text = variant(
        (L_PHONE, "  phone: 03 53 01 00 00\n  timezone: America/Martinique"), extra="closures:\n  - from: 2027-01-05\n"
    )
    practice = parse_practice(text)
    assert practice.timezone == "America/Martinique"
    assert practice.closures[0].start.astimezone(timezone.utc) == datetime(2027, 1, 5, 4, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("line", "field", "fragment"),
    [
        ('  postal_code: "5900"', "address.postal_code", "code postal"),
        ("  postal_code: 59 000", "address.postal_code", "code postal"),
    ],
)
def test_bad_postal_code(line: str, field: str, fragment: str) -> None:
    issue = single_issue(variant((8, line)))
    assert_issue(issue, 8, field, fragment)


def test_postal_code_keeps_its_leading_zero_unquoted() -> None:
    assert parse_practice(variant((8, "  postal_code: 01000"))).address.postal_code == "01000"


def test_bad_phone_email_and_website() -> None:
    text = variant((L_PHONE, "  phone: appelez-nous\n  email: secretariat\n  website: www.example.fr"))
    issues = issues_of(text)
    assert [(i.line, i.field) for i in issues] == [
        (L_PHONE, "practice.phone"),
        (L_PHONE + 1, "practice.email"),
        (L_PHONE + 2, "practice.website"),
    ]


def test_booking_rules_bounds_and_keys() -> None:
    extra = "booking_rules:\n  min_notice_minutes: -1\n  slot_step_minutes: 2\n  max_future_appointments: 3\n"
    issues = issues_of(variant(extra=extra))
    assert [(i.line, i.field) for i in issues] == [
        (24, "booking_rules.min_notice_minutes"),
        (25, "booking_rules.slot_step_minutes"),
        (26, "booking_rules.max_future_appointments"),
    ]
    assert "max_future_appointments_per_patient" in issues[2].message


def test_public_holidays_and_region_choices() -> None:
    practice = parse_practice(variant(extra="public_holidays: open\nholiday_region: alsace-moselle\n"))
    assert practice.public_holidays_closed is False and practice.holiday_region == "alsace-moselle"
    issues = issues_of(variant(extra="public_holidays: sometimes\nholiday_region: bretagne\n"))
    assert [(i.line, i.field) for i in issues] == [(23, "public_holidays"), (24, "holiday_region")]
    assert "closed ou open" in issues[0].message and "metropole ou alsace-moselle" in issues[1].message


# --------------------------------------------------------------------------- closures


def test_closure_referring_to_an_unknown_practitioner() -> None:
    issue = single_issue(variant(extra="closures:\n  - from: 2026-12-24\n    practitioner: dr-z\n"))
    assert_issue(issue, 25, "closures[0].practitioner", "praticien inconnu 'dr-z'")


def test_closure_ending_before_it_starts() -> None:
    issue = single_issue(variant(extra="closures:\n  - from: 2026-12-24\n    to: 2026-12-20\n"))
    assert_issue(issue, 25, "closures[0].to", "doit finir après avoir commencé", "2026-12-20")


def test_closure_at_a_time_needs_an_end_and_refuses_offsets() -> None:
    extra = "closures:\n  - from: 2026-12-14 14:00\n  - from: 2026-12-14T14:00+01:00\n    to: 2026-12-14 18:00\n"
    issues = issues_of(variant(extra=extra))
    assert [(i.line, i.field) for i in issues] == [(24, "closures[0].to"), (25, "closures[1].from")]
    assert "doit avoir une fin" in issues[0].message and "sans décalage" in issues[1].message


def test_closure_mixing_a_time_and_a_whole_day() -> None:
    practice = parse_practice(variant(extra="closures:\n  - from: 2026-12-14 14:00\n    to: 2026-12-15\n"))
    closure = practice.closures[0]
    assert (closure.start, closure.end) == (
        datetime(2026, 12, 14, 14, 0, tzinfo=PARIS),
        datetime(2026, 12, 16, 0, 0, tzinfo=PARIS),
    )


# --------------------------------------------------------------------------- YAML level


def test_yaml_syntax_error_gives_its_line() -> None:
    issue = single_issue(variant((L_PR_NAME, "    name: Anne: Arnaud")))
    assert (issue.line, issue.field) == (L_PR_NAME, "")
    assert issue.message.startswith("syntaxe YAML invalide")


def test_unclosed_bracket_gives_a_line() -> None:
    issue = single_issue(variant((L_DAYS, "      - days: [mon, tue")))
    assert issue.line >= L_DAYS and "syntaxe YAML invalide" in issue.message


def test_tab_indentation_gets_a_hint() -> None:
    issue = single_issue(variant((L_ID, "\tid: test")))
    assert issue.line == L_ID and "tabulations" in issue.message


def test_empty_file_and_wrong_root() -> None:
    assert single_issue("# rien\n").message == "le fichier est vide"
    assert_issue(single_issue("- practice\n"), 1, "", "le fichier doit être un bloc")


def test_several_documents_are_refused() -> None:
    issue = single_issue(MINIMAL + "---\nother: 1\n")
    assert issue.line == 23 and "syntaxe YAML invalide" in issue.message


def test_several_errors_are_all_reported_in_file_order() -> None:
    text = variant(
        (L_PHONE, "  phone: 03 53 01 00 00\n  timezone: Mars/Olympus"),  # line 6
        (L_DAYS, "      - days: [mon, lnu]"),  # line 17 once shifted
        (L_HOURS, "        hours: [08:30-12:00, 11:00-13:00]"),  # line 18
        (L_DURATION, "    duration_minutes: -5"),  # line 22
        (L_TYPE_PRACTITIONERS, "    practitioners: [dr-x]"),  # line 23
    )
    issues = issues_of(text)
    assert [(i.line, i.field) for i in issues] == [
        (6, "practice.timezone"),
        (17, "practitioners[0].schedule[0].days[1]"),
        (18, "practitioners[0].schedule[0].hours[1]"),
        (22, "appointment_types[0].duration_minutes"),
        (23, "appointment_types[0].practitioners[0]"),
    ]


# --------------------------------------------------------------------------- error objects and files


def test_issue_and_error_formatting() -> None:
    issue = ConfigIssue("cabinet.yml", 12, "practitioners[0].name", "ne doit pas être vide")
    assert str(issue) == "cabinet.yml:12: practitioners[0].name: ne doit pas être vide"
    assert str(ConfigIssue("cabinet.yml", 0, "", "fichier introuvable")) == "cabinet.yml: fichier introuvable"
    error = PracticeConfigError([issue, ConfigIssue("cabinet.yml", 14, "x", "y")])
    assert str(error).splitlines() == [str(issue), "cabinet.yml:14: x: y"]


def test_load_practice_file_reports_the_path(tmp_path: Path) -> None:
    path = tmp_path / "cabinet.yml"
    path.write_text(variant((L_DURATION, "    duration_minutes: 2")), encoding="utf-8")
    with pytest.raises(PracticeConfigError) as caught:
        load_practice_file(path)
    assert str(caught.value).startswith(f"{path}:{L_DURATION}: appointment_types[0].duration_minutes:")


def test_load_practice_file_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PracticeConfigError) as caught:
        load_practice_file(tmp_path / "absent.yml")
    (issue,) = caught.value.issues
    assert (issue.line, issue.message) == (0, "fichier introuvable")


def test_load_practice_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes(MINIMAL.replace("médecin", "m\xe9decin").encode("latin-1"))
    with pytest.raises(PracticeConfigError) as caught:
        load_practice_file(path)
    (issue,) = caught.value.issues
    assert issue.line == 4 and "UTF-8" in issue.message


def test_load_practice_file_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_practice_file(path).id == "test"


def test_a_motifs_start_hours_are_read_and_a_bad_range_names_its_line() -> None:
    practice = parse_practice(variant((L_TYPE_PRACTITIONERS, "    practitioners: [dr-a]\n    hours: [07:30-10:00]")))
    assert practice.appointment_types[0].hours == (TimeRange(time(7, 30), time(10, 0)),)
    assert parse_practice(MINIMAL).appointment_types[0].hours == ()  # the practitioner's whole day
    issue = single_issue(variant((L_TYPE_PRACTITIONERS, "    practitioners: [dr-a]\n    hours: [10:00-07:30]")))
    assert_issue(issue, L_TYPE_PRACTITIONERS + 1, "appointment_types[0].hours[0]", "doit finir après avoir commencé")


# --------------------------------------------------------------------------- issue 18: prescription and gender


def test_prescription_required_defaults_to_false_and_reads_true_or_oui() -> None:
    assert parse_practice(MINIMAL).appointment_types[0].prescription_required is False
    for value in ("true", "oui", "yes"):
        text = variant((L_DURATION, f"    duration_minutes: 20\n    prescription_required: {value}"))
        assert parse_practice(text).appointment_types[0].prescription_required is True
    text = variant((L_DURATION, "    duration_minutes: 20\n    prescription_required: non"))
    assert parse_practice(text).appointment_types[0].prescription_required is False


def test_a_bad_prescription_required_is_reported_at_its_line() -> None:
    issue = single_issue(variant((L_DURATION, "    duration_minutes: 20\n    prescription_required: parfois")))
    assert_issue(issue, L_DURATION + 1, "appointment_types[0].prescription_required", "true ou false", "'parfois'")


def test_a_misspelt_prescription_key_gets_a_suggestion() -> None:
    issue = single_issue(variant((L_DURATION, "    duration_minutes: 20\n    prescription_requried: true")))
    assert_issue(
        issue, L_DURATION + 1, "appointment_types[0].prescription_requried", "vouliez-vous dire 'prescription_required'"
    )


@pytest.mark.parametrize(("value", "expected"), [("f", "f"), ("m", "m"), ("F", "f"), ("féminin", "f"), ("homme", "m")])
def test_a_practitioners_gender_is_read(value: str, expected: str) -> None:
    practice = parse_practice(variant((L_PR_NAME, f"    name: Anne Arnaud\n    gender: {value}")))
    assert practice.practitioners[0].gender == expected
    assert parse_practice(MINIMAL).practitioners[0].gender == ""  # not said: never guessed


def test_a_bad_gender_is_reported_with_the_values_allowed() -> None:
    issue = single_issue(variant((L_PR_NAME, "    name: Anne Arnaud\n    gender: femelle")))
    assert_issue(issue, L_PR_NAME + 1, "practitioners[0].gender", "doit valoir f ou m", "'femelle'")


def test_a_gender_the_title_contradicts_is_reported_at_the_gender_line() -> None:
    issue = single_issue(
        variant((L_PR_NAME, "    name: Anne Arnaud\n    gender: m"), (L_PR_NAME + 1, "    title: Mme"))
    )
    assert_issue(issue, L_PR_NAME + 1, "practitioners[0].gender", "m (masculin)", "'Mme'", "f (féminin)")


def test_a_spoken_name_that_contradicts_the_gender_is_reported_at_its_line() -> None:
    text = variant(
        (L_PR_NAME, "    name: Anne Arnaud\n    gender: m\n    spoken_name: Anne Arnaud, la kinésithérapeute")
    )
    issue = single_issue(text)
    assert_issue(issue, L_PR_NAME + 2, "practitioners[0].spoken_name", "« la kinésithérapeute »", "gender: m")
    text = variant((L_PR_NAME, "    name: Anne Arnaud\n    gender: f\n    spoken_name: Anne Arnaud, l’infirmier"))
    assert_issue(single_issue(text), L_PR_NAME + 2, "practitioners[0].spoken_name", "« l’infirmier »", "gender: f")


def test_le_docteur_for_a_woman_is_the_usage_of_many_practices_and_is_accepted() -> None:
    text = variant((L_PR_NAME, "    name: Anne Arnaud\n    gender: f\n    spoken_name: le docteur Arnaud"))
    assert parse_practice(text).practitioners[0].phone_label == "le docteur Arnaud"


def test_a_motifs_gender_is_read_and_checked() -> None:
    practice = parse_practice(variant((L_DURATION, "    duration_minutes: 20\n    gender: f")))
    assert practice.appointment_types[0].gender == "f"
    assert parse_practice(MINIMAL).appointment_types[0].gender == ""
    issue = single_issue(variant((L_DURATION, "    duration_minutes: 20\n    gender: une")))
    assert_issue(issue, L_DURATION + 1, "appointment_types[0].gender", "doit valoir f ou m", "'une'")


def test_gender_and_prescription_survive_the_stored_snapshot() -> None:
    text = variant(
        (L_PR_NAME, "    name: Anne Arnaud\n    gender: f"),
        (L_DURATION, "    duration_minutes: 20\n    prescription_required: true\n    gender: f"),
    )
    practice = parse_practice(text)
    assert practice_from_dict(json.loads(json.dumps(practice_to_dict(practice)))) == practice
    older = practice_to_dict(parse_practice(MINIMAL))  # a snapshot stored before these fields existed
    del older["practitioners"][0]["gender"], older["appointment_types"][0]["prescription_required"]
    assert practice_from_dict(older).appointment_types[0].prescription_required is False
