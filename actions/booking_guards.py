"""Checks before a slot is booked for a patient: one appointment at a time, and clinicians who
see some ages only (``sees_patients_under`` and ``sees_patients_from`` in clinic.yml).

The booking and reschedule forms run them once a slot is picked and the patient is known (before
asking for the "yes"), and the booking actions run them again just before booking.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.birth_dates import parse_birth_date
from actions.clients.fhir_model import AppointmentRecord, FhirError
from actions.clinic_config import ClinicConfig
from actions.dates import age_on, day_label, parse_when
from actions.formatting import a_or_an, clock, day_and_time, practitioner_name, visit_name
from actions.matching import find_practitioner, normalise
from actions.patient_match import scheduling_client
from actions.patient_words import patient_age, who_has, whose
from actions.slot_search import Busy, overlaps, sees_patient, too_young_for
from actions.tracker_reading import form_texts

logger = logging.getLogger(__name__)


def chosen_offer(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The offered slot the patient picked (``slot_choice`` among ``offered_slots``)."""
    choice = slots.get("slot_choice")
    return next((o for o in slots.get("offered_slots") or [] if o["id"] == choice), None)


# The patient's age said in the message: "can dr okafor see me, im 19", "he's 8".
AGE_SAID = re.compile(
    r"\b(?:i'?m|i am|he'?s|he is|she'?s|she is|they'?re|they are|(?:my|our) \w+ is)\s+"
    r"(\d{1,2})(?:\s*(?:years? old|yrs? old|yo|y/o))?\b(?!\s*(?::|am\b|pm\b|o'?clock|min|hour|"
    r"week|month|day|%|percent|lbs?|pounds|kg|weeks|months|days))",
    re.IGNORECASE,
)


def age_said(text: str) -> int | None:
    """The age a message states ("im 19"), if any."""
    match = AGE_SAID.search((text or "").replace("\u2019", "'"))
    return int(match.group(1)) if match else None


# The patient's age in years: "for my 4 year old son", "my 15-yr-old daughter needs ..." (not
# "can i bring my 4 year old": someone else).
# ("my 4 yo has a fever", "my 4y/o": Dr. Okafor was offered as "(patients under 18)", and the
# women's health doctor too)
YEARS_OLD = r"(\d{1,2})[\s-]*(?:(?:years?|yrs?)[\s-]*old|y/o|y\.o\.?|yo(?![a-z]))"
AGE_IN_YEARS = re.compile(
    rf"\bfor (?:my|our|a|an|the) {YEARS_OLD}\b"
    rf"|\b(?:my|our) {YEARS_OLD}(?: \w+)? (?:needs|has|is|isn'?t|should|will)\b"
    # "can dr okafor see my 20 year old": booked plainly, the limit found at the end
    rf"|\b(?:see|treat|examine|check|book|schedule) (?:in )?(?:my|our) {YEARS_OLD}\b",
    re.IGNORECASE,
)


# The patient under a year old: "my baby was born last week", "for my newborn", "a checkup for
# my 6 month old" (not "can i bring my baby": someone else).
_BABY = r"(?:baby|newborn|new born|infant|\d{1,2}[\s-]*(?:months?|weeks?|mo)[\s-]*old)"
BABY = re.compile(
    rf"\bfor (?:my|our|a|an|the) {_BABY}|\b(?:my|our) {_BABY}(?: \w+)? (?:needs|has|is|was born)"
    r"|\bborn (?:last|this) (?:week|month)\b",
    re.IGNORECASE,
)


def age_spoken(texts: list[str]) -> int | None:
    """The age said for the patient in these messages, the latest first ("a follow up for my
    4 year old son"), before a birth date tells it: the clinicians offered fit it (Dr.
    Gonzalez, who sees women and teens, was offered for him)."""
    for text in reversed(texts):
        said = age_said(text)
        if said is not None:
            return said
        match = AGE_IN_YEARS.search(text or "")
        if match:
            return int(next(g for g in match.groups() if g))
        if BABY.search(text or ""):
            return 0
        born = BORN_ON.search(text or "")
        # ("im carlos rivera dob 9/30/75, book my daughter": his, not hers)
        if born is not None and not WRITER_NAMED.search(text[: born.start()]):
            today = datetime.now().date()
            birth = parse_birth_date(born.group(1), today)
            if birth is not None:
                # "My daughter Zoe Park (born 3/4/2019) is new here": Dr. Gonzalez (from 12)
                # was offered
                return age_on(birth, today)
    return None


