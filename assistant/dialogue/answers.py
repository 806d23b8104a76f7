"""Answers to practical questions, written from the practice configuration.

Nothing here is hard-coded about a practice: hours, address, fees, documents and
practitioners come from :class:`Practice`. Each answer is a few short sentences,
short enough to be spoken in about twenty seconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from assistant.clock import get_timezone
from assistant.conversation.replies import say
from assistant.core.holidays import french_public_holidays, is_public_holiday
from assistant.core.model import AppointmentType, Closure, Practice, ScheduleRule, TimeRange
from assistant.core.secretariat import is_staffed, next_staffed, staffed_intervals
from assistant.core.slots import opening_intervals, rule_applies
from assistant.core.text import normalise
from assistant.core.windows import TimeWish, local_datetime
from assistant.dialogue.speech import (
    DAYS,
    indefinite,
    join_alternatives,
    practitioner_phrase,
    practitioner_subject,
    say_date,
    say_day_month,
    say_time,
    say_when,
    with_article,
)


def say_in(practice: Practice, reply_id: str, **params: object) -> str:
    """A sentence of the catalogue in the practice's own wording when its file gives one (``wording:``)."""
    return say(reply_id, None, practice, **params)


def say_range(wall: TimeRange) -> str:
    return f"de {say_time(wall.start)} à {say_time(wall.end)}"


def say_weekdays(weekdays: Sequence[int]) -> str:
    """(0, 1, 2, 3, 4) → "du lundi au vendredi"; (0, 3) → "le lundi et le jeudi"."""
    days = sorted(set(weekdays))
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"du {DAYS[days[0]]} au {DAYS[days[-1]]}"
    return join_alternatives([f"le {DAYS[d]}" for d in days], "et")


def current_rules(rules: Sequence[ScheduleRule], today: date | None) -> list[ScheduleRule]:
    """The rules still in force on ``today`` or later (a rule that ended is not said)."""
    return [rule for rule in rules if today is None or rule.valid_until is None or rule.valid_until >= today]


def say_weekly_hours(rules: Sequence[ScheduleRule], today: date | None = None) -> str:
    """ "du lundi au vendredi de 8 h 30 à 12 h 30 et de 14 h à 18 h, et le samedi de 9 h à midi".

    A rule that starts later says so ("le samedi de 8 h à 9 h 30 (à partir du 9 janvier)"): said
    plainly, the nurse's new Saturdays sent patients on Saturdays she did not work yet.
    """
    parts = []
    for rule in current_rules(rules, today):
        ranges = join_alternatives([say_range(r) for r in rule.ranges], "et")
        every = " une semaine sur deux" if rule.every_weeks == 2 else ""
        starts = ""
        if today is not None and rule.valid_from is not None and rule.valid_from > today:
            starts = f" (à partir du {say_day_month(rule.valid_from)})"
        parts.append(f"{say_weekdays(rule.weekdays)}{every} {ranges}{starts}")
    return ", et ".join(parts) if len(parts) > 1 else "".join(parts)


def asked_day(wish: TimeWish, tz: tzinfo) -> date | None:
    """The one date an hours question names ("le 25 décembre", "samedi", "demain", "ce soir"), or None.

    "Le samedi" (every Saturday) is a weekday, not a date: see :func:`asked_weekday`.
    """
    if wish.weekdays or not wish.intervals:
        return None
    days = {interval.start.astimezone(tz).date() for interval in wish.intervals}
    if len(days) == 1 and all(i.end - i.start <= timedelta(days=1) for i in wish.intervals):
        return days.pop()
    return None


def asked_weekday(wish: TimeWish, tz: tzinfo) -> int | None:
    """The one weekday an hours question names ("le samedi", "mercredi"), or None."""
    if len(wish.weekdays) == 1:
        return wish.weekdays[0]
    days = {interval.start.astimezone(tz).date() for interval in wish.intervals}
    if len(days) == 1 and all(i.end - i.start <= timedelta(days=1) for i in wish.intervals):
        return days.pop().weekday()
    return None


