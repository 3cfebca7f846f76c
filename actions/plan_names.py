"""The health plan a patient named, in their own words, and whether it is one the clinic knows.

The NLU model tags plan names (``insurance`` entity), but an unfamiliar name is often tagged only
in part ("Zenith [Mutual]") and a known alias can sit inside a longer, different name ("United
American" is not UnitedHealthcare). So the whole name is read around the tag or the alias, and a
plan counts as named only when every distinctive word of that name belongs to it: an unknown
plan must never get a false "yes".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from actions.clinic_config import ClinicConfig, InsurancePlan
from actions.matching import normalise
from addons.safety_rules import typo_distance

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&'’-]*")

# Typos of "accept" ("accpet bluecross?", "do you except aetna"): no part of a plan's name,
# and a cue that one follows.
ACCEPT_TYPOS = frozenset("accpet accpets acept acepts accpt except excepts".split())

# Words that are never part of a plan's name: where a name around a tag or alias stops.
BOUNDARY_WORDS = ACCEPT_TYPOS | frozenset(
    """
    i im me my mine we re our ours you your u ya yall y all guys he she his her him they them their
    s t d ll ve m don doesn didn isn aren wasn won cannot cant dont doesnt isnt
    it its this that these those there here a an the and or but so if as also too just still
    do does did is are was were be been being am will would can could should shall may might
    take takes taking took taken accept accepts accepted accepting cover covers covered covering
    have has had got get gets use uses using on in with for by through thru at to from into
    about under via per network networks contracted participate participating
    ok okay fine good alright work works working
    what which whether who how when where why any some all other another same new old current
    hi hello hey please pls plz thanks thank question asking ask wondering wonder know
    clinic clinics office offices practice doctor doctors visit visits appointment
    insurance insurances insurer provider carrier coverage card cards
    copay copays copayment deductible deductibles coinsurance pocket max maximum
    yes no not nope yeah yep sure
    now currently right today switched changed change job employer
    mom mother dad father husband wife son daughter kid kids child children baby partner
    grandma grandpa grandmother grandfather parents brother sister aunt uncle
    member members patient patients subscriber holder
    bill bills billed billing charge charged pay paid says said say one ones called named
    questions problem problems seen see checkup appt book make
    file record records account list self cash aceptan acepta aceptar tengo tienen seguro
    because cause cuz since while until never ever been always already really only actually
    think thought guess wanted want wants need needs like would love hoping hope switched
    acceptan aceptar mi mis su esposo esposa hijo hija tiene y o no habla hablo ingles espanol
    ella ellos ustedes usted que si por favor hola buenas buenos buen tardes dias noches gracias
    morning afternoon evening then instead either regular plain normal just both each
    haha hahaha ha hehe lol lmao rofl jk btw tbh idk smh omg xd thx ty
    """.split()
)

# Words a plan's name can carry without changing which plan it is ("Aetna PPO", "Medicare
# Part B"): they neither make nor break a match. Everything else is distinctive.
GENERIC_WORDS = frozenset(
    """
    ppo hmo epo pos hsa hdhp plan plans insurance health healthcare medical coverage card
    supplement supplemental part a b c d of the gold silver bronze platinum basic
    individual family group employer marketplace exchange obamacare aca
    """.split()
)

# Words of plan names that patients often misspell ("helth net", "united helthcare"): a slip of
# one is read as the word. Only these: a slip of "medical" may be the plan Medica.
OFTEN_MISSPELT = ("health", "healthcare", "insurance")

# Words after a plan's kind that make it a description ("medical insurance").
DESCRIBED = frozenset("insurance insurances coverage plan plans card benefits".split())

MAX_NAME_TOKENS = 6
# The longest real plan names ("Blue Cross Blue Shield Federal Employee Program") stay well
# inside these; a run of 10,000 letters is not a plan, and is never repeated back.
MAX_NAME_CHARS = 60
MAX_WORD_CHARS = 24


@dataclass(frozen=True)
class PlanNamed:
    """What the patient called their plan, and the clinic's plan it is (if it is one)."""

    said: str
    plan: InsurancePlan | None = None
    accepted: bool = False
    # Not one of the clinic's plans, but it carries one's name ("Cigna Open Access Plus",
    # "Humana Medicare Advantage"): maybe a plan of that company, maybe not. Never a yes.
    family: InsurancePlan | None = None
    family_accepted: bool = False


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def plain_words(name: str) -> bool:
    """Whether ``name`` is made only of words any plan may carry ("medical", "PPO plan")."""
    return all(w in GENERIC_WORDS for w in normalise(name).split())


POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _is_boundary(token: str) -> bool:
    if POSSESSIVE.search(token):  # "my daughter's Medi-Cal": a person's
        return True
    words = normalise(token).split()
    return not words or all(w in BOUNDARY_WORDS or _misspelt_insurance(w) for w in words)


def _ends_name(text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Whether ``tokens[i]`` is no word of a plan's name. A possessive after a name word is
    one ("Cook Children's Health Plan"); after "my" or a relative it is a person's."""
    token = tokens[i][2]
    if (
        POSSESSIVE.search(token)
        and i > 0
        and not text[tokens[i - 1][1] : tokens[i][0]].strip()
        and not _is_boundary(tokens[i - 1][2])
    ):
        return False
    return _is_boundary(token)


def _misspelt_insurance(word: str) -> bool:
    return len(word) >= 7 and difflib.SequenceMatcher(None, word, "insurance").ratio() >= 0.8


def _has_case(text: str) -> bool:
    """Whether capitals tell names apart here (not an all-lower or all-caps message)."""
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def _name_between(text: str, tokens: list[tuple[int, int, str]], first: int, last: int) -> str:
    """Grow ``tokens[first..last]`` over neighbouring name words (not across punctuation; where
    the patient uses capitals, only over capitalised words: "do you bill Blue Shield")."""
    cased = _has_case(text)

    def joined(left: int, right: int) -> bool:
        return text[tokens[left][1] : tokens[right][0]].strip() == ""

    def name_word(i: int) -> bool:
        word = tokens[i][2]
        before_capital = i + 1 < len(tokens) and tokens[i + 1][2][:1].isupper()
        if cased and word == "For" and before_capital:
            return True  # "TRICARE For Life": a capitalised "For" inside a name
        if _ends_name(text, tokens, i):
            return False
        if not cased or any(c.isupper() for c in word):
            return True
        # "Blue Cross of Idaho": a lower-case "of" between capitalised words
        return normalise(word) == "of" and before_capital

    while first <= last and _is_boundary(tokens[first][2]):
        first += 1
    while last >= first and _ends_name(text, tokens, last):
        last -= 1
    if first > last:
        return ""
    while (
        first > 0
        and last - first + 1 < MAX_NAME_TOKENS
        and joined(first - 1, first)
        and name_word(first - 1)
    ):
        first -= 1
    while (
        last < len(tokens) - 1
        and last - first + 1 < MAX_NAME_TOKENS
        and joined(last, last + 1)
        and name_word(last + 1)
    ):
        last += 1
    # "of" joins words inside a name ("Blue Cross of Idaho"), never ends one.
    while last > first and normalise(tokens[last][2]) == "of":
        last -= 1
    if _a_kind_of_plan(tokens, first, last):
        return ""
    return text[tokens[first][0] : tokens[last][1]].rstrip(".-'’")


def _a_kind_of_plan(tokens: list[tuple[int, int, str]], first: int, last: int) -> bool:
    """``tokens[first..last]`` says what kind of plan, not which: "medical insurance", "PPO
    coverage"."""
    following = normalise(tokens[last + 1][2]) if last + 1 < len(tokens) else ""
    return following in DESCRIBED and all(
        w in GENERIC_WORDS for i in range(first, last + 1) for w in normalise(tokens[i][2]).split()
    )


def name_around(text: str, start: int, end: int) -> str:
    """The whole plan name that the characters ``text[start:end]`` are part of ("" if none)."""
    return _name_around(text, _tokens(text), start, end)


def _name_around(text: str, tokens: list[tuple[int, int, str]], start: int, end: int) -> str:
    inside = [i for i, (s, e, _) in enumerate(tokens) if s < end and e > start]
    return _name_between(text, tokens, inside[0], inside[-1]) if inside else ""


def _aliases(plan: InsurancePlan) -> list[list[str]]:
    return [normalise(alias).split() for alias in [plan.name, *plan.aliases]]


def _typo_of(word: str, known: str) -> bool:
    """The same word, or one slip away from it ("aetan", "cigma"; two in a long word); not a
    different word that looks alike ("Medica" is not Medicaid, "HealthNow" is not Health Net,
    "UnitedHealthOne" is not UnitedHealthcare, and "medical" is a word of its own)."""
    if word == known:
        return True
    if len(word) == 3 and len(known) == 4 and known.startswith(word):
        return True  # "blu cross"
    limit = 2 if len(known) >= 12 else 1
    return (
        len(word) >= 4
        and len(known) >= 4
        and word not in GENERIC_WORDS
        and known not in GENERIC_WORDS
        and typo_distance(word, known, limit) <= limit
    )


def _contains_alias(words: list[str], alias: list[str]) -> bool:
    """``alias`` word for word (typos allowed), or run together or apart ("bluecross",
    "united healthcare")."""
    size = len(alias)
    if any(
        all(_typo_of(w, a) for w, a in zip(words[i : i + size], alias, strict=True))
        for i in range(len(words) - size + 1)
    ):
        return True
    joined = "".join(alias)
    return any(
        "".join(words[i:j]) == joined
        and not (j == i + 1 and words[i] in GENERIC_WORDS)  # "medical" is not "medi cal"
        for i in range(len(words))
        for j in range(i + 1, min(len(words), i + 4) + 1)
    )


def _plans(clinic: ClinicConfig) -> list[tuple[InsurancePlan, bool]]:
    return [(p, True) for p in clinic.insurance.accepted] + [
        (p, False) for p in clinic.insurance.not_accepted
    ]


def _own_words(words: list[str], aliases: list[list[str]]) -> set[int]:
    """Positions of ``words`` that belong to one of the plan's names: a word of an alias (or
    a slip of one), or part of an alias written apart ("medi care", "cig na")."""
    known = {w for alias in aliases for w in alias} | {"".join(a) for a in aliases}
    own = {i for i, w in enumerate(words) if any(_typo_of(w, k) for k in known)}
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + 4) + 1):
            if "".join(words[i:j]) in known:
                own.update(range(i, j))
    return own


