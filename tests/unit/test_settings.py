"""clinic.yml and the environment, read in one place and validated with clear messages."""

from pathlib import Path

import pytest
import yaml

from actions.clinic_config import ClinicConfigError, load_clinic_config
from actions.settings import PROJECT_ROOT, Settings, get_clinic
from scripts import sync_clinic


def test_demo_clinic_loads() -> None:
    clinic = get_clinic()
    assert clinic.clinic.emergency_number == "911"
    assert clinic.clinic.crisis_line == "988"
    assert [loc.id for loc in clinic.locations] == ["downtown", "north"]
    assert clinic.practitioner("patel").locations == ["downtown", "north"]
    assert clinic.new_patient_visit() is not None


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load((PROJECT_ROOT / "clinic.yml").read_text())
    mutate(raw)
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda c: c["locations"][1]["hours"].__setitem__("mon", "7.30 to 5"),
            "locations[1].hours: mon: expected 'HH:MM-HH:MM' or 'closed'",
        ),
        (
            lambda c: c["clinic"].__setitem__("timezone", "Mars/Olympus"),
            "clinic.timezone: unknown time zone",
        ),
        (
            lambda c: c["clinic"].__setitem__("emergency_number", " "),
            "clinic.emergency_number: must not be empty",
        ),
        (
            lambda c: c["practitioners"][0].__setitem__("schedule", {"uptown": ["mon"]}),
            "practitioners[0].schedule: 'uptown' is not a location id",
        ),
        (
            lambda c: c["practitioners"][0].__setitem__("specialty", "surgery"),
            "practitioners[0].specialty: 'surgery' is not one of specialties",
        ),
        (
            lambda c: c["visit_types"][0].__setitem__("for_children", "kids_physical"),
            "visit_types[0].for_children: 'kids_physical' is not a visit type id",
        ),
        (
            lambda c: c["billing"].__setitem__("payment_plan_minimum", "a hundred"),
            "billing.payment_plan_minimum: value is not a valid decimal",
        ),
        (lambda c: c["locations"][0].pop("phone"), "locations[0].phone: field required"),
        (lambda c: c["locations"][0]["hours"].pop("sun"), "missing day(s) ['sun']"),
        (
            lambda c: c["locations"].append(dict(c["locations"][0])),
            "locations[2].id: duplicate id 'downtown'",
        ),
    ],
)
def test_bad_clinic_file_names_the_field(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, mutate)
    with pytest.raises(ClinicConfigError) as error:
        load_clinic_config(path)
    assert message in str(error.value)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ClinicConfigError, match="file not found"):
        load_clinic_config(tmp_path / "nope.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("clinic: [unclosed")
    with pytest.raises(ClinicConfigError, match="not valid YAML"):
        load_clinic_config(broken)


def test_hours_holidays_and_open_now() -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    clinic = get_clinic()
    tz = ZoneInfo("America/Los_Angeles")
    downtown, north = clinic.location("downtown"), clinic.location("north")
    assert downtown and north
    assert clinic.hours_on(downtown, date(2026, 11, 26)) is None  # Thanksgiving
    assert clinic.hours_on(downtown, date(2026, 12, 24)).label() == "8am–12pm"  # type: ignore[union-attr]
    assert clinic.is_open(downtown, datetime(2026, 11, 28, 10, 0, tzinfo=tz))  # Saturday
    assert not clinic.is_open(north, datetime(2026, 11, 28, 10, 0, tzinfo=tz))
    assert clinic.next_opening(north, datetime(2026, 11, 25, 18, 0, tzinfo=tz)) == datetime(
        2026, 11, 30, 7, 30, tzinfo=tz
    )  # Thanksgiving + day after, then the weekend


def test_settings_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIR_BASE_URL", "https://fhir.example.org/r4/")
    monkeypatch.setenv("FHIR_TIMEOUT_SECONDS", "2.5")
    settings = Settings()
    assert settings.fhir_base_url == "https://fhir.example.org/r4"
    assert settings.fhir_timeout_seconds == 2.5
    monkeypatch.setenv("FHIR_TIMEOUT_SECONDS", "soon")
    with pytest.raises(ValueError, match="FHIR_TIMEOUT_SECONDS"):
        Settings()


def test_generated_rasa_files_are_up_to_date() -> None:
    """domain/ and data/nlu/generated_clinic.yml must match clinic.yml (make train syncs)."""
    assert sync_clinic.main(["--check"]) == 0
    text = (PROJECT_ROOT / "domain" / "generated_clinic.yml").read_text()
    assert "initial_value: '911'" in text and "initial_value: '988'" in text


def test_records_are_sent_to_the_clinic_fax_when_it_has_one(tmp_path: Path) -> None:
    """The records answer named no fax: other offices asked the patient for it."""
    clinic = load_clinic_config(PROJECT_ROOT / "clinic.yml")
    assert sync_clinic.clinic_slots(clinic)["records_send_to"] == (
        "Maple Grove Family Health, fax (916) 555-0149"
    )
    no_fax = load_clinic_config(_write(tmp_path, lambda c: c["clinic"].pop("fax")))
    assert sync_clinic.clinic_slots(no_fax)["records_send_to"] == "Maple Grove Family Health"


def test_after_hours_help_is_the_nurse_line_when_the_clinic_has_one(tmp_path: Path) -> None:
    """The refill answer gave only the office number, at night ("i ran out of insulin")."""
    clinic = load_clinic_config(PROJECT_ROOT / "clinic.yml")
    assert sync_clinic.clinic_slots(clinic)["after_hours_help"] == (
        "our after-hours nurse line at (916) 555-0177"
    )
    no_line = load_clinic_config(
        _write(tmp_path, lambda c: c["clinic"].pop("after_hours_nurse_line"))
    )
    assert "urgent care" in sync_clinic.clinic_slots(no_line)["after_hours_help"]