def answer_hours(
    practice: Practice,
    now: datetime,
    practitioner_id: str | None = None,
    weekday: int | None = None,
    day: date | None = None,
    question: str = "",
) -> str:
    """Opening hours: the secretariat's, or one practitioner's; for one weekday or one date when asked.

    "Le docteur Durand consulte le mercredi ?" is answered about Dr Durand's Wednesdays, not with the
    secretariat's whole week; "vous êtes ouverts le 25 décembre ?" about that very day (a public holiday);
    "vous êtes ouverts là ?", or "aujourd'hui ?" once the secretariat has closed, about now.
    """
    today = now.astimezone(get_timezone(practice.timezone)).date()
    about_now = day is None and weekday is None and asks_about_now(question)
    if practitioner_id is None and (about_now or (day == today and not is_staffed(practice, now))):
        return answer_open_now(practice, now)
    if day is not None:
        return _hours_on(practice, day, today, practitioner_id)
    if practitioner_id is not None:
        return _practitioner_hours(practice, practitioner_id, weekday, today)
    if weekday is not None:
        return _secretariat_day(practice, weekday, today)
    sentences = []
    if practice.secretariat.hours:
        sentences.append(
            say_in(practice, "answer.secretariat_hours", hours=say_weekly_hours(practice.secretariat.hours, today))
        )
    sentences.append(say_in(practice, "answer.by_appointment"))
    if practice.public_holidays_closed and is_public_holiday(today, practice.holiday_region):
        sentences.append(say_in(practice, "answer.holiday_today"))
    elif practice.public_holidays_closed:
        sentences.append(say_in(practice, "answer.closed_on_holidays"))
    if practice.emergency.on_call:
        sentences.append(on_call_sentence(practice))
    sentences.append(say_in(practice, "answer.emergency", samu=practice.emergency.samu))
    return " ".join(sentences)


_NOW = re.compile(
    r"\b(?:maintenant|en ce moment|actuellement|a cette heure(?: ci| la)?|encore ouverte?s?|la tout de suite)\b"
    r"|\bouverte?s? la\b|\bfermee?s? la\b"
)


def asks_about_now(text: str) -> bool:
    """Whether an hours question is about this very moment ("vous êtes ouverts là ?", "encore ouvert ?")."""
    return _NOW.search(normalise(text)) is not None


def answer_open_now(practice: Practice, now: datetime) -> str:
    """Open or not, right now, in one or two sentences (the whole week was read at 21:30: 60 words)."""
    current = next((i for i in staffed_intervals(practice, 1, now) if i.start <= now < i.end), None)
    if current is not None:
        until = current.end.astimezone(get_timezone(practice.timezone)).time()
        return say_in(practice, "answer.open_until", until=say_time(until))
    opening = next_staffed(practice, now)
    today = now.astimezone(get_timezone(practice.timezone)).date()
    closed = (
        say_in(practice, "answer.closed_now_reopens", when=say_when(opening, practice, today))
        if opening
        else say_in(practice, "answer.closed_now")
    )
    sentences = [closed]
    if practice.emergency.on_call:
        sentences.append(on_call_sentence(practice))
    return " ".join(sentences)


def on_call_sentence(practice: Practice) -> str:
    """The practice's on-call service in one spoken sentence (its label says when it answers)."""
    label, number = practice.emergency.on_call_label, practice.emergency.on_call
    return (
        say_in(practice, "answer.on_call_when", on_call=number, label=label)
        if label
        else say_in(practice, "answer.on_call", on_call=number)
    )


def answer_on_call(practice: Practice, question: str = "") -> str:
    """Whom to call when the practice cannot help: its on-call service first, then the emergency numbers.

    Asked at night ("le numéro du médecin de garde ?"), on a Sunday, or for a relative who cannot speak
    on the phone (the 114 takes text messages).
    """
    numbers = practice.emergency
    sentences = [on_call_sentence(practice)] if numbers.on_call else []
    if re.search(r"\bpharmacies?\b", normalise(question)):
        # The practice keeps no list of pharmacies on duty; the national line does (phone QA).
        sentences.insert(0, say_in(practice, "answer.pharmacy"))
    sentences.append(
        say_in(
            practice,
            "answer.emergency_numbers",
            samu=numbers.samu,
            european=numbers.european,
            deaf_sms=numbers.deaf_sms,
        )
    )
    return " ".join(sentences)


def _on_weekday(rules: Sequence[ScheduleRule], weekday: int, today: date) -> list[ScheduleRule]:
    """The rules that open on ``weekday``, narrowed to it (so that they are said for that day only)."""
    return [replace(rule, weekdays=(weekday,)) for rule in current_rules(rules, today) if weekday in rule.weekdays]


