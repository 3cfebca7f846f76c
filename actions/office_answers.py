"""What we say about an office, from ``clinic.yml``: the route, the way in (floors and
accessibility), getting there by bus or train, parking, phone numbers, the after-hours nurse line
and the nearest emergency room. ``actions/directions.py`` picks the office and the answer."""

from __future__ import annotations

import json
import re

from actions.clinic_config import ClinicConfig, Location
from actions.matching import normalise
from actions.phone import phone_for_display
from actions.settings import get_settings

# At most this many words in a reply to "Which office?" that only names the office ("the
# north one please"); more is a question of its own.
OFFICE_ANSWER_WORDS = 4


def answers_only_the_office(text: str) -> bool:
    """A short reply naming the office, not a new question."""
    return "?" not in text and len(text.split()) <= OFFICE_ANSWER_WORDS


def directions_text(location: Location) -> str:
    lines = [location.name, location.address.one_line()]
    if location.floor:
        lines.append(location.floor)
    lines.append(f"Map: {location.map_url}")
    if location.transit:
        lines.append(f"By bus or train: {location.transit}")
    if location.accessibility:
        lines.append(f"Accessibility: {location.accessibility}")
    lines.append(f"Lost on the way? Call {location.phone}.")
    return "\n".join(lines)


# "Is there handicap parking?": the accessibility notes (accessible spaces) belong in the answer.
ACCESSIBLE_WORDS = re.compile(
    r"\b(handicap\w*|accessible|accessibility|disabled|disability|wheelchair\w*|ada|placard)\b"
)

# Parking asked for someone who can't walk far ("is there parking close to the door", "my mom
# has a hard time walking"): the accessible spaces too (it was the lot alone).
NEAR_THE_DOOR = re.compile(
    r"\b(close|closer|closest|near|nearer|nearest|right) (to |by )?(the )?(door|doors|entrance|"
    r"building|front)\b|\b(hard time|trouble|difficulty|problems?) walking\b|"
    r"\bcan ?t walk (far|much|well|long)\b|\b(walker|cane|mobility)\b"
)


# "is it wheelchair accessible", "is the other one upstairs too?": the way in, not the route
# (these words, or ACCESSIBLE_WORDS).
GETTING_IN_WORDS = re.compile(
    r"\b(walker|cane|scooter|stroller|ramp|elevators?|lift|stairs|steps|upstairs|downstairs|"
    r"floor|step free)\b"
)


# "how long does it take to drive there", "how many minutes from downtown to the north office":
# the trip's time, which depends on where the patient sets out (it got how long a visit lasts).
# In normalised text.
TRAVEL_TIME_ASKED = re.compile(
    r"\bhow (?:long|many minutes|much time)\b.{0,30}\b(?:drive|driving|get there|get here|"
    r"get to (?:you|u|the|your)|walk|walking|commute|ride|trip|travel)\b"
    r"|\bhow many minutes (?:from|to|away)\b|\b(?:drive|driving|travel) time\b"
)
TRAVEL_TIME_LINE = (
    "How long the trip takes depends on where you set out and the traffic, so I can't say "
    "here: the map link below gives the route and the time from where you are."
)


# "can i take the bus there": the stop and the address, not the whole card (which SMS splits in
# two) - unless the way by car, the map or the address is asked too.
TRANSIT_WORDS = re.compile(r"\b(bus(es)?|train|transit|light rail|metro|public transport\w*)\b")
DRIVING_WORDS = re.compile(r"\b(address|directions?|map|drive|driving|car|route)\b")


def map_text(location: Location) -> str:
    """The address and the map link: for how long the trip takes, which the map tells."""
    return f"{location.name}: {location.address.one_line()}\nMap: {location.map_url}"


def transit_text(location: Location) -> str:
    """The address and how to get there by bus or train."""
    return "\n".join(
        [
            f"{location.name}: {location.address.one_line()}",
            f"By bus or train: {location.transit}",
            f"Map: {location.map_url}",
        ]
    )


