"""Generate the Rasa files that are derived from ``clinic.yml``.

A clinic edits ``clinic.yml`` only; ``make train`` runs this script first, so the assistant's
responses and the NLU lookup tables follow the file:

- ``domain/generated_clinic.yml``: slots with the clinic's name and numbers as initial values,
  so responses such as "call {emergency_number}" work even when the action server is down.
- ``data/nlu/generated_clinic.yml``: lookup tables and synonyms for practitioners, locations,
  visit types and insurance plans.

``--check`` exits non-zero when the committed files are out of date (CI runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.clinic_config import ClinicConfig, load_clinic_config  # noqa: E402
from actions.plan_names import plain_words  # noqa: E402

HEADER = "# GENERATED from clinic.yml by scripts/sync_clinic.py (make train). Do not edit.\n"


def clinic_slots(clinic: ClinicConfig) -> dict[str, str]:
    """The clinic facts that responses interpolate, e.g. ``{clinic_phone}``."""
    info = clinic.clinic
    return {
        "clinic_name": info.name,
        "clinic_phone": info.main_phone,
        "billing_phone": clinic.billing.phone,
        "billing_hours": clinic.billing.hours,
        "late_cancel_policy": clinic.scheduling.late_cancel_policy
        or "Please let us know as early as you can if you can't come.",
        "emergency_number": info.emergency_number,
        "crisis_line": info.crisis_line,
        "crisis_line_name": info.crisis_line_name,
        "payment_portal_url": clinic.billing.portal_url,
        "clinic_website": info.website,
        # Who helps when the office is closed ("i ran out of insulin and you're closed").
        "after_hours_help": (
            f"our after-hours nurse line at {info.after_hours_nurse_line}"
            if info.after_hours_nurse_line
            else "an urgent care clinic or your pharmacist"
        ),
        # Where another office sends records: the fax, when the clinic has one.
        "records_send_to": f"{info.name}, fax {info.fax}" if info.fax else info.name,
        "visit_minutes": str(clinic.scheduling.slot_minutes),
        **abuse_help(clinic),
        **child_abuse_help(clinic),
    }


def _with_lifeline(key: str, clinic: ClinicConfig, line: str, help_text: str) -> dict[str, str]:
    """``{key}`` and ``{key}_es``: the line made for it (``help_text`` saying how to reach it),
    then 988 any time; or, with no such line in clinic.yml, 988 alone."""
    info = clinic.clinic
    lifeline = f"call or text {info.crisis_line}"
    if not line:
        return {
            key: f"Please {lifeline} to reach the {info.crisis_line_name}, free and open 24/7.",
            f"{key}_es": f"Llame o envíe un mensaje de texto al {info.crisis_line}, gratis, "
            "las 24 horas.",
        }
    return {
        key: f"{help_text} It's free, confidential and open 24/7. You can also {lifeline} any "
        "time you need to talk.",
        f"{key}_es": f"La línea {line} atiende en español, gratis y las 24 horas.",
    }


def abuse_help(clinic: ClinicConfig) -> dict[str, str]:
    """Who helps someone being hurt at home (``utter_crisis``'s variation for it): the domestic
    violence line when clinic.yml has one, and 988 either way."""
    info = clinic.clinic
    name = info.abuse_line_name or "domestic violence hotline"
    how = f"call {info.abuse_line}"
    if info.abuse_line_text:
        how += f" or {info.abuse_line_text}"
    said = f"The {name} can help you stay safe and make a plan: {how}."
    return _with_lifeline("abuse_help", clinic, info.abuse_line, said)


def child_abuse_help(clinic: ClinicConfig) -> dict[str, str]:
    """Who helps when a child may be abused or neglected (``utter_crisis``'s variation for the
    ``child_abuse_neglect`` rule), worded for a parent, a neighbour or the child: the child abuse
    line when clinic.yml has one, and 988 either way."""
    info = clinic.clinic
    name = info.child_abuse_line_name or "child abuse hotline"
    said = (
        f"The {name} can talk it through with you and help you report it, and it listens to "
        f"kids and teens too: call or text {info.child_abuse_line}."
    )
    return _with_lifeline("child_abuse_help", clinic, info.child_abuse_line, said)


def domain_document(clinic: ClinicConfig) -> dict:
    slots = {
        name: {
            "type": "any",
            "initial_value": value,
            "influence_conversation": False,
            "mappings": [{"type": "custom"}],
        }
        for name, value in clinic_slots(clinic).items()
    }
    return {"version": "3.1", "slots": slots}


def _aliases(*groups: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for alias in group:
            alias = alias.strip().lower()
            if alias:
                seen.setdefault(alias, None)
    return list(seen)


def nlu_document(clinic: ClinicConfig) -> dict:
    practitioners: dict[str, list[str]] = {}
    for p in clinic.practitioners:
        names = (
            [
                p.name,
                p.family,
                f"{p.given} {p.family}",
                f"dr {p.family}",
                f"dr. {p.family}",
                f"doctor {p.family}",
            ]
            if p.prefix
            else [p.name, p.family, f"{p.given} {p.family}"]
        )
        practitioners[p.id] = _aliases(names, p.aliases)
    locations = {loc.id: _aliases([loc.name], loc.aliases) for loc in clinic.locations}
    visits = {v.id: _aliases([v.name], v.aliases) for v in clinic.visit_types}
    # An alias made only of plain words ("medical" for Medi-Cal) would mark "medical records"
    # as a plan: the action server reads it in insurance questions alone (plan_names).
    plans = {
        plan.name: [a for a in _aliases([plan.name], plan.aliases) if not plain_words(a)]
        for plan in clinic.insurance.accepted + clinic.insurance.not_accepted
    }
    nlu: list[dict] = []
    for entity, groups in (
        ("practitioner", practitioners),
        ("location", locations),
        ("visit_type", visits),
        ("insurance", plans),
    ):
        values = [alias for aliases in groups.values() for alias in aliases]
        nlu.append({"lookup": entity, "examples": _block(values)})
    for groups in (practitioners, locations, visits):
        for canonical, aliases in groups.items():
            others = [a for a in aliases if a != canonical]
            if others:
                nlu.append({"synonym": canonical, "examples": _block(others)})
    return {"version": "3.1", "nlu": nlu}


def _block(values: list[str]) -> str:
    return "".join(f"- {v}\n" for v in values)


def _dump(document: dict) -> str:
    def literal(dumper: yaml.Dumper, data: str) -> yaml.Node:
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, literal)
    return HEADER + yaml.dump(
        document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def outputs(clinic: ClinicConfig) -> dict[Path, str]:
    return {
        ROOT / "domain" / "generated_clinic.yml": _dump(domain_document(clinic)),
        ROOT / "data" / "nlu" / "generated_clinic.yml": _dump(nlu_document(clinic)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinic", default=str(ROOT / "clinic.yml"))
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    args = parser.parse_args(argv)
    clinic = load_clinic_config(args.clinic)
    stale = []
    for path, text in outputs(clinic).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run `make train` or scripts/sync_clinic.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