def _practitioner_hours(practice: Practice, practitioner_id: str, weekday: int | None, today: date) -> str:
    who = practitioner_subject(practice, practitioner_id)
    rules = current_rules(practice.practitioner(practitioner_id).schedule, today)
    if weekday is None:
        if not rules:
            return say_in(practice, "answer.no_hours", who=who)
        return say_in(practice, "answer.consults", who=who, hours=say_weekly_hours(rules, today))
    that_day = _on_weekday(rules, weekday, today)
    if not that_day:
        working = sorted({day for rule in rules for day in rule.weekdays})
        if working:
            return say_in(
                practice, "answer.not_that_weekday_days", who=who, day=DAYS[weekday], days=say_weekdays(working)
            )
        return say_in(practice, "answer.not_that_weekday", who=who, day=DAYS[weekday])
    return say_in(practice, "answer.consults", who=who, hours=say_weekly_hours(that_day, today))


def _closed_then(practice: Practice) -> str:
    """Whom to call when the practice is closed."""
    if practice.emergency.on_call:
        return say_in(practice, "answer.on_call_short", on_call=practice.emergency.on_call)
    return say_in(practice, "answer.emergency", samu=practice.emergency.samu)


def _secretariat_day(practice: Practice, weekday: int, today: date) -> str:
    that_day = _on_weekday(practice.secretariat.hours, weekday, today)
    if that_day:
        hours = say_in(practice, "answer.secretariat_hours", hours=say_weekly_hours(that_day, today))
        return f"{hours} {say_in(practice, 'answer.by_appointment')}"
    return say_in(practice, "answer.closed_weekday", day=DAYS[weekday], then=_closed_then(practice))


def _the_day(day: date, today: date) -> str:
    """ "aujourd'hui", "demain", "le vendredi 25 décembre"."""
    said = say_date(day, today)
    return said if said in ("aujourd'hui", "demain") else f"le {said}"


def _closures_on(practice: Practice, day: date, tz: tzinfo, practitioner_id: str | None) -> list[Closure]:
    """The closures of the whole practice (``None``) or of one practitioner that touch ``day``."""
    start, end = local_datetime(day, time(0), tz), local_datetime(day + timedelta(days=1), time(0), tz)
    return [c for c in practice.closures if c.practitioner_id == practitioner_id and c.start < end and start < c.end]


def _because(closures: Sequence[Closure]) -> str:
    reasons = [closure.reason for closure in closures if closure.reason]
    return f" ({reasons[0]})" if reasons else ""


def _hours_on(practice: Practice, day: date, today: date, practitioner_id: str | None) -> str:
    """Hours on one date: public holidays, closures, alternate weeks and rules not yet in force included.

    Reduced to its weekday, "ouvert le 25 décembre ?" got a Friday's hours and "le 21 janvier ?" a
    Thursday's, on a public holiday and on a day the whole practice is closed.
    """
    tz = get_timezone(practice.timezone)
    the_day = _the_day(day, today)
    if practice.public_holidays_closed and is_public_holiday(day, practice.holiday_region):
        holiday = french_public_holidays(day.year, practice.holiday_region)[day]
        return say_in(
            practice, "answer.holiday_on", Day=_upper_first(the_day), holiday=holiday, then=_closed_then(practice)
        )
    day_start, day_end = local_datetime(day, time(0), tz), local_datetime(day + timedelta(days=1), time(0), tz)
    whole = [c for c in _closures_on(practice, day, tz, None) if c.start <= day_start and c.end >= day_end]
    if whole:
        return say_in(
            practice,
            "answer.closed_on",
            Day=_upper_first(the_day),
            because=_because(whole),
            then=_closed_then(practice),
        )
    if practitioner_id is not None:
        return _practitioner_on(practice, practitioner_id, day, today, tz)
    rules = [rule for rule in practice.secretariat.hours if rule_applies(rule, day)]
    if not rules:
        return say_in(practice, "answer.closed_on", Day=_upper_first(the_day), because="", then=_closed_then(practice))
    ranges = join_alternatives([say_range(wall) for rule in rules for wall in rule.ranges], "et")
    sentences = [say_in(practice, "answer.day_hours", Day=_upper_first(the_day), ranges=ranges)]
    for practitioner in practice.practitioners:  # who is away that day, when they would have been there
        scheduled = any(rule_applies(rule, day) for rule in practitioner.schedule)
        if scheduled and not opening_intervals(practice, practitioner, day, tz):
            away = _closures_on(practice, day, tz, practitioner.id)
            who = practitioner_subject(practice, practitioner.id)
            sentences.append(say_in(practice, "answer.away_that_day", who=who, because=_because(away)))
    return " ".join(sentences)


