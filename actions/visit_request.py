"""What a patient's words ask for when booking or moving a visit: the kind of visit, who,
where and when ("a physical with Dr. Patel next Tuesday morning at the north office"), and
which of the times shown they picked ("the second one", "tuesday", "8 am").

Shared by booking (``actions/booking.py``) and rescheduling
(``actions/reschedule_appointment.py``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from actions.birth_dates import without_birth_dates
from actions.clients.fhir_model import normalize_name
from actions.clinic_config import ClinicConfig
from actions.clock_times import clock_times_said, in_part_of_day, part_of_day
from actions.date_changes import only_time_of_day, says_a_shift, with_kept_limits, with_new_time
from actions.date_words import weekdays_named
from actions.dates import CORRECTED, parse_when
from actions.formatting import offer_label
from actions.forms import TASK_INTENTS
from actions.matching import (
    ANY_CLINICIAN,
    ANY_OFFICE,
    MONTH_WORDS,
    OTHER_CLINICIAN,
    ROUTE_QUESTION,
    find_location,
    find_practitioner,
    find_visit_type,
    normalise,
    parse_choice,
    wants_anyone,
    without_anyone,
)
from actions.mentions import given_identity, without_patient_names
from actions.name_words import could_be_a_name
from actions.names import parse_full_name
from actions.office_hours import named_day
from actions.phone import without_phones
from actions.ruled_out_days import said_cannot_come, weekdays_ruled_out
from actions.settings import get_clinic
from actions.tracker_reading import is_button_payload

# How long something has lasted, not when to come: "a cough for like a week", "since monday".
DURATION = re.compile(
    r"\b(?:for|since|past|last)\s+(?:like\s+|about\s+|almost\s+|over\s+|nearly\s+|the\s+)?"
    r"(?:a|an|one|two|three|four|five|few|couple(?:\s+of)?|\d+|several)\s+"
    r"(?:days?|weeks?|months?|years?)\b(?!\s+(?:from|out|ahead|away|later|time)\b)"
    r"|\bsince\s+(?:yesterday|last\s+\w+|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|this morning)\b",
    re.IGNORECASE,
)
# Asking for other times, not picking one of those shown ("anything after 3?").
NOT_A_PICK = re.compile(
    r"\b(after|before|later|earlier|anything|other|instead|else|different|available|"
    r"openings?|do you have|how about|what about)\b",
    re.IGNORECASE,
)


def picked_offer(
    text: str, entities: list[dict[str, Any]], offers: list[dict[str, Any]], clinic: ClinicConfig
) -> str | None:
    """The id of the offered slot the patient picked: a button, "2", "the 9:30", or the day of
    one shown ("tuesday", "tues 7:30 works": the Tuesday in the list, not this week's)."""
    ids = [o["id"] for o in offers]
    for entity in entities:
        if entity.get("entity") == "slot_choice" and entity.get("value") in ids:
            return str(entity["value"])
    if not text or is_button_payload(text) or not offers:
        return None
    labels = [offer_label(o, clinic) for o in offers]
    index = parse_choice(text, labels)
    ruled_out = weekdays_ruled_out(text)
    days = weekdays_named(text) - ruled_out
    if index is not None:
        weekday = _weekday(offers[index], clinic)
        if weekday in ruled_out or (days and weekday not in days):
            # "ok friday at 5:30 then" with Monday's 5:30 shown was confirmed as Monday's, "not
            # saturday either" as Saturday's: that day's time if shown, else a search for it
            index = None
    if index is None:
        on_day = [i for i, o in enumerate(offers) if len(days) == 1 and _weekday(o, clinic) in days]
        if len(on_day) == 1 and not re.search(r"\d", text):
            index = on_day[0]
        elif on_day:
            within = parse_choice(text, [labels[i] for i in on_day])
            index = on_day[within] if within is not None else None
    if index is None and not days and not re.search(r"\d", text):
        # "the sam lee one", with one of Sam Lee's times shown among Dr. Patel's: that one (it
        # searched Sam Lee's times again)
        named = find_practitioner(text, clinic)
        theirs = [i for i, o in enumerate(offers) if named and o.get("practitioner") == named.id]
        index = theirs[0] if len(theirs) == 1 else None
    dated = ORDINAL_PICK.sub(" ", text)  # "the 2nd one" names no date
    if index is not None and _bare_ordinal_no_day_shown(text, offers, clinic):
        dated = ""  # "the 2nd" with no time shown on the 2nd: the second one, not Dec 2
    if index is not None and not _on_the_day_named(dated, offers[index], clinic):
        return None  # "dec 8 at 3pm" is not Wednesday's 3:00
    if index is not None and not _at_the_part_of_day_named(text, offers[index], clinic):
        return None  # "the tuesday one but in the afternoon?" is not Tuesday's 8:00am
    if index is not None and not _at_the_clock_time_named(text, offers[index], clinic):
        return None  # "Thu Dec 17, 11:00am" (not shown) was booked as that day's 9:00am
    return ids[index] if index is not None else None


def _weekday(offer: dict[str, Any], clinic: ClinicConfig) -> int:
    return datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).weekday()