def _respelled(word: str) -> str:
    """``word``, or the often misspelt word it is a slip of ("helth": "health")."""
    if len(word) < 5 or word in GENERIC_WORDS:
        return word
    return next((w for w in OFTEN_MISSPELT if typo_distance(word, w, 1) <= 1), word)


def identify(name: str, clinic: ClinicConfig) -> PlanNamed:
    """The clinic's plan called ``name``, only if every distinctive word of ``name`` is its own;
    else the plan whose name it carries (``family``), if any."""
    words = [_respelled(w) for w in normalise(name).split()]
    distinctive = {i for i, w in enumerate(words) if w not in GENERIC_WORDS}
    if not distinctive:
        # Only a clinic's alias made of such words, word for word ("medical": Medi-Cal).
        for plan, accepted in _plans(clinic):
            if words in _aliases(plan):
                return PlanNamed(name, plan, accepted)
        return PlanNamed(name)
    best: tuple[int, InsurancePlan, bool] | None = None
    family: tuple[int, InsurancePlan, bool] | None = None
    for plan, accepted in _plans(clinic):
        aliases = _aliases(plan)
        if not any(_contains_alias(words, a) for a in aliases):
            continue
        covered = len(_own_words(words, aliases) & distinctive)
        if covered == len(distinctive):  # no word that belongs to none of its names
            if best is None or covered > best[0]:
                best = (covered, plan, accepted)
        elif covered and (family is None or covered > family[0]):
            family = (covered, plan, accepted)
    if best is not None:
        return PlanNamed(name, best[1], best[2])
    if family is not None:
        return PlanNamed(name, family=family[1], family_accepted=family[2])
    return PlanNamed(name)


def _alias_spans(text: str, clinic: ClinicConfig) -> list[tuple[int, int]]:
    """Token ranges of ``text`` where a known plan alias is written (longest first)."""
    tokens = _tokens(text)
    flat: list[tuple[str, int]] = [
        (word, i) for i, (_, _, tok) in enumerate(tokens) for word in normalise(tok).split()
    ]
    words = [w for w, _ in flat]
    spans: list[tuple[int, int, int]] = []
    for plan, _ in _plans(clinic):
        for alias in [plan.name, *plan.aliases]:
            target = normalise(alias).split()
            size = len(target)
            for i in range(len(words) - size + 1):
                window = words[i : i + size]
                exact = window == target
                near = (
                    len(" ".join(target)) >= 4
                    and difflib.SequenceMatcher(None, " ".join(window), " ".join(target)).ratio()
                    >= 0.9
                )
                if exact or near:
                    spans.append((size, flat[i][1], flat[i + size - 1][1]))
    return [(first, last) for _, first, last in sorted(spans, reverse=True)]