def motif_hours_reason(motif: AppointmentType | None, wish: TimeWish) -> str | None:
    """Why a time of day has no slot for a motif with its own hours ("une prise de sang l'après-midi")."""
    if motif is None or not motif.hours or not wish.day_parts:
        return None
    if any(part.start < hours.end and hours.start < part.end for part in wish.day_parts for hours in motif.hours):
        return None
    ranges = join_alternatives([say_range(hours) for hours in motif.hours])
    return say("answer.motif_hours", motif=indefinite(motif), ranges=ranges)


def closed_reason(practice: Practice, wish: TimeWish, practitioner_ids: Sequence[str], today: date) -> str | None:
    """Why a one-day wish has no slot when nobody receives then: said before the alternatives.

    "Dimanche matin", "demain à 7 h", "mercredi à 16 h 30" got "Je n'ai rien de libre à ce
    moment-là" and other times, without the reason (closed on Sunday, she starts at 8 h 30, she
    does not work on Wednesday afternoons). None when the practice receives then (the slots are all
    taken) or when the wish spans several days.
    """
    tz = get_timezone(practice.timezone)
    day = asked_day(wish, tz)
    if day is None or not practitioner_ids:
        return None
    the_day = _upper_first(_the_day(day, today))
    if practice.public_holidays_closed and is_public_holiday(day, practice.holiday_region):
        return say_in(practice, "answer.holiday_closed", Day=the_day)
    openings = {pid: opening_intervals(practice, practice.practitioner(pid), day, tz) for pid in practitioner_ids}
    single = practitioner_ids[0] if len(practitioner_ids) == 1 else None
    if not any(openings.values()):
        if single is not None:
            away = _because(_closures_on(practice, day, tz, single))
            return say(
                "answer.not_on", who=practitioner_subject(practice, single), day=_the_day(day, today), because=away
            )
        if not any(opening_intervals(practice, p, day, tz) for p in practice.practitioners):
            return say_in(practice, "answer.closed_day", Day=the_day)
        return say_in(practice, "answer.no_consultation_for_motif", Day=the_day)
    if not wish.day_parts:
        return None
    wished = [
        (local_datetime(day, part.start, tz), local_datetime(day, part.end, tz) if part.end != time(0) else None)
        for part in wish.day_parts
    ]
    for intervals in openings.values():
        for opening in intervals:
            for start, end in wished:
                if opening.start < (end or opening.end + timedelta(days=1)) and start < opening.end:
                    return None  # someone receives then: the slots are taken, not closed
    if single is not None:
        ranges = join_alternatives(
            [
                say_range(TimeRange(i.start.astimezone(tz).time(), i.end.astimezone(tz).time()))
                for i in openings[single]
            ],
            "et",
        )
        return say(
            "answer.consults_on", who=practitioner_subject(practice, single), day=_the_day(day, today), ranges=ranges
        )
    return say_in(practice, "answer.no_consultation_then", Day=the_day)


def _practitioner_on(practice: Practice, practitioner_id: str, day: date, today: date, tz: tzinfo) -> str:
    practitioner = practice.practitioner(practitioner_id)
    who, the_day = practitioner_subject(practice, practitioner_id), _the_day(day, today)
    opening = opening_intervals(practice, practitioner, day, tz)
    if opening:
        ranges = join_alternatives(
            [say_range(TimeRange(i.start.astimezone(tz).time(), i.end.astimezone(tz).time())) for i in opening], "et"
        )
        return say_in(practice, "answer.consults_on_by_appointment", who=who, day=the_day, ranges=ranges)
    said = say(
        "answer.not_on", who=who, day=the_day, because=_because(_closures_on(practice, day, tz, practitioner_id))
    )
    for offset in range(1, 61):  # the next day they receive, so that the patient knows when
        later = day + timedelta(days=offset)
        if opening_intervals(practice, practitioner, later, tz):
            return f"{said} {say('answer.next_consultation_day', day=say_date(later, today))}"
    return said


#: Words of an address question that ask for one detail of the access (folded, see core.text.normalise).
ADDRESS_TOPICS = {
    "parking": ("garer", "parking", "stationner", "stationnement", "voiture"),
    "public_transport": ("bus", "metro", "tram", "transport", "transports", "station", "arret", "train", "gare"),
    "wheelchair_access": ("ascenseur", "fauteuil", "handicap", "handicape", "pmr", "escalier", "escaliers", "marche"),
    "floor": ("etage", "ascenseur", "escalier", "escaliers"),
    "access": ("entree", "porte", "interphone", "sonner", "code", "rentrer", "acces"),
}


