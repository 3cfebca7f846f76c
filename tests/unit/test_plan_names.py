"""Which plan a patient named: the whole name around a tag or alias, and never a false "yes"."""

from __future__ import annotations

from typing import Any

import pytest

from actions.plan_names import identify, name_around, plan_in_message, plans_in_message
from actions.settings import get_clinic

CLINIC = get_clinic()


def tag(text: str, part: str) -> dict[str, Any]:
    """An ``insurance`` entity over ``part`` of ``text``, as the NLU model reports it."""
    start = text.index(part)
    return {"entity": "insurance", "value": part, "start": start, "end": start + len(part)}


@pytest.mark.parametrize(
    ("text", "part", "name"),
    [
        ("do you accept Zenith Mutual?", "Mutual", "Zenith Mutual"),
        ("is Alignment Health accepted at your clinic", "Health", "Alignment Health"),
        ("do you take L.A. Care", "Care", "L.A. Care"),
        ("does the clinic accept highmark insurance", "highmark", "highmark"),
        ("I have blue cross through my job", "blue cross", "blue cross"),
        ("my mom has Medicare and a supplement", "Medicare", "Medicare"),
        ("do you take Blue Cross of Idaho?", "Blue Cross", "Blue Cross of Idaho"),
        ("do you take TRICARE For Life?", "TRICARE", "TRICARE For Life"),
        ("Do you take Aetna For my son", "Aetna", "Aetna"),
        # a comma ends a name: "Premera" is not "Premera, Aetna"
        ("I have Premera, is that ok", "Premera", "Premera"),
        # a tag that took a word too many is trimmed
        ("do you take my Molina", "my Molina", "Molina"),
        ("do you take my daughter's medi cal", "medi cal", "medi cal"),
        ("Cigna subscriber since 2019, are you in network", "Cigna", "Cigna"),
        # greetings and fillers are no part of a name
        ("hola, aceptan medical?", "medical", "medical"),
        ("ok what about blue shield then", "blue shield", "blue shield"),
        ("how about cigna instead", "cigna", "cigna"),
        ("ok what about regular aetna", "aetna", "aetna"),
        ("would Premera be taken at your office", "Premera", "Premera"),
        # a typo of "accept" is no part of a name ("whether Accpet Kaiser is different")
        ("accpet kaiser?", "kaiser", "kaiser"),
        ("do you except aetna", "aetna", "aetna"),
    ],
)
def test_the_whole_name_around_a_tag(text: str, part: str, name: str) -> None:
    start = text.index(part)
    assert name_around(text, start, start + len(part)) == name


@pytest.mark.parametrize(
    ("name", "plan", "accepted"),
    [
        ("BCBS", "Blue Cross Blue Shield", True),
        ("Anthem Blue Cross PPO", "Blue Cross Blue Shield", True),
        ("medi cal", "Medi-Cal", True),
        ("Medicare Part B", "Medicare", True),
        ("united", "UnitedHealthcare", True),
        ("aetan", "Aetna", True),  # a typo of a known plan
        ("cigma", "Cigna", True),
        ("unitedhelthcare", "UnitedHealthcare", True),  # two slips in a long word
        ("bluecross", "Blue Cross Blue Shield", True),  # an alias run together
        ("United Health Care", "UnitedHealthcare", True),  # ...or apart
        ("Medi care", "Medicare", True),  # a one-word name written apart
        ("Kaiser HMO", "Kaiser Permanente", False),
        ("blu cross", "Blue Cross Blue Shield", True),  # a letter short
        ("untied healthcare", "UnitedHealthcare", True),  # two letters swapped
        ("medical", "Medi-Cal", True),  # an alias listed in clinic.yml, word for word
        ("helth net", "Health Net", True),  # a slip in a word any plan may carry
        ("united helthcare", "UnitedHealthcare", True),
    ],
)
def test_known_plans_by_any_of_their_names(name: str, plan: str, accepted: bool) -> None:
    named = identify(name, CLINIC)
    assert named.plan is not None
    assert (named.plan.name, named.accepted) == (plan, accepted)