def access_text(location: Location) -> str:
    """Where in the building, and the accessibility notes."""
    lines = [f"{location.name} ({location.address.line})"]
    if location.floor:
        lines.append(location.floor)
    if location.accessibility:
        lines.append(f"Accessibility: {location.accessibility}")
    return "\n".join(lines)


# Where to check in ("where do i check in" got what to bring; "where is the front desk" the
# phone numbers): the front desk, where in the building.
CHECK_IN_ASKED = re.compile(
    r"\bwhere (do|should|can|will|would|am) (i|we|you|u) (supposed to )?(check ?in|sign ?in|"
    r"go (when|once|after) (i|we) (get|arrive)\w*)|\bwhere (is|s|are) (the )?(front "
    r"desk|reception|check ?in|registration)\b|\bwhere (to|do you) (check ?in|sign ?in)\b",
    re.IGNORECASE,
)


def check_in_text(location: Location) -> str:
    """Where the front desk is, for checking in."""
    where = f" {location.floor}" if location.floor else ""
    return f"{location.name} ({location.address.line}): check in at the front desk.{where}"


# A passenger let out at the door ("can i drop him off at the door", "is there a drop off
# area"): it got the whole directions card.
# (not papers: "can i drop off the forms", "drop my paperwork off")
_PAPERS = (
    r"(?:(?:the|my|some|a|his|her|our|these|those) )?(?:forms?|paperwork|papers?|documents?|"
    r"records?|samples?|specimens?|urine|stool|checks?|payments?|meds|medications?|letters?)\b"
)
DROP_OFF_ASKED = re.compile(
    rf"\bdrop(?:ping)? (?:him|her|them|me|us|my (?!{_PAPERS})\w+|the kids) off\b|"
    rf"\bdrop[- ]?off\b(?! {_PAPERS})|"
    r"\bpick(?:ing)? (?:him|her|them|me|us) up\b|\bpick[- ]?up (?:zone|area|spot|lane)\b|"
    r"\b(?:loading|passenger) zone\b|\blet (?:him|her|them|me|us) out\b"
)


def drop_off_text(location: Location) -> str:
    """Where to let a passenger out at the door, the way in for a wheelchair, and the front
    desk's number (the drop-off lines say to call it)."""
    text = f"Dropping off at the {location.name} ({location.address.line}): {location.drop_off}"
    if location.accessibility:
        text += f" Accessibility: {location.accessibility}"
    return f"{text} Front desk: {location.phone}."


# "is parking free?", "how much is parking", "do you validate": what it costs comes first (it
# came after the garage's entrance and the street meters).
PARKING_COST_ASKED = re.compile(
    r"\b(?:free|cost|costs|price|how much|pay|paid|charge|fee|validate|validation|expensive)\b"
)


def parking_text(location: Location, accessible: bool = False, cost_asked: bool = False) -> str:
    """Where to park at ``location`` and whether we validate (first, when ``cost_asked``)."""
    said = [location.parking, location.parking_validation]
    if cost_asked:
        said.reverse()
    text = f"Parking at the {location.name} ({location.address.line}): " + " ".join(
        part for part in said if part
    )
    if accessible and location.accessibility:
        text += f" Accessibility: {location.accessibility}"
    return text


BILLING_WORDS = re.compile(r"\b(bill|bills|billing|billed|payment|payments|pay|balance|invoice)\b")


_WHEN_CLOSED = r"(when|if) (you|u) ?a?re closed|(when|if) ur closed"
# "is there an after hours number?", "who do I call at night": the nurse line too.
AFTER_HOURS_WORDS = re.compile(
    r"\b(after ?hours?|at night|night|nights|tonight|overnight|weekends?|nurses?|on ?call|"
    r"evenings?|"
    rf"{_WHEN_CLOSED})\b"
)
# Asked with the hours ("is there an after hours number?"): the nurse line as well.
AFTER_HOURS_HELP = re.compile(
    r"\b(after ?hours? (number|line|phone|nurse|help|care|doctor|emergency)|nurses? line|"
    rf"nurse (hotline|advice)|on ?call|at night|overnight|{_WHEN_CLOSED})\b"
)