_PARKING_VERB = re.compile(r"\b(se|me|te|nous|vous|je|on) gare(nt)?\b")

#: The details a plain address answer offers, and how they are named.
OFFERED_DETAILS = (
    ("l'étage", "floor"),
    ("les transports", "public_transport"),
    ("le stationnement", "parking"),
    ("l'accès en fauteuil", "wheelchair_access"),
)


def address_topics(question: str) -> list[str]:
    """The access details a question asks for ("c'est où qu'on se gare" → parking), in the order of the file."""
    # "on se gare" is parking; "la gare" is the railway station.
    words = set(_PARKING_VERB.sub(r"\1 garer", normalise(question)).split())
    asked = {topic for topic, keys in ADDRESS_TOPICS.items() if words & set(keys)}
    return [
        topic for topic in ("floor", "access", "public_transport", "parking", "wheelchair_access") if topic in asked
    ]


#: A question for the address itself, besides a detail ("vous êtes où ? il y a un parking ?").
_WHERE = re.compile(
    r"\b(?:adresse|situee?s?|(?:vous etes|c est|cest|se trouve|se trouvent|etes vous|il est|vous trouvez)\s+ou"
    r"|ou\s+(?:est|etes|se trouve|se situe|vous trouvez))\b"
)


def answer_address(practice: Practice, question: str = "") -> str:
    """Where the practice is, or the access details the question asks for: short enough to be spoken.

    A plain "vous êtes où" gets the street and the way in, and the offer of the rest (floor, transport,
    parking, wheelchair access) rather than all of it at once (55 words on the phone with the floor);
    "vous êtes où ? il y a un parking ?" gets the street and the parking (it got the parking only).
    """
    address = practice.address
    topics = address_topics(question)
    details = [getattr(address, topic) for topic in topics if getattr(address, topic)]
    street = say_in(practice, "answer.address", street=address.street, city=address.city)
    if details:
        where = [street] if _WHERE.search(normalise(question)) else []
        return " ".join([*where, *(_sentence(detail) for detail in details)])
    sentences = [street]
    sentences += [_sentence(detail) for detail in (address.access,) if detail]
    more = [name for name, detail in OFFERED_DETAILS if getattr(address, detail)]
    if more:  # an invitation to ask, not a yes/no question the dialogue would have to follow
        sentences.append(say_in(practice, "answer.ask_me_too", more=join_alternatives(more)))
    return " ".join(sentences)


#: Words of a fees question that ask for one thing (folded, see core.text.normalise). "carte" alone
#: says nothing: Vitale, bancaire and mutuelle cards are all "la carte".
FEES_TOPICS = {
    "price": (
        "combien", "prix", "tarif", "tarifs", "coute", "coutent", "cout", "gratuit", "depassement", "depassements",
        "secteur", "rembourse", "remboursee", "remboursement", "conventionne", "honoraires",
    ),
    "carte_vitale": ("vitale",),
    "tiers_payant": ("tiers", "avance", "avancer", "ald", "css", "cmu"),
    "payment_methods": (
        "cheque", "cheques", "cb", "bancaire", "bleue", "espece", "especes", "liquide", "paiement", "regler",
    ),
}  # fmt: skip


def fees_topics(question: str) -> list[str]:
    """What a fees question asks ("vous prenez la carte vitale" → carte_vitale), in the order of FEES_TOPICS."""
    words = set(normalise(question).split())
    return [topic for topic, keys in FEES_TOPICS.items() if words & set(keys)]


def motif_price(practice: Practice, motif: AppointmentType) -> list[str]:
    """ "La consultation de médecine générale coûte 30 € (tarif conventionnel)." and the sector."""
    sector = [say_in(practice, "answer.sector", sector=practice.fees.sector)] if practice.fees.sector else []
    the_motif = with_article(motif)
    if motif.fee:
        return [say_in(practice, "answer.motif_fee", Motif=_upper_first(the_motif), fee=motif.fee.rstrip(".")), *sector]
    of_the_motif = "du " + the_motif[3:] if the_motif.startswith("le ") else "de " + the_motif
    return [*sector, say_in(practice, "answer.fee_from_secretariat", of_the_motif=of_the_motif)]