@pytest.mark.parametrize(
    "name",
    [
        "United American",  # contains the alias "united", is another company
        "Humana Medicare Advantage",  # contains "medicare advantage", is Humana's plan
        "Aetna Better Health",
        "Medica",  # looks like Medicaid / Medicare, is neither
        "UnitedHealthOne",  # three letters from UnitedHealthcare, another product
        "HealthNow",  # two letters from Healthnet, another company
        "china",  # two letters from Cigna
        "Blue Choice",
        "Zenith Mutual",
        "PPO",  # no plan at all
        "Care",  # a word of "medical managed care" and "tri care", not a plan's name
        "Blue",
    ],
)
def test_a_longer_or_different_name_is_never_a_yes(name: str) -> None:
    assert identify(name, CLINIC).plan is None


@pytest.mark.parametrize(
    ("name", "family", "accepted"),
    [
        ("Cigna Open Access Plus", "Cigna", True),
        ("Tricare Prime", "TRICARE", True),
        ("United American", "UnitedHealthcare", True),
        ("Humana Medicare Advantage", "Medicare", True),
        ("Kaiser Senior Advantage", "Kaiser Permanente", False),
    ],
)
def test_a_name_that_carries_a_known_plan_is_its_family_not_the_plan(
    name: str, family: str, accepted: bool
) -> None:
    named = identify(name, CLINIC)
    assert named.plan is None and named.family is not None
    assert (named.family.name, named.family_accepted) == (family, accepted)


# Real US health plans and carriers the demo clinic does not list (some carry a listed name and
# may be its family, never the plan itself).
OTHER_CARRIERS = """
Humana; Molina Healthcare; Centene; Ambetter; WellCare; Oscar Health; Highmark; Premera;
Regence; CareFirst; Florida Blue; Excellus; EmblemHealth; Fidelis; Healthfirst; MetroPlus;
Amerigroup; Elevance; Magellan; Optum; UMR; GEHA; Meritain Health; Tufts; Harvard Pilgrim;
Point32Health; Priority Health; HealthPartners; Medica; Medical Mutual; Geisinger; Capital Blue;
Independence Blue Cross; Horizon BCBS; Wellmark; Premera Blue Cross; Quartz; SelectHealth;
PacificSource; Moda; Providence Health Plan; Sharp Health Plan; Western Health Advantage;
Valley Health Plan; L.A. Care; IEHP; CalOptima; Partnership HealthPlan; CenCal; CalViva;
Alameda Alliance; Anthem Medi-Cal; Health Plan of San Joaquin; Chinese Community Health Plan;
Brand New Day; Alignment Health; Clover Health; Devoted Health; Bright Health; SCAN;
Cigna HealthSpring; Aetna Better Health; Humana Gold; AARP Medicare; Mutual of Omaha;
Golden Rule; MetLife; Delta Dental; VSP; EyeMed; TriWest; CHAMPVA; Medigap; Humana Medicare;
Health Net Federal Services; HealthNow; Univera; Independent Health; MVP Health Care; CDPHP;
Blue Care Network; Health Alliance Plan; CareSource; Paramount; AmeriHealth Caritas;
Keystone First; UPMC Health Plan; Sanford Health Plan; United American; UnitedHealthOne;
Unity Health; Humana Military; Tricare West; MultiPlan; First Health; PHCS;
Aetna Signature Administrators; Trustmark; Medi-Share; Liberty HealthShare; Sutter Select;
Dignity Health; Stanford Health Care Advantage
"""


@pytest.mark.parametrize("name", [n.strip() for n in OTHER_CARRIERS.split(";")])
def test_a_real_plan_the_clinic_does_not_list_is_never_a_yes(name: str) -> None:
    for named in (
        identify(name, CLINIC),
        plan_in_message(f"do you take {name}?", [], CLINIC, about_insurance=True),
        plan_in_message(name, [], CLINIC, whole_answer=True),
    ):
        assert named is not None and named.plan is None, named