def _at_the_clock_time_named(text: str, offer: dict[str, Any], clinic: ClinicConfig) -> bool:
    """Whether the offer starts at a clock time the text writes out, if it writes one."""
    said = clock_times_said(text)
    start = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz)
    return not said or any((c.hour % 12, c.minute) == (start.hour % 12, start.minute) for c in said)


BARE_ORDINAL = re.compile(r"^\W*(?:the\s+)?([1-5])(?:st|nd|rd|th)\W*$", re.IGNORECASE)


def _bare_ordinal_no_day_shown(
    text: str, offers: list[dict[str, Any]], clinic: ClinicConfig
) -> bool:
    """ "the 2nd" alone, and no time shown falls on a 2nd: a place in the list."""
    bare = BARE_ORDINAL.match(text)
    return bare is not None and all(
        datetime.fromisoformat(o["start"]).astimezone(clinic.tz).day != int(bare.group(1))
        for o in offers
    )


def _at_the_part_of_day_named(text: str, offer: dict[str, Any], clinic: ClinicConfig) -> bool:
    part = part_of_day(text)
    start = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz)
    return part is None or in_part_of_day(start, part)


# What a message that picks a shown time may also name, as the offer's own.
PICK_DETAILS = ("date_preference", "location", "practitioner")


def picks_a_shown_time(
    text: str, details: dict[str, Any], picked: str | None, offers: list[dict[str, Any]]
) -> bool:
    """Whether the message picks one of the times shown rather than asking for other days:
    it picked one, names nothing but a day or time ("tuesday", "8 am") and the office or
    clinician of that time ("downtown then, thursday 5pm", "8 with lee"), and does not ask
    for others ("anything after 3?"). The caller drops those details (PICK_DETAILS)."""
    offer = next((o for o in offers if o.get("id") == picked), None)
    if offer is None or not set(details) <= set(PICK_DETAILS) or NOT_A_PICK.search(text):
        return False
    return all(
        details[k] in ("any", offer.get(k)) for k in ("location", "practitioner") if k in details
    )


def _on_the_day_named(text: str, offer: dict[str, Any], clinic: ClinicConfig) -> bool:
    """Whether the offer is on the date the text names, if it names one ("dec 8", "the 8th")."""
    if not re.search(MONTH_WORDS, normalise(text)):
        return True
    when = parse_when(text, clinic.now())
    if when is None or when.start != when.end:
        return True
    return datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).date() == when.start