# In a question about insurance, the words right after these name the plan ("do you take
# sunflower", "I'm on Quartz", "my card says Sierra Health")...
CUES_BEFORE = ACCEPT_TYPOS | frozenset(
    "accept accepts accepting take takes taking use using on have got says".split()
)
# ...and so do the words right before these ("is sendero accepted", "Prominence taken?", "would
# Paramount be accepted").
CUES_AFTER = frozenset("accepted taken covered ok okay".split())


# A sentence about insurance, in a message of several: only there do cue words name a plan.
ABOUT_INSURANCE = re.compile(
    r"\b(insurance|insurer|plan|plans|coverage|covered|cover|network|card|take|takes|accept|"
    # (and its typos: "accpet bluecross?", "do you except aetna")
    r"accepts|accepted|accpet|acept|accpt|except|seguro|aceptan|acepta)\b",
    re.IGNORECASE,
)


def _cued_names(text: str, tokens: list[tuple[int, int, str]]) -> list[str]:
    """Plan names a question about insurance gives by its wording, when the NLU tagged none."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if _is_boundary(tokens[i][2]):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and not _ends_name(text, tokens, j + 1):
            if text[tokens[j][1] : tokens[j + 1][0]].strip():
                break
            j += 1
        runs.append((i, j))
        i = j + 1
    sentences = [m.span() for m in re.finditer(r"[^.?!;\n]+", text)]
    names = []
    for first, last in runs:
        # The sentence of the name and the next one ("aultcare?? do you take it").
        at = next((i for i, (a, b) in enumerate(sentences) if a <= tokens[first][0] < b), None)
        context = " ".join(text[a:b] for a, b in sentences[at : at + 2]) if at is not None else text
        if len(sentences) > 1 and not ABOUT_INSURANCE.search(context):
            continue  # "... also where is the clinic? I think it's on J street"
        before = normalise(tokens[first - 1][2]) if first > 0 else ""
        after = normalise(tokens[last + 1][2]) if last + 1 < len(tokens) else ""
        gap_after = (
            text[tokens[last][1] : tokens[last + 1][0]] if after else text[tokens[last][1] :]
        )
        opens_question = first == 0 and any(c in gap_after for c in "?,-—:")
        # "Sentara in network", "Sentara in your network"; "would Paramount be accepted"
        following = [normalise(t[2]) for t in tokens[last + 1 : last + 4]]
        # "trilogy insurance accepted?", "X health plan ok": the cue after the kind of plan
        described = next((w for w in following if w not in DESCRIBED | GENERIC_WORDS), "")
        # "in network with Mountain Health", "r u in network w/ ..."
        network_with = (
            before in ("with", "w")
            and first > 1
            and normalise(tokens[first - 2][2]).startswith("network")
        )
        in_network = after == "in" and any(w.startswith("network") for w in following[1:])
        be_cued = (
            after in ("be", "is", "get", "gets")
            and len(following) > 1
            and following[1] in CUES_AFTER
        )
        cued = (
            before in CUES_BEFORE
            or after in CUES_AFTER
            or (after in DESCRIBED and described in CUES_AFTER)
            or network_with
            or in_network
            or be_cued
            or opens_question
        )
        if cued and last - first < MAX_NAME_TOKENS and not _a_kind_of_plan(tokens, first, last):
            names.append(text[tokens[first][0] : tokens[last][1]].rstrip(".-'’"))
    return names


def _tagged_names(
    text: str, tokens: list[tuple[int, int, str]], entities: list[dict[str, Any]]
) -> list[str]:
    """The whole names around the NLU's ``insurance`` tags (found in the text by value when a
    tag has no offsets)."""
    names: list[str] = []
    for entity in entities:
        value = str(entity.get("value") or "").strip()
        if entity.get("entity") != "insurance" or not value:
            continue
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            found = text.lower().find(value.lower())
            start, end = (found, found + len(value)) if found >= 0 else (None, None)
        names.append(_name_around(text, tokens, start, end) if start is not None else value)
    return names


def plans_in_message(
    text: str, entities: list[dict[str, Any]], clinic: ClinicConfig
) -> list[PlanNamed]:
    """Every plan a question about insurance names ("do you take Oscar or Anthem?"), in the
    order written: the NLU's tags, known aliases and cue words together, one answer per plan.
    Names inside a longer one ("Blue Cross" in "Anthem Blue Cross") are not counted twice."""
    tokens = _tokens(text)
    names = _tagged_names(text, tokens, entities)
    spans = _alias_spans(text, clinic)
    names += [_name_between(text, tokens, first, last) for first, last in spans]
    names += _cued_names(text, tokens)
    names = [n for n in dict.fromkeys(names) if n and _plausible_name(n) and _maybe_plan(n, clinic)]
    names = [n for n in names if not any(n != other and n in other for other in names)]
    named: dict[str, PlanNamed] = {}
    for name in sorted(names, key=text.find):
        plan = identify(name, clinic)
        known = plan.plan or plan.family
        if _names_a_plan(plan):
            named.setdefault(known.name if known else plan.said.casefold(), plan)
    return list(named.values())


def _names_a_plan(named: PlanNamed) -> bool:
    """A clinic's plan, or a name with a word of its own (not just "HMO insurance")."""
    return named.plan is not None or any(
        w not in GENERIC_WORDS for w in normalise(named.said).split()
    )