WRITER_NAMED = re.compile(r"\b(?:i'?m|i am|my name is|my name'?s|this is|it'?s)\b", re.IGNORECASE)
# A birth date said with a marker: "(born 3/4/2019)", "dob 6/5/17".
BORN_ON = re.compile(r"\b(?:born|dob|d\.o\.b\.?|date of birth)\b[\s:]*(?:on\s+)?([^)(,;]{4,24})")


def refuse_children_only(
    dispatcher: CollectingDispatcher,
    clinic: ClinicConfig,
    practitioner_id: str | None,
    age: int | None,
) -> bool:
    """An identified adult asked for a children-only clinician (or a child for one who sees
    older patients only): say so. True means the search goes on with any clinician instead."""
    if sees_patient(clinic, practitioner_id, age):
        return False
    response, values = age_refusal(clinic, practitioner_id, age, asked_by_name=True)
    dispatcher.utter_message(response=response, **values)
    return True


# The patient said to be male: "im a man", "52 yr old male", "for my husband", "my son needs".
_HE = r"(?:husband|son|dad|father|brother|boyfriend|grandpa|grandfather|grandson|boy)"
MAN_SAID = re.compile(
    r"\b(?:i'?m|i am|im) (?:a |an )?(?:man|guy|male|dude|gentleman)\b"
    r"|\b\d{1,3}[\s-]*(?:yo|y/o|yrs?|years?)?[\s-]*(?:old )?(?:male|man|guy)\b"
    rf"|\bfor (?:my|our) {_HE}\b|\b(?:my|our) {_HE}(?: \w+)? (?:needs|wants|has|is)\b"
    # "can i also book my dad, hes 78": booked with the women's-health doctor
    rf"|\b(?:book|booking|schedule|get|make) (?:in )?(?:my|our) {_HE}\b"
    rf"|\b(?:my|our) {_HE}\W+(?:he'?s|hes|he is|he needs|he has|he only)\b"
    # "for my kid hes got an ear infection": Dr. Gonzalez (women only) was offered
    r"|\b(?:my|our) (?:kid|child|baby|toddler|teen|teenager|little one|grandkid|grandchild)"
    r"\W+(?:he'?s|hes|he is|he needs|he has|he only|he got|he)\b",
    re.IGNORECASE,
)


# "a female doctor", "a woman provider", "a doctor who is a lady"; not "women's health".
CLINICIAN_WORDS = (
    r"(doctors?|docs?|drs?|providers?|clinicians?|physicians?|np|nurse practitioners?)"
)
ASKS_WOMAN = re.compile(
    rf"\bfemale\b|\b(woman|women|lady|ladies) {CLINICIAN_WORDS}\b|\b{CLINICIAN_WORDS} (who is|"
    r"that is|thats) (a )?(woman|lady|female)\b"
)


def woman_asked(texts: list[str]) -> bool:
    """Whether the patient asked for a woman clinician in this task ("sick visit, with a
    female doctor pls"): only women are offered, and "no preference" searches only them."""
    return any(ASKS_WOMAN.search((text or "").lower()) for text in texts)


# "looking for a family doctor", "i need a new pcp": a family-medicine clinician (the list
# offered the pediatrician and the women's health doctor too).
ASKS_FAMILY_DOCTOR = re.compile(
    r"\b(family (doctors?|docs?|drs?|physicians?|practitioners?|medicine|provider)|primary care"
    r"|pcps?|gp|general practitioner|regular (doctor|doc|dr))\b"
)


def family_doctor_asked(texts: list[str]) -> bool:
    """Whether the patient asked for a family doctor in this task."""
    return any(ASKS_FAMILY_DOCTOR.search((text or "").lower()) for text in texts)


def woman_asked_instead(texts: list[str], practitioner_id: Any, clinic: ClinicConfig) -> bool:
    """Whether a woman clinician was asked for after this man was last named (or he was never
    named: he is the moved appointment's): "can i do it with a female doctor instead" while
    moving Sam Lee's visit, and his times came back."""
    practitioner = clinic.practitioner(str(practitioner_id)) if practitioner_id else None
    if practitioner is None or getattr(practitioner, "gender", "") != "man":
        return False
    asked = [i for i, text in enumerate(texts) if ASKS_WOMAN.search((text or "").lower())]
    named = [
        i for i, text in enumerate(texts) if find_practitioner(text or "", clinic) is practitioner
    ]
    return bool(asked) and asked[-1] > max(named, default=-1)