def _weekday_in_the_days_asked(text: str, previous_when: str, now: datetime) -> str:
    """ "tues w/ patel" while next week is being looked at: next week's Tuesday, not this
    week's ("this"/"next" said, or a date, keep their own meaning)."""
    if not weekdays_named(text) or re.search(r"\b(this|next|coming|today|tomorrow)\b", text, re.I):
        return text
    if re.search(MONTH_WORDS, normalise(text)) or re.search(r"\d{1,2}/\d{1,2}", text):
        return text  # "thursday dec 10": the date says which Thursday (it was Dec 17)
    asked, before = parse_when(text, now), parse_when(previous_when, now)
    if asked is None or before is None or asked.start != asked.end or asked.start >= before.start:
        return text
    day = asked.start + timedelta(days=-(-(before.start - asked.start).days // 7) * 7)
    return f"{day:%B} {day.day} {text}"


# Another visit, named to say when ("same week as my physical", "right after her checkup"): a
# flu shot being booked became a physical.
VISIT_REFERRED_TO = re.compile(
    r"\b(same (day|week|time|morning|afternoon) as|right after|right before|after|before|around|"
    r"near|close to|next to|together with|along with|with) (my|his|her|their|our) "
    r"([\w'-]+ ){0,2}?(appointment|appt|visit|physical|check ?up|follow ?up|followup|shot|exam|"
    r"vaccination|vaccine|one)s?\b",
    re.IGNORECASE,
)


# "other than dr patel", "not with patel", "not patel, someone else": the one named is not wanted
# (besides "doesn't have to be Sam", which wants anyone, Sam too).
NOT_THIS_ONE = re.compile(
    r"\b(other than|not with|anyone but|anybody but|someone besides|besides|except)\b"
    r"|\bnot (dr\.? )?\w+,? (someone|somebody|anyone|anybody) else\b",
    re.IGNORECASE,
)


DIFFERENT_ONE = re.compile(r"\b(different|another|other) (provider|doctor|clinician|dr)\b", re.I)


def not_the_one_before(text: str, slots: dict[str, Any], updates: dict[str, Any]) -> None:
    """ "a different doctor" while Dr. Patel is asked for (or is the appointment's): anyone but
    her (``practitioner_not``), not "anyone", which offered her times again. A clinician named
    after it ("ok dr lee then") ends it."""
    before = slots.get("practitioner")
    if updates.get("practitioner") not in (None, "any") and slots.get("practitioner_not"):
        updates["practitioner_not"] = None
    elif (
        updates.get("practitioner") == "any"
        and "practitioner_not" not in updates
        and before not in (None, "any")
        and DIFFERENT_ONE.search(text)
    ):
        updates["practitioner_not"] = before


def read_search_details(
    text: str,
    entities: list[dict[str, Any]],
    clinic: ClinicConfig,
    requested: str | None,
    previous_when: str | None = None,
    moving: bool = False,
) -> dict[str, Any]:
    """Visit type, practitioner, location and date named anywhere in one message; a time of
    day alone ("anything after 3?") is about the days of ``previous_when``. ``moving``: an
    appointment is being moved, so "the week after" may be its own week moved."""
    updates: dict[str, Any] = {}
    visit = find_visit_type(VISIT_REFERRED_TO.sub(" ", text), clinic)
    if visit:
        updates["visit_type"] = visit.id
    # (not the patient's own name: "maria santos 3/14/85" chose Dr. Maria Gonzalez)
    practitioner = find_practitioner(without_patient_names(text, clinic.now().date()), clinic)
    if OTHER_CLINICIAN.search(text):
        updates["practitioner"] = "any"
        if practitioner and NOT_THIS_ONE.search(text):
            # "someone other than dr patel": anyone but her (her times came back three times)
            updates["practitioner_not"] = practitioner.id
        text = OTHER_CLINICIAN.sub(" ", text)  # "no preference on provider" says nothing of when
    elif practitioner:
        updates["practitioner"] = practitioner.id
    elif (
        requested == "practitioner"
        and (wants_anyone(text) or DOUBT_ONLY.fullmatch(text) or DONT_CARE.fullmatch(text))
    ) or (requested is None and ANY_CLINICIAN.search(text)):
        updates["practitioner"] = "any"
    location = find_location(text, clinic)
    if location:
        updates["location"] = location.id
    elif (
        requested == "location"
        and (wants_anyone(text) or DOUBT_ONLY.fullmatch(text) or DONT_CARE.fullmatch(text))
    ) or (requested is None and ANY_OFFICE.search(text)):
        updates["location"] = "any"
    soonest = SOONEST.search(text)
    if requested in ("practitioner", "location") and requested not in updates and soonest:
        # "the earliest you have" at "who would you like to see?": whoever and wherever is first
        # (the question came back, or the first office's times were offered as the earliest)
        updates[requested] = "any"
    # Entities from the NLU model or from a button payload, when they name a known id.
    valid = {
        "visit_type": {v.id for v in clinic.visit_types},
        "practitioner": {p.id for p in clinic.practitioners} | {"any"},
        "location": {loc.id for loc in clinic.locations} | {"any"},
    }
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if name in valid and value in valid[name] and name not in updates:
            updates[name] = value
    if requested in PICKED_FROM_A_LIST and ORDINAL_PICK.search(text):
        # "the 2nd one" picks the second time shown (or clinician, or office: "the 2nd one" at
        # "Who would you like to see?" searched Saturday Jan 2, for the wrong clinician, and
        # dropped the "tomorrow afternoon" said before); it is not the 2nd of the month
        text = ORDINAL_PICK.sub(" ", text)
        entities = [e for e in entities if not ORDINAL_DAY.fullmatch(str(e.get("value") or ""))]
    now = clinic.now()
    date_entities = [
        value
        for e in entities
        if e.get("entity") in ("date", "part_of_day")
        and (value := without_birth_dates(str(e.get("value") or ""), now.date()).strip())
        and not said_cannot_come(value, text)
    ]
    if (
        requested in ("visit_type", "patient_status")
        and no_preference_said(text)
        # ("any weekday after 3" says when: "Please tap one of the options", the time lost)
        and parse_when(without_anyone(text), now) is None
    ):
        # "no preference" at "What kind of visit?" says nothing of when either (it searched
        # "no preference evenings", said back as a day, and the question came again); nor at
        # "Have you been seen here before?" ("Thanks, I'll look at Sun Dec 6 to Sun Dec 20")
        text, date_entities = "", []
    if requested in ("practitioner", "location") and updates.get(requested) == "any":
        # "No preference" answers who or where; it says nothing about when ("doesn't matter" is
        # also a date phrase), so it must not replace an earlier "next week" or skip that question.
        text = without_anyone(text)
        date_entities = []
    text = DURATION.sub(" ", without_phones(without_birth_dates(text, now.date())))
    if requested == "date_preference" and re.fullmatch(r"\s*(?:1[0-2]|[1-9])[0-5]\d\s*", text):
        text = f"at {text.strip()}"  # "330" at "what day or time?": 3:30 ("didn't catch a day")
    corrected = list(CORRECTED.finditer(text.lower()))
    if corrected and named_day(text[corrected[-1].end() :], clinic, now.date()) is not None:
        # "actually christmas eve morning": what follows the correction (the holiday name was
        # put before "actually", and the correction searched mornings from today)
        text = text[corrected[-1].end() :]
    day = named_day(text, clinic, now.date()) if text else None
    if day is not None and not RELATIVE_TO_A_DAY.search(text):
        # "christmas eve morning", "the day after christmas": that date, said as a date the
        # search reads; on a holiday the search says the office is closed and offers the
        # nearest days.
        rest = re.sub(r"\b(the )?day (after|before)\b", " ", text, flags=re.IGNORECASE)
        text = f"{day:%B} {day.day} {rest}"
    elif day is not None and re.search(r"(?<!day )(?<!week )\bafter\b", text, re.IGNORECASE):
        # "sometime after christmas, mornings": from the day after (it searched from today)
        text = f"after {day:%B} {day.day} {text}"
    elif day is not None and re.search(r"(?<!day )(?<!week )\bbefore\b", text, re.IGNORECASE):
        # "sometime before christmas": up to the day before ("I didn't catch a day there")
        text = f"before {day:%B} {day.day} {text}"
    elif day is not None and re.search(r"\b(?:around|about)\b", text, re.IGNORECASE):
        # "sometime around christmas": a few days either side
        first, last = day - timedelta(days=3), day + timedelta(days=3)
        text = f"from {first:%B} {first.day} to {last:%B} {last.day} {text}"
    elif day is not None and WEEK_OF.search(text):
        # "the week of christmas", "christmas week": the week it falls in
        text = f"the week of {day:%B} {day.day} {WEEK_OF.sub(' ', text)}"
    elif day is not None and (week := WEEK_AROUND.search(text)) is not None:
        # "the week before christmas", "the week after thanksgiving"
        first = day + timedelta(days=1 if week.group(1).lower() == "after" else -7)
        last = first + timedelta(days=6)
        text = f"from {first:%B} {first.day} to {last:%B} {last.day} {WEEK_AROUND.sub(' ', text)}"
    elif day is None and (season := after_the_holidays(text, clinic, now.date())) is not None:
        # "sometime after the holidays": after the last of the winter holidays
        text = f"after {season:%B} {season.day} {text}"
    said = text if text and parse_when(text, now) is not None else None
    if said is None and date_entities and parse_when(" ".join(date_entities), now):
        # the words the model read as when ("the 9am one": "9am", the days asked kept)
        said = " ".join(date_entities)
    if said is not None:
        updates["date_preference"] = said
        if previous_when and only_time_of_day(said, now):
            combined = with_new_time(previous_when, said)
            # ("something in the afternoon?" + "3pm?" made "something in the 3pm?", which no
            # search could read: the first days found, in the morning)
            updates["date_preference"] = combined if parse_when(combined, now) else said
        elif previous_when:
            days = _weekday_in_the_days_asked(said, previous_when, now)
            updates["date_preference"] = with_kept_limits(previous_when, days, now)
    elif requested == "date_preference" and text and not (moving and says_a_shift(text)):
        # "3": the numbered suggestions of utter_ask_date_preference (as on SMS). (Moving an
        # appointment, not "the week after", its own week moved: the weekend's "the week after
        # next". Booking, it is that button typed: it got "I didn't catch a day there".)
        _, suggestions = date_question(clinic.now().date())
        index = parse_choice(text, suggestions)
        if index is not None:
            updates["date_preference"] = suggestions[index]
        elif (
            wants_anyone(text) and ONLY_FILLER.fullmatch(without_anyone(text).lower())
        ) or DOUBT_ONLY.fullmatch(text):
            # "any", "whatever", "either" alone: no day preferred, the soonest (it was "I didn't
            # catch a day there")
            updates["date_preference"] = DATE_SUGGESTIONS[0]
    return updates


# "the other office": the one the appointment being moved, or the times shown, are not at.
OTHER_OFFICE = re.compile(
    # ("a different office" got the same North times)
    r"\b(?:the\s+|a\s+)?(?:other|different)\s+(?:office|location|clinic|site|place|branch)\b",
    re.IGNORECASE,
)
NOT_THE_OTHER = re.compile(
    # ("no the OTHER office" is a no to these times: that other office)
    r"\b(?:not|don'?t want|rather not)\s+(?:at\s+|to\s+)?(?:the\s+|a\s+)?(?:other|different)\s+"
    r"(?:office|location|clinic|site|place|branch)\b",
    re.IGNORECASE,
)


def office_shown(slots: dict[str, Any]) -> str | None:
    """The office asked for, or the one office all the times shown are at."""
    if slots.get("location") not in (None, "any"):
        return str(slots["location"])
    offices = {o.get("location") for o in slots.get("offered_slots") or []}
    return str(offices.pop()) if len(offices) == 1 and None not in offices else None


def other_office(text: str, current: str | None, clinic: ClinicConfig) -> str | None:
    """ "no the OTHER office" at the North times: Downtown (the same North times came back,
    three times over). None when no other office is meant, or it is not one office."""
    if current is None or not OTHER_OFFICE.search(text) or NOT_THE_OTHER.search(text):
        return None
    if find_location(text, clinic) is not None:
        return None  # "downtown, the other office is too far": the office named
    return only_other_office(current, clinic)


def only_other_office(current: Any, clinic: ClinicConfig) -> str | None:
    """The office that is not ``current``, when the clinic has just one other."""
    others = [loc.id for loc in clinic.locations if loc.id != current]
    return others[0] if len(others) == 1 else None


# Questions answered from a list of buttons (or numbered options on SMS).
PICKED_FROM_A_LIST = ("slot_choice", "practitioner", "location", "visit_type")
ORDINAL_PICK = re.compile(
    r"\b(the )?(1st|2nd|3rd|first|second|third|last) (one|option|time|slot|choice|appointment|"
    r"appt|visit)\b"
    # "2nd pls", "the 3rd" alone at the times shown: a pick (Saturday the 2nd was searched)
    r"|^\W*(the )?(1st|2nd|3rd|first|second|third|last)\W*(pls|plz|please|thanks|thx|ty)?\W*$",
    re.I,
)

ORDINAL_DAY = re.compile(r"\s*(the\s+)?(1st|2nd|3rd|first|second|third|last)\s*", re.I)
# "the week of christmas", "thanksgiving week" (a holiday's name before "week").
WEEK_OF = re.compile(r"\b(?:the )?week of\b|(?<=[a-z] )week\b(?! (?:before|after)\b)", re.I)
# "the week before christmas", "the week after thanksgiving".
WEEK_AROUND = re.compile(r"\b(?:the )?week (before|after)\b", re.IGNORECASE)
# "after the holidays", "after the holiday season".
THE_HOLIDAYS = re.compile(r"\bafter (?:the )?(?:holidays|holiday season)\b", re.IGNORECASE)
# How far ahead the winter holidays are looked for.
HOLIDAY_SEASON_DAYS = 60


def after_the_holidays(text: str, clinic: ClinicConfig, today: date) -> date | None:
    """The last winter holiday (December or New Year's Day) in clinic.yml within the next two
    months, for "after the holidays"; None when not said or none is listed."""
    if not THE_HOLIDAYS.search(text):
        return None
    season = [
        h.date
        for h in clinic.holidays
        if today <= h.date <= today + timedelta(days=HOLIDAY_SEASON_DAYS)
        and (h.date.month == 12 or (h.date.month == 1 and h.date.day <= 2))
    ]
    return max(season, default=None)


# "the week before thanksgiving", "after christmas": not one day ("the day after christmas" is).
RELATIVE_TO_A_DAY = re.compile(
    r"\b(around|week|until|till|since|from)\b|(?<!day )\b(after|before)\b", re.I
)

# The buttons of utter_ask_date_preference (domain/appointments.yml), in order; on a Saturday
# or Sunday those of utter_ask_date_preference_weekend, where "this week" and "next week" both
# mean the coming week (the two buttons gave the same days).
DATE_SUGGESTIONS = ["as soon as possible", "this week", "next week"]
WEEKEND_DATE_SUGGESTIONS = ["as soon as possible", "this coming week", "the week after next"]


def date_question(today: date) -> tuple[str, list[str]]:
    """The day question asked ``today``: its response, and its buttons' payloads."""
    if today.weekday() >= 5:
        return "utter_ask_date_preference_weekend", WEEKEND_DATE_SUGGESTIONS
    return "utter_ask_date_preference", DATE_SUGGESTIONS


SOONEST = re.compile(
    r"\b(earliest|soonest|first available|next available|asap|as soon as possible|"
    r"whatever is first|whoever is first|first (?:one|opening|slot) you have|next openings?|"
    r"next (?:open|free) (?:slot|appointment))\b",
    re.IGNORECASE,
)
# How long the wait for a visit is ("how long is the wait for an appointment", "how far out are
# you booking": how long a visit lasts was said): the soonest times answer it.
WAIT_FOR_VISIT = re.compile(
    r"\bhow long (?:is|s|'s) (?:the|your|a) wait(?:ing)?(?: time| list)? (?:to|for) (?:get (?:in|"
    r"seen|an? (?:appointment|appt|visit))|be seen|an? (?:appointment|appt|visit)|new patients?|"
    r"see (?:a|the) (?:doctor|dr|provider))"
    r"|\bhow long does it (?:usually )?take to (?:get (?:in|seen|an? (?:appointment|appt|visit))|"
    r"be seen)"
    r"|\bhow long (?:do|would|will) (?:i|we|patients|people) (?:have to |need to )?wait (?:for|"
    r"to get) (?:an? )?(?:appointment|appt|visit|in)"
    r"|\bhow far out (?:are|r|is) (?:you|u|y'?all|the (?:clinic|office))(?: guys)? (?:booking|"
    r"booked|scheduling)"
    r"|\bwhat(?:'?s| is) the wait(?:ing)? (?:time )?(?:for|to get) (?:an? )?(?:appointment|appt|"
    r"visit|in|new patients?)\b",
    re.IGNORECASE,
)
# What may be left of a "no preference" answer: "either is fine", "any works for me".
# "idk", "not sure", "no idea tbh" alone at who, where or when: no preference (it was "Sorry,
# that's not something I can help with here"). Not "not sure yet. where do i park".
DOUBT_ONLY = re.compile(
    r"\W*(?:i'?m |i am )?(?:idk|dunno|not sure|unsure|no idea|i (?:do ?n'?t|do not) know|"
    r"i dont know|no clue)(?: (?:tbh|honestly|really|lol|either way|which|who|where|when))?"
    # "idk thats why im asking" at "Who would you like to see?": "not something I can help with"
    r"(?:\W+that'?s (?:why|what) i'?m asking|\W+that'?s why i asked)?\W*",
    re.IGNORECASE,
)
# "i dont care", "dont care tbh": no preference.
DONT_CARE = re.compile(
    r"\W*(?:i |honestly i |tbh i )?(?:do ?n'?t|do not|dont) (?:really )?(?:care|mind)"
    r"(?: (?:who|which|where|tbh|honestly|really|at all|either way))?\W*",
    re.IGNORECASE,
)
ONLY_FILLER = re.compile(
    r"\W*(is|are|'?s)?\s*(fine|ok|okay|good|great|works?|honestly|really)?\s*"
    r"(for me|with me|by me|i guess|tbh|lol|thanks|thank you)?\W*"
)


# Intents that never ask anything: a message read as one at a day or time question is an answer
# ("a couple days later" and "later than that?" were read as goodbye).
NOT_QUESTIONS = {"goodbye", "thank", "greet", "affirm", "deny", "out_of_scope"}
# "ugh this week has been awful im so stressed. anyway downtown is fine": the answer after an
# aside (read as a billing question, 1.0: the ways to pay, and the office asked again).
AFTER_AN_ASIDE = re.compile(
    r"\b(?:anyway|anyways|anyhow|but yeah|but yes)\b\W*(?P<rest>\S.*)$", re.IGNORECASE
)


def answers_after_an_aside(text: str, requested: str | None, clinic: ClinicConfig) -> bool:
    """Whether what follows "anyway" answers the booking question asked."""
    aside = AFTER_AN_ASIDE.search(text)
    if aside is None:
        return False
    rest = aside["rest"]
    if requested == "practitioner":
        return find_practitioner(rest, clinic) is not None or wants_anyone(rest)
    if requested == "location":
        return find_location(rest, clinic) is not None or wants_anyone(rest)
    if requested in ("date_preference", "slot_choice"):
        return parse_when(rest, clinic.now()) is not None
    return False


def answers_a_visit_question(
    text: str, intent: str | None, requested: str | None, clinic: ClinicConfig
) -> bool:
    """Whether a message the model read as something else answers the booking or rescheduling
    question asked: a name (with a date of birth or not) at any of them ("Zoe Park" was
    parking, "Emily Johnson" a billing question), or a day or time at the day or time question
    when the model read no question in it."""
    if is_button_payload(text):
        return False
    if answers_after_an_aside(text, requested, clinic):
        return True
    if requested in IDENTITY_ANYTIME and (
        written_name(text) is not None or given_identity(text, clinic.now().date()) is not None
    ):
        return True
    if requested in ("practitioner", "location") and (
        DOUBT_ONLY.fullmatch(text)
        or (wants_anyone(text) and ONLY_FILLER.fullmatch(without_anyone(text).lower()))
        or DONT_CARE.fullmatch(text)
    ):
        # "anyone" (the offices' hours to the model), "dont care" (out of scope) at "Who would
        # you like to see?": no preference
        return True
    if (
        requested in ("location", "date_preference", "slot_choice", "booking_confirmed")
        and intent == "directions"
        and find_location(text, clinic) is not None
        and not ROUTE_QUESTION.search(normalise(text))
    ):
        # "no, the downtown office is fine" while booking: the office, not the way there
        return True
    if (
        requested in ("date_preference", "slot_choice")
        and intent in APPOINTMENT_TASKS
        and not TASK_WORDS.search(text)
        and parse_when(text, clinic.now()) is not None
    ):
        # "the 17th" at "what day works?" was read as a cancellation (and a "yes" to the
        # confirmation that followed cancelled the appointment being moved).
        return True
    if (
        requested == "booking_confirmed"
        and (
            intent in ("out_of_scope", "deny")
            # "actually can we do 1pm instead" (0.72), "can it be 1pm" (0.99): the answer on
            # phone or video visits
            or (intent == "faq" and ANOTHER_TIME_ASKED.search(text))
        )
        and not TASK_WORDS.search(text)
        and parse_when(text, clinic.now()) is not None
    ):
        # "hmm actually can it be the 16th instead" at "Shall I book it?": "not something I
        # can help with", and the same question again
        return True
    if (
        requested in ("date_preference", "slot_choice", "booking_confirmed")
        and intent == "clinic_hours"
        and NOT_THAT_DAY.search(text)
        and parse_when(text, clinic.now()) is not None
    ):
        # "not monday, other days?" at the times shown: the opening hours, and the same
        # Monday times again
        return True
    finders = {"practitioner": find_practitioner, "location": find_location}
    if (
        requested in finders
        and intent in NOT_QUESTIONS
        and finders[requested](text, clinic) is not None
    ):
        # "ok patel then" (a goodbye: "Take care!"), "thanks, patel please" (a thank-you) at
        # "who would you like to see?": the question came back
        return True
    return (
        requested in ("date_preference", "slot_choice")
        and intent in NOT_QUESTIONS
        and (
            parse_when(text, clinic.now()) is not None
            or says_a_shift(text)
            or (requested == "slot_choice" and OTHER_TIMES.search(text) is not None)
        )
    )


# The appointment tasks a bare day was mistaken for, and the words that do ask for one.
APPOINTMENT_TASKS = TASK_INTENTS - {"billing_balance"}
TASK_WORDS = re.compile(
    r"\b(cancel\w*|cxl|call off|delete|remove|check|when is|what time|do i have|book\w*|"
    r"schedule|resched\w*|move|change|push)\b",
    re.IGNORECASE,
)

# Another time asked for at "Shall I book it?" in words the model takes for a question.
ANOTHER_TIME_ASKED = re.compile(
    r"\b(instead|actually|rather|(can|could) (it|we) (be|do)|how about|what about|make it)\b",
    re.IGNORECASE,
)
# A day ruled out ("not monday", "anything but friday"): read as the hours by the model.
NOT_THAT_DAY = re.compile(
    r"\b(not|no|except|but|other than|besides|anything but)\b\W+(on )?(a )?"
    r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?s?\b",
    re.IGNORECASE,
)

# "later than that?", "anything earlier?" about the times shown
OTHER_TIMES = re.compile(r"\b(later|earlier|sooner|other times?|anything else)\b", re.I)

_TIMES_NOUN = (
    r"(?:times?|slots?|openings?|options?|ones?|days?|dates?|appointments?|appts?|availability)"
)
# Other (or later) times than those shown, asked for in a few words: "any other times?", "show
# me more", "something later" (a goodbye to the model, "Take care!"; "more options" was paying a
# bill). Not "earlier": the times shown are the first ones free.
MORE_TIMES = re.compile(
    r"^\W*(?:(?:ok|okay|hmm+|um+|no|nah|nope|none of (?:those|these|them)(?: work)?|"
    r"(?:those|these|they) (?:dont|don't|do not|won't|wont) work(?: for me)?|not those|neither)"
    r"\W+)*"
    r"(?:(?:do you have|have you got|you got|got|are there|is there|can (?:i|you) (?:see|get)|"
    r"what about|how about|could i get|can we do|i need|i want|id like|i'd like)\s+)?"
    r"(?:(?:any|anything|something|some|a few)\s+(?:other|more|later|different)"
    rf"(?:\s+{_TIMES_NOUN})?"
    rf"|(?:other|more|later|different)\s+{_TIMES_NOUN}"
    r"|(?:a\s+)?later\s+(?:time|date|day|slot|one|appointment)"
    # ("more" alone, or "no more", is no such question)
    r"|(?:(?:can you |could you |pls |please )?show me|can i see|got any|any) more)"
    r"(?:\s+(?:available|open|than (?:that|those|these|them)|then|please|pls|instead|maybe))*"
    r"\W*$",
    re.IGNORECASE,
)


def no_preference_said(text: str) -> bool:
    """ "no preference", "either", "idk", "dont care": the answer to a choice, alone."""
    return bool(wants_anyone(text) or DOUBT_ONLY.fullmatch(text) or DONT_CARE.fullmatch(text))


def asks_more_times(text: str) -> bool:
    """Whether the message only asks for other times than those shown."""
    return bool(MORE_TIMES.search((text or "").replace("\u2019", "'")))


# Booking questions a name (and date of birth) may answer instead (checked at once).
IDENTITY_ANYTIME = (
    "patient_status",
    "visit_type",
    "practitioner",
    "location",
    "date_preference",
    "slot_choice",
)


def is_a_clinician(name: tuple[str, str], clinic: ClinicConfig) -> bool:
    """ "Priya Patel": one of the clinic's clinicians (the patient asked for her, at "Who would
    you like to see?", and was told "Thanks, I've noted that", kept as the patient's name)."""
    said = normalize_name(" ".join(name))
    return any(said in normalize_name(p.name) for p in clinic.practitioners)


def written_name(text: str, lower_case_too: bool = False) -> tuple[str, str] | None:
    """A full name on its own, capitalised as names are ("Emily Johnson"), at a question that
    did not ask for one; "none of those" is no one."""
    name = parse_full_name(text)
    if name is None or is_a_clinician(name, get_clinic()):
        return None
    words = " ".join(name).split()
    if all(w[:1].isupper() for w in words):
        return name
    # "emily johnson", typed on a phone, where the question asked is who or where (at "what
    # kind of visit?" "sprained ankle" is none): a name too when every word could be one (not
    # an office, a visit, a clinician, a time or a common word); it got "please tap one of the
    # options".
    if (
        lower_case_too
        and len(text.split()) <= 3
        and len({w.lower() for w in words}) == len(words)  # "nope nope"
        and all(could_be_a_name(w) for w in words)
        and parse_when(text, get_clinic().now()) is None  # "mornings preferably"
        and not part_of_day(text.lower())
    ):
        return name
    return None