def nurse_line_text(clinic: ClinicConfig) -> str:
    """The after-hours nurse line, as said with the phone numbers or the hours."""
    return (
        "After hours, for a medical question that can't wait: our nurse line, "
        f"{clinic.clinic.after_hours_nurse_line}"
    )


# The nearest emergency room, hospital or urgent care asked for: not one of our offices (the
# clinic's address was given, as if it were one).
_ER_PLACE = r"(er|e r|emergency room|emergency department|emergency dept|hospital|urgent care)"
ER_ASKED = re.compile(
    rf"\b(nearest|closest|nearby|local) {_ER_PLACE}s?\b"
    rf"|\b(do|does) (you|u|the clinic|yall) (guys )?have an? {_ER_PLACE}\b"
    rf"|\b{_ER_PLACE}s? (near|close to|nearby|around|by) (me|here|you|u|the clinic|your)\b"
    rf"|\b(get to|directions to|way to|where is|wheres|where s) the {_ER_PLACE}\b"
    rf"|\bwhich {_ER_PLACE}s? (do|does|should) (you|u|i|we)\b"
    # "is there an urgent care nearby" (a booking), "is there any urgent care open then" after
    # a holiday's hours (the hours again), "where can i go if you're closed"
    rf"|\b(is|are) there (an? |any )?(\w+ )?{_ER_PLACE}s?\b"
    rf"|\b(any|an?) {_ER_PLACE}s? (that s |that is |thats )?(still )?open\b"
    r"|\bwhere (can|do|should|could) (i|we) go (if|when|while) (you re|you are|youre|ur|u r|"
    r"the (clinic|office) is|you guys are|yall are|y all are) closed\b"
)


def emergency_room_text(clinic: ClinicConfig) -> str:
    """Where to go when it can't wait for the clinic: 911 first, and who can help decide."""
    info = clinic.clinic
    text = (
        f"If this is an emergency, call {info.emergency_number} now: they will send help or tell "
        "you the closest emergency room. We're a family clinic, without an emergency room or "
        "urgent care, and I can't look up the nearest one: a map app will show it."
    )
    if info.after_hours_nurse_line:
        text += (
            f" Not sure it needs the ER? Our nurse line can help you decide: "
            f"{info.after_hours_nurse_line}."
        )
    return text + f" For a same-day visit with us, call {info.main_phone} or ask me for a time."


# The patient's own contact details asked about or to be changed (not the clinic's).
OWN_DETAILS = re.compile(
    r"\b(update|change|changed|new|correct|fix|wrong)\b.{0,20}\b(my|our|his|her|a) (new )?(cell |"
    r"mobile |home )?(phone|number|cell|address|email|e mail|contact)|\b(what|which) (phone "
    r"number|phone|number|address|email) (do|did) (you|u) have (for|on file for) (me|us|him|her)"
    r"\b|\bmy (phone|number|address|email|contact (info|details)) (changed|is wrong|is not right)"
    r"\b|\bmy (new )?(home |mailing )?address (is|has) (different|changed|new)\b"
    r"|\bchange of address\b"
    # "whats the phone number you have on file for me" (the clinic's numbers alone)
    r"|\b(phone|number|address|email|contact (info|details))\b.{0,25}\b(you|u) have "
    r"(on file|for (me|us|him|her))\b|\b(on file|on my (file|record|chart|account))\b"
    # "can you send the reminders to my phone instead of hers"
    r"|\b(send|text|call)\b.{0,30}\b(to )?my (own )?(phone|number|cell)\b.{0,12}\binstead\b"
    r"|\b(text|send it to|call) my (phone|number|cell) instead\b"
)
# "whats your email address", "can i email you": there is none for patients.
EMAIL_ASKED = re.compile(r"\b(e ?mail|emails|emailing)\b")
# "whats your website", "whats the website again" (after the ways to pay): both addresses.
WEBSITE_ASKED = re.compile(r"\b(web ?site|web ?page|site|url|link)s?\b")