@pytest.mark.parametrize("name", ["Medica", "Zenith Mutual", "Blue Choice", "Medical Mutual"])
def test_an_unrelated_name_has_no_family(name: str) -> None:
    assert identify(name, CLINIC).family is None


@pytest.mark.parametrize(
    ("text", "entities", "said", "plan"),
    [
        ("do you accept Zenith Mutual?", [("Mutual",)], "Zenith Mutual", None),
        ("do you take United American insurance", [], "United American", None),
        ("do you take united", [], "united", "UnitedHealthcare"),
        ("is my BCBS plan in network", [], "BCBS", "Blue Cross Blue Shield"),
        ("do you take Kaiser", [("Kaiser",)], "Kaiser", "Kaiser Permanente"),
        ("aceptan medical?", [], "medical", "Medi-Cal"),
        ("is Medical accepted", [], "Medical", "Medi-Cal"),
        # laughter is no part of the name ("I can't tell ... whether that includes Aetna Haha")
        ("im dying to know if you take aetna haha", [], "aetna", "Aetna"),
    ],
)
def test_plan_in_a_question(
    text: str, entities: list[tuple[str]], said: str, plan: str | None
) -> None:
    named = plan_in_message(text, [tag(text, e[0]) for e in entities], CLINIC)
    assert named is not None
    assert named.said == said
    assert (named.plan.name if named.plan else None) == plan


def test_an_entity_without_offsets_is_found_in_the_text() -> None:
    named = plan_in_message(
        "do you take Zenith Mutual", [{"entity": "insurance", "value": "Zenith"}], CLINIC
    )
    assert named is not None and named.said == "Zenith Mutual" and named.plan is None


@pytest.mark.parametrize(
    ("answer", "said"),
    [("Oscar Health", "Oscar Health"), ("it's premera", "premera"), ("we have Devoted", "Devoted")],
)
def test_a_short_answer_to_which_plan_is_the_name(answer: str, said: str) -> None:
    named = plan_in_message(answer, [], CLINIC, whole_answer=True)
    assert named is not None and named.said == said and named.plan is None


@pytest.mark.parametrize(
    "text",
    [
        "do you take my insurance",
        "what insurance do you accept",
        "do you accept HMO insurance",
        "I don't have insurance, can I still be seen",
        "is a pap smear covered by my insurance",
        # "medical" is Medi-Cal's alias, but "medical insurance" says what kind, not which
        "do you accept medical insurance?",
        "medical coverage accepted?",
    ],
)
def test_no_plan_named(text: str) -> None:
    assert plan_in_message(text, [], CLINIC) is None
    assert plan_in_message(text, [], CLINIC, whole_answer=True) is None


@pytest.mark.parametrize(
    "text",
    ["a" * 10_000, "do you take " + "x" * 300, "do you take " + "Zed " * 40 + "?"],
    ids=["10k-letters", "one-huge-word", "forty-words"],
)
def test_a_run_of_text_that_no_plan_could_be_named_is_never_repeated(text: str) -> None:
    # The NLU can tag a whole message as the plan; nobody's plan is 10,000 letters long.
    whole = [{"entity": "insurance", "value": text, "start": 0, "end": len(text)}]
    for entities in ([], whole):
        for kwargs in ({}, {"about_insurance": True}, {"whole_answer": True}):
            named = plan_in_message(text, entities, CLINIC, **kwargs)
            assert named is None or len(named.said) <= 60, named


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Is Sentara in your network", "Sentara"),
        ("hi! would Paramount be accepted at the clinic?", "Paramount"),
        ("is Wellmark covered", "Wellmark"),
        ("is Zenith insurance accepted?", "Zenith"),  # the cue after the kind of plan
        ("r u in network w/ Sunrise Health", "Sunrise Health"),
        ("is Rady Children's accepted", "Rady Children's"),  # a possessive inside a name
    ],
)
def test_the_wording_names_a_plan_the_model_did_not_tag(text: str, said: str) -> None:
    named = plan_in_message(text, [], CLINIC, about_insurance=True)
    assert named is not None and named.said == said and named.plan is None