def men_left_out(clinic: ClinicConfig, options: list[str]) -> list[str]:
    """The clinicians of ``options`` a woman clinician asked for leaves out; none when no
    woman is among them (then the request cannot be met, and everyone is offered)."""
    women = [pid for pid in options if getattr(clinic.practitioner(pid), "gender", "") == "woman"]
    return [pid for pid in options if pid not in women] if women else []


# "i'm a woman, 52", "45 yo female": said of oneself, as "i'm a guy" is (MAN_SAID).
WOMAN_SAID = re.compile(
    r"\b(?:i'?m|i am|im) (?:a |an )?(?:woman|female|lady|girl|gal)\b"
    r"|\b\d{1,3}[\s-]*(?:yo|y/o|yrs?|years?)?[\s-]*(?:old )?(?:female|woman)\b",
    re.IGNORECASE,
)


def about_the_patient(text: str) -> bool:
    """Whether a message tells the patient's age or sex ("she's 5", "i'm a guy, 34"): heard,
    and kept for the clinicians offered, when it answers no question."""
    return (
        age_said(text) is not None
        or MAN_SAID.search(text or "") is not None
        or WOMAN_SAID.search(text or "") is not None
    )


def man_said(texts: list[str]) -> bool:
    """Whether the messages say the patient is male (a clinician who sees women only is not
    offered)."""
    return any(MAN_SAID.search(text or "") for text in texts)


def refuse_women_only(
    dispatcher: CollectingDispatcher,
    clinic: ClinicConfig,
    practitioner_id: str | None,
    texts: list[str],
) -> bool:
    """A clinician who sees women only asked for a patient said to be male: say so. True
    means the search goes on with any clinician instead."""
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    if practitioner is None or not practitioner.sees_women_only or not man_said(texts):
        return False
    dispatcher.utter_message(
        response="utter_sees_others_only",
        practitioner=short_practitioner_name(practitioner_id, clinic),
        sees=practitioner.sees or "women only",
    )
    return True


def age_refusal(
    clinic: ClinicConfig, practitioner_id: str | None, age: int | None, asked_by_name: bool
) -> tuple[str, dict[str, str]]:
    """The response (and its values) that says this clinician does not see this patient's
    age: children only, or older patients only."""
    name = short_practitioner_name(practitioner_id, clinic)
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    if practitioner is not None and too_young_for(clinic, practitioner_id, age):
        sees = practitioner.sees or f"patients {practitioner.sees_patients_from} and older"
        return "utter_sees_others_only", {"practitioner": name, "sees": sees}
    response = "utter_asked_for_children_only" if asked_by_name else "utter_children_only"
    return response, {"practitioner": name}


def instead_of_refused_clinician(slots: dict[str, Any], clinic: ClinicConfig) -> dict[str, Any]:
    """After a clinician who does not see this patient (children only, women only, an age limit)
    is refused: anyone, and either office if the office was the one that clinician works at (it
    came with them; "nothing free Thursday" at the only office they work at, when the other
    office had times, was a dead end)."""
    refused = clinic.practitioner(str(slots.get("practitioner") or ""))
    instead: dict[str, Any] = {"practitioner": "any"}
    if refused is not None and refused.locations == [slots.get("location")]:
        instead["location"] = "any"
    return instead


# Another visit of the same kind this many days either side of a new one is pointed out in the
# confirmation question: it is often a mistake, but the patient may still want it.
SAME_VISIT_DAYS = 3


def booked_appointments(
    slots: dict[str, Any], moving: str | None = None
) -> list[AppointmentRecord]:
    """The verified patient's upcoming booked appointments, except the one being moved (a new
    patient has none). Raises ``FhirError``."""
    if not (slots.get("verified") and slots.get("patient_id")):
        return []
    upcoming = scheduling_client().upcoming_appointments(str(slots["patient_id"]))
    return [a for a in upcoming if a.id != moving and a.start is not None]


def appointment_times(appointment: AppointmentRecord, clinic: ClinicConfig) -> Busy:
    assert appointment.start is not None
    end = appointment.end or appointment.start + timedelta(minutes=clinic.scheduling.slot_minutes)
    return appointment.start, end