def answer_fees(practice: Practice, question: str = "", motif: AppointmentType | None = None) -> str:
    """Fees, or only what the question asks (the card, the means of payment…): short enough to be spoken.

    Read in full, the demo practice's fees were some sixty words; "vous prenez la carte vitale"
    needs one sentence. "Combien coûte une consultation" gets the motif's own fee from the file
    (it got the sector and the sport certificate's note).
    """
    fees = practice.fees
    price = [say_in(practice, "answer.sector", sector=fees.sector)] if fees.sector else []
    if fees.notes:
        price.append(_sentence(fees.notes))
    if motif is not None:
        price = motif_price(practice, motif)
    by_topic = {
        "price": price,
        "carte_vitale": [say_in(practice, "answer.carte_vitale" if fees.carte_vitale else "answer.no_carte_vitale")],
        "tiers_payant": [_sentence(fees.tiers_payant)] if fees.tiers_payant else [],
        "payment_methods": (
            [say_in(practice, "answer.payment", methods=join_alternatives(list(fees.payment_methods)))]
            if fees.payment_methods
            else []
        ),
    }
    asked = [sentence for topic in fees_topics(question) for sentence in by_topic[topic]]
    if asked:
        return " ".join(asked)
    sentences = [*price[:1], *by_topic["carte_vitale"][: int(fees.carte_vitale)]]
    offered = (("les moyens de paiement", "payment_methods"), ("le tiers payant", "tiers_payant"))
    more = [name for name, topic in offered if by_topic[topic]]
    if more:
        sentences.append(say_in(practice, "answer.ask_me_too", more=join_alternatives(more)))
    return " ".join(sentences) or say_in(practice, "answer.fees_from_secretariat")


#: Words of a question about a prescription ("faut-il une ordonnance pour une IRM ?"), folded.
_PRESCRIPTION_WORDS = frozenset(
    {"ordonnance", "ordonnances", "ordo", "prescription", "prescriptions", "prescrit", "prescrite", "prescrire"}
)
#: Words of a question about how to prepare ("comment je me prépare pour l'écho ?", "il faut être à jeun ?").
_PREPARATION_WORDS = frozenset(
    {
        "prepare", "preparer", "prepares", "preparez", "preparation", "preparations", "preparatifs", "jeun",
        "manger", "mange", "boire", "bois", "vessie", "consigne", "consignes", "precaution", "precautions",
        "metal", "metallique", "metalliques", "bijou", "bijoux", "deodorant", "creme",
    }
)  # fmt: skip
#: At most this many motifs are named when a prescription is needed for some of them (said in about 20 s).
PRESCRIPTION_MOTIFS_SAID = 4


def asks_about_prescription(question: str) -> bool:
    """Whether a question asks about a prescription ("il faut une ordonnance ?", "sans ordonnance c'est possible ?")."""
    return bool(set(normalise(question).split()) & _PRESCRIPTION_WORDS)


def asks_about_preparation(question: str) -> bool:
    """Whether a question asks how to prepare ("comment je me prépare", "faut-il être à jeun", "la vessie pleine")."""
    return bool(set(normalise(question).split()) & _PREPARATION_WORDS)


def _mentions_prescription(motif: AppointmentType) -> bool:
    return bool(set(normalise(motif.instructions).split()) & _PRESCRIPTION_WORDS)


def _prescription_reminder(practice: Practice, motif: AppointmentType) -> list[str]:
    """ "Pensez à l'ordonnance" when the motif needs one and its instructions do not already say so."""
    return (
        [say_in(practice, "answer.bring_prescription")]
        if motif.prescription_required and not _mentions_prescription(motif)
        else []
    )


def answer_prescription(practice: Practice, motif: AppointmentType | None = None) -> str:
    """Whether a prescription is needed (``prescription_required``): for the motif asked about, else for which.

    A motif that needs none but whose instructions speak of one (a renewal: "apportez votre dernière
    ordonnance") gets its instructions rather than a plain "non".
    """
    if motif is not None:
        if motif.prescription_required:
            return say_in(practice, "answer.prescription_required", motif=with_article(motif))
        if motif.instructions and _mentions_prescription(motif):
            return _instructions(practice, motif)
        return say_in(practice, "answer.prescription_not_required", motif=with_article(motif))
    needing = [m for m in practice.appointment_types if m.prescription_required]
    if not needing:
        return say_in(practice, "answer.prescription_never")
    if len(needing) == len(practice.appointment_types):
        return say_in(practice, "answer.prescription_always")
    named = [indefinite(m) for m in needing]
    if len(named) > PRESCRIPTION_MOTIFS_SAID:
        return say_in(
            practice, "answer.prescription_for_some", motifs=join_alternatives(named[:PRESCRIPTION_MOTIFS_SAID], "et")
        )
    return say_in(practice, "answer.prescription_for", motifs=join_alternatives(named, "et"))