# "can i text this number", "do you take texts": whether texting works (the numbers alone did
# not say). Read in normalised text ("can t", "y all").
TEXTING_ASKED = re.compile(
    r"\b(?:can|could|do|does|may) (?:i|we|(?:you|u)(?: guys| all)?|y all|the (?:clinic|office))"
    r" (?:also )?"
    r"(?:text|sms|send (?:you )?(?:a )?texts?|take texts?|accept texts?|do texts?|get texts?)\b"
    r"|\btext (?:you|this number|that number|the (?:clinic|office))\b"
    r"|\bis (?:this|that) (?:number )?(?:a )?text(?:able| number)?\b"
)


def sms_number() -> str | None:
    """The number patients can text (the SMS channel's), for display; None without SMS (a
    number whose texts would go unanswered is not given)."""
    settings = get_settings()
    return phone_for_display(settings.twilio_from_number) if settings.sms_enabled else None


def texting_answer(text: str, by_sms: bool, sms_number: str | None) -> str | None:
    """Whether the patient can text us, when they ask: yes on the SMS channel; the SMS number
    from the website when there is one; otherwise that our lines take calls. None when not
    asked."""
    if not TEXTING_ASKED.search(normalise(text)):
        return None
    if by_sms:
        return (
            "Yes: this number takes texts any time, and I answer straight away. For a person, "
            'text "talk to a person".'
        )
    if sms_number:
        return (
            f"Yes: you can text us at {sms_number} any time, and I answer there as I do here. "
            "The numbers below are for calls."
        )
    return "Our phone lines take calls, not texts. You can message me here any time."


def contact_text(clinic: ClinicConfig, locations: list[Location], text: str) -> str:
    """Phone numbers: the office(s) asked about, and billing's (first when the patient asked
    for billing), with a way to reach a person here."""
    billing = f"Billing questions: {clinic.billing.phone} ({clinic.billing.hours})"
    about_billing = bool(BILLING_WORDS.search(normalise(text)))
    lines = [billing] if about_billing else []
    if OWN_DETAILS.search(normalise(text)):
        # "i need to update my phone number" got the clinic's numbers alone, as if asked
        lines.append(
            "I can't see or change your contact details in this chat. The front desk can "
            f"update them at {clinic.clinic.main_phone}, or at your next visit."
        )
    if re.search(r"\bfax", normalise(text)):
        # "whats your fax number" got the phone numbers, with no word about a fax
        fax = clinic.clinic.fax
        lines.insert(
            0,
            f"Fax: {fax}"
            if fax
            else f"I don't have a fax number to give you here; the front desk can help at "
            f"{clinic.clinic.main_phone}.",
        )
    if EMAIL_ASKED.search(normalise(text)) and not OWN_DETAILS.search(normalise(text)):
        # "whats your email address" got the directions to both offices
        lines.insert(
            0,
            "We don't take patient questions by email, to keep health information private: "
            "please call, or ask me here.",
        )
    if WEBSITE_ASKED.search(normalise(text)):
        # (it was read as a complaint, and handed to staff)
        sites = [f"To pay a bill online: {clinic.billing.portal_url}"]
        if clinic.clinic.website:
            sites.insert(0, f"Our website: {clinic.clinic.website}")
        lines[:0] = sites
    if len(locations) == len(clinic.locations) and len(locations) > 1:
        lines.append(f"Main number: {clinic.clinic.main_phone}")
    lines += [f"{loc.name}: {loc.phone}" for loc in locations]
    if not about_billing:
        lines.append(billing)
        if clinic.clinic.after_hours_nurse_line and AFTER_HOURS_WORDS.search(normalise(text)):
            lines.append(nurse_line_text(clinic))
    lines.append('Or say "talk to a person" and I\'ll connect you with our staff here.')
    return "\n".join(lines)


def topic_payload(topic: str, location_id: str) -> str:
    """``/parking{"location":"north"}``: the same question, with the office named."""
    return f"/{topic}" + json.dumps({"location": location_id}, separators=(",", ":"))