def offer_times(offer: dict[str, Any], clinic: ClinicConfig) -> Busy:
    start = datetime.fromisoformat(offer["start"])
    if offer.get("end"):
        return start, datetime.fromisoformat(offer["end"])
    return start, start + timedelta(minutes=clinic.scheduling.slot_minutes)


def short_practitioner_name(practitioner_id: str | None, clinic: ClinicConfig) -> str:
    """ "Dr. Okafor"; "Sam Lee, NP" for a practitioner without a prefix."""
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    if practitioner is not None and practitioner.prefix:
        return f"{practitioner.prefix} {practitioner.family}"
    return practitioner_name(practitioner_id, clinic)


@dataclass(frozen=True)
class Refusal:
    """Why an offered slot is not booked for this patient: the response to say, its values, and
    the slot values that change so the next offers suit the patient."""

    response: str
    values: dict[str, str] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)


def refusal_for(
    offer: dict[str, Any],
    slots: dict[str, Any],
    clinic: ClinicConfig,
    age: int | None,
    appointments: list[AppointmentRecord],
) -> Refusal | None:
    """A clinician who does not see patients of this age, or a time the patient is already
    booked; None when the offer may be booked."""
    practitioner = offer.get("practitioner")
    if not sees_patient(clinic, practitioner, age):
        asked_by_name = slots.get("practitioner") == practitioner
        response, values = age_refusal(clinic, practitioner, age, asked_by_name)
        return Refusal(response, values, {"practitioner": "any"})
    start, end = offer_times(offer, clinic)
    for appointment in appointments:
        if overlaps(start, end, appointment_times(appointment, clinic)):
            who = practitioner_name(
                appointment.practitioner_id, clinic, appointment.practitioner_name
            )
            visit = visit_name(appointment.visit_type, clinic)
            existing = f"{whose(slots, clinic, age)} {visit} with {who}"
            assert appointment.start is not None
            return Refusal(
                "utter_already_booked_then",
                {"existing": existing, "when": day_and_time(appointment.start, clinic)},
            )
    return None


def check_offer(
    offer: dict[str, Any], slots: dict[str, Any], clinic: ClinicConfig, moving: str | None = None
) -> Refusal | None:
    """``refusal_for`` with the patient's age on the visit's day (17 today, 18 then: not for a
    children-only clinician) and appointments fetched. Raises ``FhirError``."""
    day = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).date()
    return refusal_for(
        offer, slots, clinic, patient_age(slots, clinic, day), booked_appointments(slots, moving)
    )


def refuse(
    dispatcher: CollectingDispatcher, refusal: Refusal, offer_id: str, slots: dict[str, Any]
) -> dict[str, Any]:
    """Say why, never offer that slot again, and search again (the form offers the next ones)."""
    logger.info("offered slot not booked: %s", refusal.response)
    dispatcher.utter_message(response=refusal.response, **refusal.values)
    excluded = [s for s in slots.get("excluded_slots") or [] if s != offer_id]
    return {
        "slot_choice": None,
        "offered_slots": None,
        "excluded_slots": [*excluded, offer_id],
        **{k: v for k, v in refusal.slots.items() if slots.get(k) != v},
    }


def turned_down(slots: dict[str, Any]) -> dict[str, Any]:
    """A plain "no" to "Shall I book ...?": the time is not offered again (the next search
    showed it first, as if the answer was not heard)."""
    chosen = slots.get("slot_choice")
    excluded = [s for s in slots.get("excluded_slots") or [] if s != chosen]
    return {
        "slot_choice": None,
        "booking_confirmed": None,
        "offered_slots": None,
        "excluded_slots": [*excluded, chosen] if chosen else excluded or None,
    }


def other_times(slots: dict[str, Any]) -> dict[str, Any]:
    """ "any other times?", "none of those work" at the times shown: those are not offered
    again (the next search showed them first), and the search runs again."""
    shown = [str(o.get("id")) for o in slots.get("offered_slots") or [] if o.get("id")]
    excluded = [s for s in slots.get("excluded_slots") or [] if s not in shown]
    return {"offered_slots": None, "excluded_slots": [*excluded, *shown] or None}


# "something later", "any later times" (not "a later date": another day, as any other time)
LATER_IN_THE_DAY = re.compile(r"\blater\b(?!\s+(?:date|day|days|week|weeks|month))", re.I)