def _instructions(practice: Practice, motif: AppointmentType) -> str:
    """ "Pour l'échographie pelvienne, venez la vessie pleine…": the motif's instructions as one answer."""
    return say(
        "answer.motif_instructions", motif=with_article(motif), instructions=_lower_first(_sentence(motif.instructions))
    )


def answer_preparation(practice: Practice, motif: AppointmentType | None = None) -> str:
    """How to prepare ("à jeun", "la vessie pleine", "sans métal"): the motif's instructions, or that there is
    nothing particular; without a motif, which motifs have instructions."""
    if motif is not None:
        if motif.instructions:
            return " ".join([_instructions(practice, motif), *_prescription_reminder(practice, motif)])
        return " ".join(
            [
                say_in(practice, "answer.no_preparation", motif=with_article(motif)),
                *_prescription_reminder(practice, motif),
            ]
        )
    prepared = [m for m in practice.appointment_types if m.instructions]
    if not prepared:
        return say_in(practice, "answer.no_preparation_anywhere")
    return say_in(
        practice, "answer.preparation_depends", examples=join_alternatives([indefinite(m) for m in prepared[:3]])
    )


def answer_documents(practice: Practice, motif: AppointmentType | None = None, question: str = "") -> str:
    """What to bring or how to prepare: the motif's own instructions, else the practice's list; a question
    about a prescription ("faut-il une ordonnance pour une IRM ?") is answered from ``prescription_required``.

    A motif without instructions gets the first two documents of the list and no more ("et pour un
    frottis ?" got the whole list, some fifty words, kinésithérapie prescriptions included).
    """
    if asks_about_prescription(question):
        return answer_prescription(practice, motif)
    if asks_about_preparation(question):
        return answer_preparation(practice, motif)
    if motif is not None and motif.instructions:
        return " ".join([_instructions(practice, motif), *_prescription_reminder(practice, motif)])
    items = [_lower_first(item.rstrip(".")) for item in practice.documents_to_bring]
    if motif is not None:
        usual = join_alternatives(items[:2], "et") if items else say_in(practice, "answer.usual_documents")
        said = say_in(practice, "answer.no_instructions", motif=with_article(motif), documents=usual)
        named = bool(set(normalise(usual).split()) & _PRESCRIPTION_WORDS)  # the practice's list names it first
        return " ".join([said, *([] if named else _prescription_reminder(practice, motif))])
    if items:
        return say_in(practice, "answer.bring", documents=join_alternatives(items, "et"))
    return say_in(practice, "answer.bring_usual")


def _introduced(practice: Practice, practitioner_id: str) -> str:
    """ "le docteur Durand, médecin généraliste"; "Julie Roux, l'infirmière" already says it."""
    who = practitioner_phrase(practice, practitioner_id)
    return who if "," in who else f"{who}, {practice.practitioner(practitioner_id).specialty}"


def answer_practitioner(practice: Practice, practitioner_id: str) -> str:
    """About one practitioner ("le docteur Durand prend des nouveaux patients ?"): new patients, motifs."""
    practitioner = practice.practitioner(practitioner_id)
    taking = "answer.introduced_taking" if practitioner.accepts_new_patients else "answer.introduced_closed"
    sentences = [say(taking, Who=_upper_first(_introduced(practice, practitioner_id)))]
    theirs = [m for m in practice.appointment_types if m.bookable_online and practitioner_id in m.practitioner_ids]
    motifs = [indefinite(m) for m in theirs][:4]
    if motifs:
        lead = "answer.can_book_for" if practitioner.accepts_new_patients else "answer.can_book_for_their_patients"
        sentences.append(say(lead, motifs=join_alternatives(motifs)))
    return " ".join(sentences)


#: French names of the languages a practice may list (ISO 639-1 codes, as in the practice file).
LANGUAGE_NAMES = {
    "fr": "français", "en": "anglais", "es": "espagnol", "de": "allemand", "it": "italien", "pt": "portugais",
    "ar": "arabe", "nl": "néerlandais", "pl": "polonais", "ro": "roumain", "tr": "turc", "ru": "russe",
    "zh": "chinois", "vi": "vietnamien", "uk": "ukrainien", "he": "hébreu", "lsf": "langue des signes",
}  # fmt: skip
_LANGUAGE_WORDS = frozenset(
    {"langue", "langues", "parlez", "parle", "parlent", "english", "traducteur", "interprete", "traduire"}
    | {normalise(name) for name in LANGUAGE_NAMES.values()}
)


