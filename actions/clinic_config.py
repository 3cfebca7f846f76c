"""The clinic's own data (``clinic.yml``): a validated model plus the clock questions asked of it.

Validation runs when the action server, the embedded backend or the console starts, so a clinic
that mistypes a field hears about it at once, with the field named, instead of from a patient.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, ValidationError, root_validator, validator

# Under this age a patient is a child: a parent answers for them, and they book children's visits.
ADULT_AGE = 18
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class ClinicConfigError(ValueError):
    """``clinic.yml`` is missing, unreadable or has a bad field (the message names it)."""


class TimeRange(BaseModel):
    """Opening hours of one day, e.g. ``"08:00-18:00"``."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, value: Any) -> TimeRange | None:
        """``"HH:MM-HH:MM"`` → range; ``"closed"`` → None; anything else → ValueError."""
        if value is None or (isinstance(value, str) and value.strip().lower() == "closed"):
            return None
        if isinstance(value, TimeRange):
            return value
        match = _RANGE.match(str(value))
        if not match:
            raise ValueError(f"expected 'HH:MM-HH:MM' or 'closed', got {value!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
            raise ValueError(f"not a valid time range: {value!r}")
        opens, closes = time(h1, m1), time(min(h2, 23), m2 if h2 < 24 else 59)
        if closes <= opens:
            raise ValueError(f"closing time must be after opening time in {value!r}")
        return cls(opens=opens, closes=closes)

    def label(self) -> str:
        """Human form: ``8am–6pm``."""
        return f"{format_clock(self.opens)}–{format_clock(self.closes)}"


def format_clock(t: time) -> str:
    """``time(8, 0)`` → ``8am``; ``time(13, 30)`` → ``1:30pm``."""
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def _weekly(value: Any) -> dict[str, TimeRange | None]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of mon..sun to 'HH:MM-HH:MM' or 'closed'")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown day(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
    missing = [d for d in WEEKDAYS if d not in value]
    if missing:
        raise ValueError(f"missing day(s) {missing}; write 'closed' for days without hours")
    out: dict[str, TimeRange | None] = {}
    for day in WEEKDAYS:
        try:
            out[day] = TimeRange.parse(value[day])
        except ValueError as exc:
            raise ValueError(f"{day}: {exc}") from None
    return out


class Address(BaseModel):
    line: str
    city: str
    state: str
    postal_code: str

    def one_line(self) -> str:
        return f"{self.line}, {self.city}, {self.state} {self.postal_code}"


class Location(BaseModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    address: Address
    floor: str = ""
    phone: str
    map_url: str
    hours: dict[str, TimeRange | None]
    parking: str
    parking_validation: str = ""
    transit: str = ""
    accessibility: str = ""
    bike_parking: str = ""
    # Where a passenger can be let out at the door ("can i drop my dad off?").
    drop_off: str = ""
    ev_charging: str = ""
    # Restrooms, baby changing, Wi-Fi, a room to nurse ("is there a changing table?").
    facilities: str = ""
    # The nearest pharmacy ("is there a pharmacy nearby?").
    pharmacy: str = ""
    # Places this office is the closer one for ("which office is closer to Elk Grove?").
    nearby: list[str] = Field(default_factory=list)

    _hours = validator("hours", pre=True, allow_reuse=True)(_weekly)


class Holiday(BaseModel):
    date: date
    name: str
    hours: TimeRange | None = None

    @validator("hours", pre=True)
    def _parse_hours(cls, value: Any) -> TimeRange | None:
        return TimeRange.parse(value)


class Practitioner(BaseModel):
    id: str
    name: str
    prefix: str = ""
    given: str
    family: str
    qualification: str = ""
    specialty: str
    # Sees only patients younger than this (a pediatrician: 18); none: any age.
    sees_patients_under: int | None = Field(None, ge=1, le=130)
    # Sees only patients of this age or older (a women's health doctor: 12); none: any age.
    sees_patients_from: int | None = Field(None, ge=0, le=130)
    # Sees women and girls only: never offered to, nor booked for, a patient said to be male.
    sees_women_only: bool = False
    # Who they see and for what, in a few words, said when a patient asks about them.
    sees: str = ""
    # "woman" or "man" (optional): answers "can I see a female doctor?".
    gender: str = ""
    # Other words patients use for them ("the pediatrician", "the doctor who sees kids").
    aliases: list[str] = []
    # location id -> weekdays ("mon".."sun") this practitioner works there.
    schedule: dict[str, list[str]]

    @property
    def locations(self) -> list[str]:
        return list(self.schedule)

    @validator("schedule")
    def _weekdays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for loc, days in value.items():
            bad = [d for d in days if d not in WEEKDAYS]
            if bad:
                raise ValueError(f"{loc}: unknown day(s) {bad}; use {', '.join(WEEKDAYS)}")
        return value


class VisitType(BaseModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    duration_minutes: int = Field(30, gt=0, le=480)
    specialties: list[str]
    new_patients: bool = False
    # The visit for a new symptom, pain or illness: suggested when the patient describes one
    # instead of choosing, or is not sure which kind they need.
    for_new_problems: bool = False
    # The visit a patient under 18 books instead ("a checkup" for a child is a well-child visit).
    for_children: str | None = None
    # Once a year (a physical): any upcoming one of the same kind is pointed out before a second
    # is booked (insurance usually pays for one), not only one within a few days.
    yearly: bool = False
    # With "no preference", only clinicians of these specialties are offered (default: all of
    # `specialties`): a follow-up with anyone is not one with the women's health doctor.
    no_preference_specialties: list[str] | None = None
    # Done at this visit and asked for by name ("do you do covid tests"): answered with a yes
    # and what to book. Not entity synonyms (the aliases are), so the model is not retrained.
    done_at_visit: list[str] = Field(default_factory=list)
    # What the visit is for, in plain words ("whats the difference between a physical and a
    # well woman exam"): said when asked (actions/visit_about.py). No advice.
    about: str = ""

    def said_as(self) -> list[str]:
        """The words a patient names this visit by: its name, aliases and what is done at it."""
        return [self.name, *self.aliases, *self.done_at_visit]


class NotOffered(BaseModel):
    """A service patients ask to book that the clinic does not provide, and who does."""

    name: str
    aliases: list[str] = Field(..., min_items=1)
    # Who does it, or what to do instead: said right after "we don't offer ...".
    instead: str

    def instead_calling(self, phone: str) -> str:
        """``instead`` with the clinic's number in place of ``{clinic_phone}``."""
        return self.instead.replace("{clinic_phone}", phone)


class Scheduling(BaseModel):
    slot_minutes: int = Field(30, gt=0, le=240)
    weeks_ahead: int = Field(6, gt=0, le=52)
    offer_count: int = Field(3, gt=0, le=9)
    late_cancel_hours: int = Field(24, ge=0)
    late_cancel_policy: str = ""


class InsurancePlan(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)


class Insurance(BaseModel):
    accepted: list[InsurancePlan]
    not_accepted: list[InsurancePlan] = Field(default_factory=list)
    # Where plans are bought, not plans ("Covered California"): the answer depends on the
    # insurance company behind the plan, so the patient is asked which it is.
    marketplaces: list[str] = Field(default_factory=list)


class Billing(BaseModel):
    portal_url: str
    phone: str
    hours: str
    methods: list[str]
    in_person: str = ""
    due_days: int = Field(30, gt=0)
    payment_plans: str = ""
    # The smallest balance a payment plan is offered for (0: any); a smaller overdue balance is
    # offered billing staff instead of "Set up a payment plan".
    payment_plan_minimum: Decimal = Field(Decimal("0"), ge=0)
    financial_assistance: str = ""
    # How to apply for assistance: said when the patient asks how to apply or qualify.
    financial_assistance_apply: str = ""
    # Late fees or interest on unpaid bills: said when the patient asks ("do you charge late
    # fees?"); empty: billing staff are named as the ones who know.
    late_fees: str = ""
    # Whether paying by card, online or by phone costs extra: said when asked ("is there a fee
    # to pay by card?"); empty: billing staff are named as the ones who know.
    card_fees: str = ""


class ClinicInfo(BaseModel):
    name: str
    short_name: str = ""
    timezone: str
    main_phone: str
    # For records and referrals from other offices (optional: without it, asked for a fax
    # number, the patient is told to call).
    fax: str = ""
    website: str = ""
    emergency_number: str
    crisis_line: str
    crisis_line_name: str = "Suicide & Crisis Lifeline"
    # Someone hurting the patient: this line too (empty: 988 only). ``abuse_line_text`` is how to
    # reach it by text, in words ("text START to 88788").
    abuse_line: str = ""
    abuse_line_name: str = ""
    abuse_line_text: str = ""
    # A child who may be abused or neglected: this line (call or text) instead (empty: 988).
    child_abuse_line: str = ""
    child_abuse_line_name: str = ""
    # A poisoning or overdose: Poison Control too, after the emergency number (empty: none).
    poison_control: str = ""
    # A medical question outside staff hours: the on-call nurse line that answers then, for what
    # cannot wait until staff are back (empty: none).
    after_hours_nurse_line: str = ""
    staff_hours: dict[str, TimeRange | None]
    minutes_per_waiting_chat: int = Field(4, gt=0)

    _staff_hours = validator("staff_hours", pre=True, allow_reuse=True)(_weekly)

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @validator("emergency_number", "crisis_line")
    def _not_blank(cls, value: str) -> str:
        if not str(value).strip():
            raise ValueError("must not be empty: patients in danger are sent to this number")
        return value


class ClinicConfig(BaseModel):
    """The whole of ``clinic.yml``."""

    clinic: ClinicInfo
    locations: list[Location] = Field(..., min_items=1)
    holidays: list[Holiday] = Field(default_factory=list)
    specialties: dict[str, str]
    practitioners: list[Practitioner] = Field(..., min_items=1)
    visit_types: list[VisitType] = Field(..., min_items=1)
    not_offered: list[NotOffered] = Field(default_factory=list)
    scheduling: Scheduling = Field(default_factory=Scheduling)
    insurance: Insurance
    billing: Billing

    @root_validator(skip_on_failure=True)
    def _cross_references(cls, values: dict[str, Any]) -> dict[str, Any]:
        location_ids = [loc.id for loc in values["locations"]]
        _unique("locations", location_ids)
        _unique("practitioners", [p.id for p in values["practitioners"]])
        _unique("visit_types", [v.id for v in values["visit_types"]])
        specialties = values["specialties"]
        for i, prac in enumerate(values["practitioners"]):
            if prac.specialty not in specialties:
                raise ValueError(
                    f"practitioners[{i}].specialty: {prac.specialty!r} is not one of "
                    f"specialties {sorted(specialties)}"
                )
            for loc in prac.locations:
                if loc not in location_ids:
                    raise ValueError(
                        f"practitioners[{i}].schedule: {loc!r} is not a location id {location_ids}"
                    )
        visit_ids = [v.id for v in values["visit_types"]]
        for i, visit in enumerate(values["visit_types"]):
            if visit.for_children is not None and visit.for_children not in visit_ids:
                raise ValueError(
                    f"visit_types[{i}].for_children: {visit.for_children!r} is not a visit "
                    f"type id {visit_ids}"
                )
            for spec in visit.specialties:
                if spec not in specialties:
                    raise ValueError(
                        f"visit_types[{i}].specialties: {spec!r} is not one of specialties "
                        f"{sorted(specialties)}"
                    )
            for spec in visit.no_preference_specialties or []:
                if spec not in visit.specialties:
                    raise ValueError(
                        f"visit_types[{i}].no_preference_specialties: {spec!r} is not one of "
                        f"its specialties {visit.specialties}"
                    )
        return values

    # --- look-ups -------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    def now(self) -> datetime:
        """The clinic's wall clock (time-zone aware)."""
        return datetime.now(self.tz)

    def location(self, location_id: str) -> Location | None:
        return next((loc for loc in self.locations if loc.id == location_id), None)

    def practitioner(self, practitioner_id: str) -> Practitioner | None:
        return next((p for p in self.practitioners if p.id == practitioner_id), None)

    def visit_type(self, visit_type_id: str) -> VisitType | None:
        return next((v for v in self.visit_types if v.id == visit_type_id), None)

    def new_patient_visit(self) -> VisitType | None:
        return next((v for v in self.visit_types if v.new_patients), None)

    def new_problem_visit(self) -> VisitType | None:
        return next((v for v in self.visit_types if v.for_new_problems), None)

    def holiday(self, day: date) -> Holiday | None:
        return next((h for h in self.holidays if h.date == day), None)

    # --- hours ----------------------------------------------------------------------------

    def hours_on(self, location: Location, day: date) -> TimeRange | None:
        """Opening hours of ``location`` on ``day``: holidays first, then the weekly hours."""
        holiday = self.holiday(day)
        if holiday is not None:
            return holiday.hours
        return location.hours[WEEKDAYS[day.weekday()]]

    def is_open(self, location: Location, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        hours = self.hours_on(location, local.date())
        return hours is not None and hours.opens <= local.time() < hours.closes

    def next_opening(self, location: Location, at: datetime) -> datetime | None:
        """When ``location`` next opens after ``at`` (None if closed for the next 3 weeks)."""
        return _next_start(lambda d: self.hours_on(location, d), at.astimezone(self.tz))

    def staff_hours_on(self, day: date) -> TimeRange | None:
        holiday = self.holiday(day)
        if holiday is not None:
            return holiday.hours
        return self.clinic.staff_hours[WEEKDAYS[day.weekday()]]

    def staff_available(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        hours = self.staff_hours_on(local.date())
        return hours is not None and hours.opens <= local.time() < hours.closes

    def next_staff_time(self, at: datetime) -> datetime | None:
        """When staff are next at the console after ``at``."""
        return _next_start(self.staff_hours_on, at.astimezone(self.tz))

    def staff_back(self, now: datetime) -> str:
        """When staff are back, in words ("tomorrow at 8am"), for a patient told to wait."""
        back = self.next_staff_time(now)
        return describe_when(back, now) if back else "as soon as they are back"


def _next_start(hours_on: Any, local: datetime) -> datetime | None:
    for offset in range(22):
        day = local.date() + timedelta(days=offset)
        hours = hours_on(day)
        if hours is None:
            continue
        start = datetime.combine(day, hours.opens, tzinfo=local.tzinfo)
        if start > local:
            return start
    return None


def _unique(field: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ValueError(f"{field}[{i}].id: duplicate id {ident!r}")
        seen.add(ident)


def describe_when(moment: datetime, now: datetime) -> str:
    """``today at 8am`` / ``tomorrow at 8am`` / ``Monday at 8am`` / ``Monday, Dec 7 at 8am``."""
    clock = format_clock(moment.time())
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days < 7:
        return f"{moment.strftime('%A')} at {clock}"
    return f"{moment.strftime('%A, %b')} {moment.day} at {clock}"


def _format_loc(loc: tuple[Any, ...]) -> str:
    """``('locations', 0, 'hours')`` → ``locations[0].hours``."""
    out = ""
    for part in loc:
        if part == "__root__":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_clinic_config(path: str | Path) -> ClinicConfig:
    """Read and validate ``clinic.yml``; a problem raises ``ClinicConfigError`` naming the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClinicConfigError(f"{path}: file not found (set CLINIC_CONFIG)") from None
    except yaml.YAMLError as exc:
        raise ClinicConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ClinicConfigError(f"{path}: expected a mapping at the top level")
    try:
        return ClinicConfig.parse_obj(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _format_loc(err["loc"])
            problems.append(f"{where}: {err['msg']}" if where else err["msg"])
        raise ClinicConfigError(f"{path}: " + "; ".join(problems)) from None