def later_times(text: str, slots: dict[str, Any], clinic: ClinicConfig) -> dict[str, Any]:
    """ "something later" at the times shown: later in the day than those, on the days asked
    for (the next times along were just as early: 8:00, then 8:30). Morning times shown: the
    afternoons; otherwise after the latest time shown. Nothing when "later" is not said, or
    a clock time is ("later, after 3")."""
    starts = [
        datetime.fromisoformat(o["start"]).astimezone(clinic.tz)
        for o in slots.get("offered_slots") or []
        if o.get("start")
    ]
    if not starts or not LATER_IN_THE_DAY.search(text):
        return {}
    own = parse_when(text, clinic.now())
    if own is not None and (own.not_before or own.not_after):
        # "anything later like 3 or 4?": the patient's own times (after the latest shown, 1:30,
        # they were lost)
        return {}
    latest = max(starts, key=lambda start: start.time())
    after = latest + timedelta(minutes=clinic.scheduling.slot_minutes)
    # ("afternoon", not "later in the day": in a move that is later than the appointment)
    later = "afternoon" if latest.hour < 12 else f"after {clock(after, clinic)}"
    asked = str(slots.get("date_preference") or "").strip()
    return {"date_preference": f"{asked} {later}".strip()}


def later_on_days_named(
    text: str, slots: dict[str, Any], asked: str | None, clinic: ClinicConfig
) -> dict[str, Any]:
    """ "anything later in the afternoon on wednesday?" at the times shown: later than those
    shown on the days now ``asked`` (the day's 12:00pm, just shown, came first again).
    Nothing when none was shown on them, or "later" is not said."""
    when = parse_when(asked, clinic.now()) if asked and LATER_IN_THE_DAY.search(text) else None
    if when is None:
        return {}
    shown = [
        offer
        for offer in slots.get("offered_slots") or []
        if offer.get("start")
        and when.start
        <= datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).date()
        <= when.end
    ]
    return later_times(text, {"offered_slots": shown, "date_preference": asked}, clinic)


def refusal_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, refusal: Refusal, offer_id: str, form: str
) -> list[EventType]:
    """``refuse`` at the end of a form: back into the form, which offers other times."""
    updates = refuse(dispatcher, refusal, offer_id, dict(tracker.slots))
    updates["booking_confirmed"] = None
    return [SlotSet(k, v) for k, v in updates.items()] + [FollowupAction(form)]


def same_visit_nearby(
    offer: dict[str, Any],
    visit_type: str | None,
    appointments: list[AppointmentRecord],
    clinic: ClinicConfig,
) -> list[AppointmentRecord]:
    """The patient's appointments of the same kind within ``SAME_VISIT_DAYS`` of the offer, or
    any upcoming one for a ``yearly`` visit (a second physical is rarely meant)."""
    if not visit_type:
        return []
    visit = clinic.visit_type(visit_type)
    window = 366 if visit is not None and visit.yearly else SAME_VISIT_DAYS
    day = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).date()
    return [
        a
        for a in appointments
        if a.visit_type == visit_type
        and a.start is not None
        and abs((a.start.astimezone(clinic.tz).date() - day).days) <= window
    ]


def visits_phrase(appointments: list[AppointmentRecord], clinic: ClinicConfig) -> str:
    """ "an annual physical on Tue Dec 1, 9:00am with Dr. Priya Patel"; "2 annual physicals
    booked, on Tue Dec 1 and Wed Dec 2"."""
    name = visit_name(appointments[0].visit_type, clinic)
    starts = [a.start for a in appointments if a.start]
    days = [day_label(start.astimezone(clinic.tz).date()) for start in starts]
    if len(set(days)) < len(days):
        # "on Mon Dec 7 and Mon Dec 7" read as a mistake: with their times
        days = [day_and_time(start, clinic) for start in starts]
    if len(days) == 1:
        # With its time and clinician: "on Thu Dec 10" alone, and the patient chose Thursday
        # Dec 10 again, for a second follow-up that day, not knowing it was at 9am with Dr. Patel
        article = "an" if name[:1].lower() in "aeiou" else "a"
        who = appointments[0].practitioner_name
        return f"{article} {name} on {day_and_time(starts[0], clinic)}" + (
            f" with {who}" if who else ""
        )
    return f"{len(days)} {name}s booked, on {', '.join(days[:-1])} and {days[-1]}"