def asks_about_languages(question: str) -> bool:
    return bool(set(normalise(question).split()) & _LANGUAGE_WORDS)


def answer_languages(practice: Practice) -> str:
    """ "À l'accueil, on parle français et anglais." (the practice file's ``languages``)."""
    names = [LANGUAGE_NAMES.get(code, code) for code in practice.languages]
    return say_in(practice, "answer.languages", languages=join_alternatives(names, "et"))


_NEW_PATIENT_WORDS = frozenset({"nouveau", "nouveaux", "nouvelle", "nouvelles", "traitant", "traitante"})


def answer_new_patients(practice: Practice, question: str) -> str:
    """Who takes new patients: the doctors only when a "médecin traitant" is sought."""
    words = set(normalise(question).split())
    doctors_only = bool(words & {"medecin", "medecins", "docteur", "docteurs", "traitant", "traitante"})
    asked = [p for p in practice.practitioners if not doctors_only or "medecin" in normalise(p.specialty)]
    if not asked:
        asked = list(practice.practitioners)
    taking = [practitioner_phrase(practice, p.id) for p in asked if p.accepts_new_patients]
    closed = [practitioner_phrase(practice, p.id) for p in asked if not p.accepts_new_patients]
    sentences = []
    if taking:
        one = len(taking) == 1
        sentences.append(say_in(practice, "answer.takes_new" if one else "answer.take_new", who=_subjects(taking)))
    if closed:
        one = len(closed) == 1
        sentences.append(
            say_in(practice, "answer.closed_to_new" if one else "answer.closed_to_new_plural", who=_subjects(closed))
        )
    return " ".join(sentences)


def _subjects(people: Sequence[str]) -> str:
    """People as the subject of a sentence; an apposition at the end closes before the verb."""
    joined = _upper_first(join_alternatives(list(people), "et"))
    return f"{joined}," if "," in people[-1] else joined


def answer_practitioners(practice: Practice, practitioner_id: str | None = None, question: str = "") -> str:
    """Who works here, or about the one practitioner the question names, or who takes new patients.

    "Vous prenez des nouveaux patients ?" got the whole team and six motifs (some seventy words).
    """
    if asks_about_languages(question):
        return answer_languages(practice)
    if practitioner_id is not None:
        return answer_practitioner(practice, practitioner_id)
    if set(normalise(question).split()) & _NEW_PATIENT_WORDS:
        return answer_new_patients(practice, question)
    people = [_introduced(practice, practitioner.id) for practitioner in practice.practitioners]
    sentences = [say_in(practice, "answer.team", people=join_alternatives(people, "et"))]
    closed = [
        practitioner_phrase(practice, p.id).split(",")[0] for p in practice.practitioners if not p.accepts_new_patients
    ]
    if closed:
        sentences.append(say_in(practice, "answer.closed_to_new", who=_upper_first(join_alternatives(closed, "et"))))
    motifs = [indefinite(m) for m in practice.appointment_types if m.bookable_online][:3]
    if motifs:
        sentences.append(say_in(practice, "answer.can_book_for_instance", motifs=join_alternatives(motifs)))
    return " ".join(sentences)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    """Lowercase the first letter, unless the first word is an acronym ("ALD", "IRM")."""
    first_word = text.split(" ", 1)[0].split("'", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def international(number: str) -> str:
    """A French number as a foreign phone dials it: "03 53 01 20 00" → "+33 3 53 01 20 00"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) != 10 or not digits.startswith("0"):
        return number
    rest = digits[1:]
    return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))


def answer_in_english(practice: Practice, caller_known: bool, put_through: bool = False, staffed: bool = True) -> str:
    """What an English speaker hears: the assistant works in French, whom to call instead, and 112.

    On the phone while someone is at the desk, the caller is put through; otherwise the numbers are
    given as a foreign phone dials them, with the on-call doctor's at night.
    """
    opening = say_in(practice, "english.opening")
    if put_through:
        return f"{opening} {say('english.putting_through')}"
    team = say_in(practice, "english.team_speaks_english" if "en" in practice.languages else "english.team")
    call = say(
        "english.call_us_back" if caller_known else "english.call_us", team=team, phone=international(practice.phone)
    )
    sentences = [f"{opening} {call}"]
    if not staffed and practice.emergency.on_call:
        sentences.append(say_in(practice, "english.on_call", on_call=international(practice.emergency.on_call)))
    sentences.append(say_in(practice, "english.emergency"))
    return " ".join(sentences)
