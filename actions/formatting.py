"""How slots and appointments read to a patient: short, exact, in the clinic's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from actions.clinic_config import ClinicConfig, format_clock


def local(moment: datetime, clinic: ClinicConfig) -> datetime:
    return moment.astimezone(clinic.tz)


def day_and_time(moment: datetime, clinic: ClinicConfig) -> str:
    """``Tue Dec 1, 9:00am`` (minutes always shown so patients can type "the 9:30")."""
    when = local(moment, clinic)
    hour = when.hour % 12 or 12
    suffix = "am" if when.hour < 12 else "pm"
    return f"{when.strftime('%a %b')} {when.day}, {hour}:{when.minute:02d}{suffix}"


def practitioner_name(practitioner_id: str | None, clinic: ClinicConfig, fallback: str = "") -> str:
    practitioner = clinic.practitioner(practitioner_id) if practitioner_id else None
    return practitioner.name if practitioner else (fallback or "one of our clinicians")


def location_name(location_id: str | None, clinic: ClinicConfig, fallback: str = "") -> str:
    location = clinic.location(location_id) if location_id else None
    return location.name if location else (fallback or "our clinic")


def visit_name(visit_type_id: str | None, clinic: ClinicConfig) -> str:
    visit = clinic.visit_type(visit_type_id) if visit_type_id else None
    return visit.name if visit else "visit"


def a_or_an(name: str) -> str:
    """ "an annual physical", "a sick visit"."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def offer_label(offer: dict[str, Any], clinic: ClinicConfig) -> str:
    """Button title of an offered slot: ``Tue Dec 1, 9:00am · Dr. Priya Patel · North Office``."""
    start = datetime.fromisoformat(offer["start"])
    return " · ".join(
        [
            day_and_time(start, clinic),
            practitioner_name(
                offer.get("practitioner"), clinic, offer.get("practitioner_name", "")
            ),
            location_name(offer.get("location"), clinic, offer.get("location_name", "")),
        ]
    )


def appointment_sentence(item: dict[str, Any], clinic: ClinicConfig, whose: str = "your") -> str:
    """``your annual physical with Dr. Priya Patel on Tue Dec 1, 9:00am at the North Office``
    (``whose``: "Liam's" when a parent writes for a child)."""
    start = datetime.fromisoformat(item["start"])
    return (
        f"{whose} {visit_name(item.get('visit_type'), clinic)} with "
        f"{practitioner_name(item.get('practitioner'), clinic, item.get('practitioner_name', ''))}"
        f" on {day_and_time(start, clinic)} at the "
        f"{location_name(item.get('location'), clinic, item.get('location_name', ''))}"
    )


def move_sentence(
    moving: dict[str, Any], new: dict[str, Any], clinic: ClinicConfig, whose: str = "your"
) -> str:
    """``your annual physical on Wed Dec 2, 7:30am to Fri Dec 4, 9:00am with Dr. Priya Patel at
    the North Office``: which appointment moves, and where to."""
    old_start = datetime.fromisoformat(moving["start"])
    new_start = datetime.fromisoformat(new["start"])
    return (
        f"{whose} {visit_name(moving.get('visit_type'), clinic)} on "
        f"{day_and_time(old_start, clinic)} to {day_and_time(new_start, clinic)} with "
        f"{practitioner_name(new.get('practitioner'), clinic, new.get('practitioner_name', ''))}"
        f" at the {location_name(new.get('location'), clinic, new.get('location_name', ''))}"
    )


def address_line(location_id: str | None, clinic: ClinicConfig) -> str:
    """ "North Office: 4500 Natomas Boulevard, ... (Ground floor of Building B)", to go inside a
    sentence (so no full stop of its own)."""
    location = clinic.location(location_id) if location_id else None
    if location is None:
        return ""
    floor = f" ({location.floor.rstrip('. ')})" if location.floor else ""
    return f"{location.name}: {location.address.one_line()}{floor}"


def clock(moment: datetime, clinic: ClinicConfig) -> str:
    return format_clock(local(moment, clinic).time())


def arrival(offer: dict[str, Any], clinic: ClinicConfig, minutes: int) -> str:
    """ "15 minutes early", or, when that is before the office opens (a 7:30am visit), "when
    the office opens at 7:30am"."""
    start = local(datetime.fromisoformat(offer["start"]), clinic)
    location = clinic.location(offer.get("location") or "")
    hours = clinic.hours_on(location, start.date()) if location else None
    if hours is not None and (start - timedelta(minutes=minutes)).time() < hours.opens:
        return f"when the office opens at {format_clock(hours.opens)}"
    return f"{minutes} minutes early"


def short_date(day: date) -> str:
    """``Thu, Nov 26``."""
    return f"{day.strftime('%a, %b')} {day.day}"