def booked_if_known(slots: dict[str, Any]) -> list[AppointmentRecord]:
    """``booked_appointments``, or none when the backend cannot say."""
    try:
        return booked_appointments(slots)
    except FhirError:  # incl. BackendUnavailable
        return []


def duplicates_of_chosen(tracker: Tracker, clinic: ClinicConfig) -> list[AppointmentRecord]:
    """Same-kind visits near the chosen slot (none if the backend cannot say)."""
    offer = chosen_offer(tracker.slots)
    if offer is None:
        return []
    appointments = booked_if_known(dict(tracker.slots))
    return same_visit_nearby(offer, tracker.get_slot("visit_type"), appointments, clinic)


def same_day_note(
    offer: dict[str, Any],
    booked: list[AppointmentRecord],
    slots: dict[str, Any],
    clinic: ClinicConfig,
) -> str:
    """ " (you also have a sick visit at 10:00am that day)": the patient's other visits
    (``booked``) on the day of ``offer``, with their office when it is another (a second visit
    the same day was booked without a word, at the other office too); "" for none."""
    day = datetime.fromisoformat(offer["start"]).astimezone(clinic.tz).date()
    others = sorted(
        (a for a in booked if a.start and a.start.astimezone(clinic.tz).date() == day),
        key=lambda a: a.start or datetime.min,
    )
    if not others:
        return ""
    parts = []
    for other in others:
        assert other.start is not None
        elsewhere = other.location_id and other.location_id != offer.get("location")
        place = f" at the {other.location_name}" if elsewhere and other.location_name else ""
        visit = a_or_an(visit_name(other.visit_type, clinic))
        parts.append(f"{visit} at {clock(other.start, clinic)}{place}")
    visits = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    has = who_has(slots, clinic, "also")
    has = has[0].lower() + has[1:] if has.startswith("You ") else has
    return f" ({has} {visits} that day)"


# "will i have to pay a fee for moving it?", "do i have to pay to reschedule" (the ways to pay a
# bill, and the payment plans, were the answer).
CHANGE_FEE_ASKED = re.compile(
    r"\b(fee|fees|charge|charged|charges|penalty|pay|cost)\b.{0,40}\b(mov(e|ing)|resched\w*|"
    r"cancel\w*|chang(e|ing)|push(ing)?)\b"
    r"|\b(mov(e|ing)|resched\w*|cancel\w*|chang(e|ing))\b.{0,40}\b(fee|fees|charged?|penalty|"
    r"cost)\b"
)


def change_fee_asked(text: str) -> bool:
    """A fee for moving or cancelling an appointment asked about (not a bill's)."""
    said = normalise(text)
    return bool(CHANGE_FEE_ASKED.search(said)) and not re.search(r"\b(bill|balance|plan)\b", said)


def booked_in_this_chat(item: dict[str, Any], tracker: Tracker) -> bool:
    """The appointment was booked in this chat (no late-change fee for it)."""
    return bool(item.get("id")) and item.get("id") == tracker.get_slot("last_booked")


def within_late_window(item: dict[str, Any], clinic: ClinicConfig) -> bool:
    """The appointment starts within ``late_cancel_hours``."""
    start = datetime.fromisoformat(item["start"])
    return start - clinic.now() < timedelta(hours=clinic.scheduling.late_cancel_hours)


def late_change_policy(
    item: dict[str, Any], tracker: Tracker, clinic: ClinicConfig, no_fee_said: bool = True
) -> str:
    """The late-change policy (with a leading space) when an appointment being cancelled or
    moved starts within ``late_cancel_hours``; else "", or that there is no fee when the task
    asked about one (``no_fee_said``). Not for one booked in this chat: a patient who
    cancelled a minute after booking was warned of a fee."""
    if booked_in_this_chat(item, tracker) or not within_late_window(item, clinic):
        if not no_fee_said or not any(change_fee_asked(t) for t in form_texts(tracker)):
            return ""
        # "cancel my appt on wednesday, will i get charged": cancelled, and never answered
        hours = clinic.scheduling.late_cancel_hours
        late = within_late_window(item, clinic)
        why = "it was booked just now" if late else f"it's more than {hours} hours away"
        return f" There's no fee for this one: {why}."
    return f" {clinic.scheduling.late_cancel_policy}"