def _maybe_plan(name: str, clinic: ClinicConfig) -> bool:
    """Not one of the clinic's offices ("J street"), visits, clinicians ("is dr patel in
    network with cigna": Cigna is the plan) nor part of a marketplace's name ("ca" in "covered
    ca thru blue shield"): those are answered elsewhere."""
    words = normalise(name).split()
    offices = [
        normalise(n).split() for loc in clinic.locations for n in [loc.name, loc.id, *loc.aliases]
    ]
    clinicians = [set(normalise(p.name).split()) | CLINICIAN_TITLES for p in clinic.practitioners]
    marketplaces = [set(normalise(m).split()) for m in clinic.insurance.marketplaces]
    # nor a kind of visit: "is a physical covered by aetna" got "I don't see Physical on my list"
    visits = [
        set(normalise(n).split())
        for v in clinic.visit_types
        for n in [v.name, v.id.replace("_", " "), *v.aliases]
    ]
    core = set(words) - ARTICLES
    # ("california silver plan" of "covered california silver plan thru blue shield" got "I
    # don't see California Silver Plan on my list", then a yes for Blue Shield)
    own = core - GENERIC_WORDS
    return (
        words not in offices
        and not any(set(words) <= m or (own and own <= m) for m in marketplaces)
        and not any(set(words) - CLINICIAN_TITLES and set(words) <= c for c in clinicians)
        and not (core and any(core <= v for v in visits))
    )


ARTICLES = {"a", "an", "the", "my", "his", "her", "our", "their"}


CLINICIAN_TITLES = {"dr", "doctor", "np", "md", "nurse", "practitioner"}


def _plausible_name(name: str) -> bool:
    return len(name) <= MAX_NAME_CHARS and all(len(w) <= MAX_WORD_CHARS for w in name.split())


def plan_in_message(
    text: str,
    entities: list[dict[str, Any]],
    clinic: ClinicConfig,
    whole_answer: bool = False,
    about_insurance: bool = False,
) -> PlanNamed | None:
    """The plan named in a message: around the NLU's ``insurance`` tags, else around a known
    alias, else by the wording of a question ``about_insurance`` ("do you take <name>"), else
    (``whole_answer``: the message answers "which plan?") the message's own words. None when no
    plan is named."""
    tokens = _tokens(text)
    names = _tagged_names(text, tokens, entities)
    if not names:
        names = [
            _name_between(text, tokens, first, last) for first, last in _alias_spans(text, clinic)
        ]
    if not names and about_insurance:
        names = _cued_names(text, tokens)
    if not names and whole_answer and 0 < len(tokens) <= MAX_NAME_TOKENS:
        names = [_name_between(text, tokens, 0, len(tokens) - 1)]
    named = [
        identify(n, clinic) for n in names if n and _plausible_name(n) and _maybe_plan(n, clinic)
    ]
    named = [n for n in named if _names_a_plan(n)]
    if not named:
        return None
    return next(
        (n for n in named if n.plan is not None),
        next((n for n in named if n.family is not None), named[0]),
    )