@pytest.mark.parametrize("text", ["is it in network", "would that be accepted"])
def test_pronouns_are_no_plan(text: str) -> None:
    assert plan_in_message(text, [], CLINIC, about_insurance=True) is None


def test_only_the_insurance_part_of_a_long_message_names_plans() -> None:
    # Was: "...whether that includes Blue Sheild because", "I don't see never on my list", "I
    # don't see J street on my list".
    text = (
        "Hi, do you guys take Blue Sheild because I just switched jobs and I have never been "
        "there. also I wanted to know where the clinic is, I think it's on J street?"
    )
    named = plans_in_message(text, [], CLINIC)
    assert [(n.said, n.plan.name if n.plan else None) for n in named] == [
        ("Blue Sheild", "Blue Cross Blue Shield")
    ]
    # Spanish around the name is not part of it.
    text = "acceptan medical? mi esposo tiene medi-cal y no habla ingles"
    named = plans_in_message(text, [], CLINIC)
    assert [n.plan.name if n.plan else n.said for n in named] == ["Medi-Cal"]


@pytest.mark.parametrize(
    ("text", "plans"),
    [
        # "…whether that includes Cigna Both"
        ("do you take aetna and cigna both", ["Aetna", "Cigna"]),
        ("i have medicare and medi-cal both, is that ok", ["Medicare", "Medi-Cal"]),
    ],
)
def test_both_is_no_part_of_a_name(text: str, plans: list[str]) -> None:
    assert [n.plan.name if n.plan else n.said for n in plans_in_message(text, [], CLINIC)] == plans


@pytest.mark.parametrize(
    ("text", "plans"),
    [
        # "I don't see ca on my list" then "Yes, we accept Blue Cross Blue Shield".
        ("i have covered ca thru blue shield, is that ok?", ["Blue Cross Blue Shield"]),
        # An office's name tagged or cued as a plan: "I don't see J street on my list".
        ("do you take Blue Shield? I take the bus to J street", ["Blue Cross Blue Shield"]),
        # a marketplace's metal tier tagged as a plan: "I don't see California Silver Plan"
        (
            "i have covered california silver plan through blue shield, am i covered",
            ["Blue Cross Blue Shield"],
        ),
    ],
)
def test_offices_and_marketplaces_are_not_plans(text: str, plans: list[str]) -> None:
    tags = [tag(text, "J street")] if "J street" in text else []
    if "silver" in text:
        tags = [tag(text, "california silver plan")]
    named = plans_in_message(text, tags, CLINIC)
    assert [n.plan.name if n.plan else n.said for n in named] == plans


def test_a_name_asked_about_in_the_next_sentence_is_still_named() -> None:
    # "aultcare??" is a sentence of its own; "do you take it" is the question about it.
    [named] = plans_in_message("aultcare?? do you take it", [], CLINIC)
    assert named.said == "aultcare" and named.plan is None


def test_a_clinician_is_no_plan() -> None:
    # "I don't see Dr Patel on my list" answered "is dr patel in network with cigna".
    clinic = get_clinic()
    tags = [{"entity": "insurance", "value": "dr patel"}, {"entity": "insurance", "value": "cigna"}]
    [cigna] = plans_in_message("is dr patel in network with cigna", tags, clinic)
    assert cigna.plan is not None and cigna.plan.name == "Cigna"
    lee = [{"entity": "insurance", "value": "Sam Lee"}]
    assert plan_in_message("does Sam Lee take my plan", lee, clinic) is None


@pytest.mark.parametrize(
    ("text", "plans"),
    [
        # "I don't see Physical on my list", beside the answer about Aetna
        ("is a physical covered by aetna", ["Aetna"]),
        ("i have blue cross, is my physical covered", ["Blue Cross Blue Shield"]),
        ("is a flu shot covered by kaiser", ["Kaiser Permanente"]),
    ],
)
def test_a_kind_of_visit_is_no_plan(text: str, plans: list[str]) -> None:
    named = plans_in_message(text, [], CLINIC)
    assert [n.plan.name for n in named if n.plan] == plans and len(named) == len(plans)
