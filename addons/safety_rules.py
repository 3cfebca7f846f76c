"""Deterministic safety matcher: emergencies (911) and crises (988) in patient messages.

Pure Python with no Rasa import, so the NLU component, the action server and the tests share
one implementation. The clinical content (phrases, exclusions, spelling fixes) lives in a YAML
file that clinical staff review and extend (``safety/triage.yml``); this module only knows
how to read it. See docs/safety.md.

Category policy: ``emergency`` when a life may be in danger right now (including a suicide
attempt or overdose that has already happened: those hits carry ``crisis_related=True`` so the
reply can add 988); ``crisis`` for suicidal thoughts, plans, self-harm, abuse and violence without
an ongoing medical emergency. When both categories match, emergency wins.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# The entity a message that fired a rule carries, naming it (addons/safety_triage.py), for
# replies that differ by rule (``utter_crisis``, addons/waiting_reply.py).
SAFETY_RULE_ENTITY = "safety_rule"

EMERGENCY = "emergency"
CRISIS = "crisis"
CATEGORIES = (EMERGENCY, CRISIS)
DEFAULT_RULES_FILE = "safety/triage.yml"

# "..." in a phrase: up to this many other words in between.
GAP_WORDS = 4
DEFAULT_WITHIN = 6

_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PHRASE_TOKEN = re.compile(r"\(|\)|\||\.\.\.|[^\s()|]+")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032]")
_NON_WORD = re.compile(r"[\W_]+")
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
# Punctuation that ends a clause ("my chest hurts, i had a heart attack last year"): a full stop,
# comma and the like followed by a space or the end, a line break, or a dash between spaces.
# Marked with a placeholder word that never reaches the matched text.
_CLAUSE_END = re.compile(r"[.!?;:,]+(?=\s|$)|[\n\r]+|\s[-\u2013\u2014]+\s")
_CLAUSE_MARK = "zzclausezz"
# A clause end that also ends a sentence (a full stop, "?" or "!", a line break).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|[\n\r]+")
_SENTENCE_MARK = "zzsentencezz"

_PLACEHOLDERS = {"<number>": r"\d+ ", "<year>": r"(?:19|20)\d\d "}

Span = tuple[int, int]  # first and last token index, inclusive


class RulesFileError(ValueError):
    """The rules file is missing or malformed; raised at load time so the server fails fast."""


@dataclass(frozen=True)
class SafetyHit:
    """Why a message was flagged: category ("emergency" | "crisis") and the rule that fired."""

    category: str
    rule_id: str
    description: str
    matched: str
    crisis_related: bool = False
    # The other rules that fired on the message: a reply line made for one of them is said
    # too ("took 30 tylenol on purpose": an attempt, and Poison Control for the overdose).
    also: tuple[str, ...] = ()

    def as_output(self) -> dict[str, Any]:
        """The small dict exposed to dialogue code (no message text: it may hold PHI)."""
        output: dict[str, Any] = {
            "category": self.category,
            "rule_id": self.rule_id,
            "crisis_related": self.crisis_related,
        }
        if self.also:
            output["also"] = list(self.also)
        return output


@dataclass(frozen=True)
class Normalised:
    """Canonical form of a message: ' w1 w2 ... ' plus the character offset of each word and
    the clause each word is in (clauses end at a full stop, comma, line break, ...)."""

    text: str
    starts: tuple[int, ...]
    clauses: tuple[int, ...] = ()
    sentences: tuple[int, ...] = ()

    @classmethod
    def from_tokens(
        cls,
        tokens: list[str],
        clauses: list[int] | None = None,
        sentences: list[int] | None = None,
    ) -> Normalised:
        starts, pos = [], 1
        for token in tokens:
            starts.append(pos)
            pos += len(token) + 1
        clause_ids = tuple(clauses) if clauses is not None else (0,) * len(tokens)
        sentence_ids = tuple(sentences) if sentences is not None else (0,) * len(tokens)
        return cls(" " + " ".join(tokens) + " ", tuple(starts), clause_ids, sentence_ids)

    def same_clause(self, a: Span, b: Span) -> bool:
        """Whether two spans share a clause (always true when clauses were not marked)."""
        if not self.clauses:
            return True
        return self.clauses[a[0]] <= self.clauses[b[1]] and self.clauses[b[0]] <= self.clauses[a[1]]

    def same_sentence(self, a: Span, b: Span) -> bool:
        """Whether two spans share a sentence (always true when sentences were not marked)."""
        if not self.sentences:
            return True
        return (
            self.sentences[a[0]] <= self.sentences[b[1]]
            and self.sentences[b[0]] <= self.sentences[a[1]]
        )

    def span_of(self, start: int, end: int) -> Span:
        """Token span covered by the characters [start, end) of `text`."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.starts, end - 1) - 1
        return first, max(first, last)

    def words(self, span: Span) -> str:
        return " ".join(self.text.split()[span[0] : span[1] + 1])


def fold(text: str) -> str:
    """Lower-case, strip accents and compatibility forms, unify apostrophes."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("'", text.casefold())


def typo_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (typing slips: letters left out, added, changed or
    swapped), or limit + 1 when above limit. Also used by the action server (plan names)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class Normaliser:
    """Turns raw text into canonical words: folding, rewrites, word map, typo correction."""

    def __init__(
        self,
        rewrites: list[tuple[re.Pattern[str], str]],
        words: dict[str, list[str]],
        fuzzy_targets: list[str],
        protected: set[str],
    ) -> None:
        self._rewrites = rewrites
        self._words = words
        self._targets = fuzzy_targets
        self._protected = protected | set(fuzzy_targets)
        self._fix_typo = lru_cache(maxsize=4096)(self._fix_typo_uncached)

    def protect(self, words: Iterable[str]) -> None:
        """Words used literally in rules are never 'corrected' into something else."""
        self._protected.update(words)

    def clean(self, text: str, mark_clauses: bool = False) -> str:
        """Folded text with rewrites applied, apostrophes dropped, punctuation/emoji as spaces
        (with `mark_clauses`, the end of each clause as the placeholder word _CLAUSE_MARK)."""
        text = fold(text)
        for pattern, replacement in self._rewrites:
            text = pattern.sub(replacement, text)
        if mark_clauses:
            text = _SENTENCE_END.sub(f" {_SENTENCE_MARK} ", text)
            text = _CLAUSE_END.sub(f" {_CLAUSE_MARK} ", text)
        text = text.replace("'", "")
        return _NON_WORD.sub(" ", text)

    def map_words(self, tokens: Iterable[str], fuzzy: bool) -> list[str]:
        out: list[str] = []
        for token in tokens:
            mapped = self._words.get(token)
            if mapped is None and fuzzy:
                mapped = [self._fix_typo(token)]
            out.extend(mapped if mapped is not None else [token])
        return out

    def phrase_words(self, word: str) -> list[str]:
        """How a literal word written in the rules file looks after normalisation."""
        return self.map_words(self.clean(word).split(), fuzzy=False)

    def variants(self, text: str) -> list[Normalised]:
        """One or two canonical forms ('hellllp' is tried as both 'help' and 'hellp')."""
        cleaned = self.clean(text, mark_clauses=True)
        forms = [_LETTER_RUN.sub(r"\1\1", cleaned)]
        single = _LETTER_RUN.sub(r"\1", cleaned)
        if single != forms[0]:
            forms.append(single)
        return [self._with_clauses(form.split()) for form in forms]

    def _with_clauses(self, tokens: list[str]) -> Normalised:
        words: list[str] = []
        clauses: list[int] = []
        sentences: list[int] = []
        clause = sentence = 0
        for token in tokens:
            if token in (_CLAUSE_MARK, _SENTENCE_MARK):
                clause += 1
                sentence += token == _SENTENCE_MARK
                continue
            mapped = self.map_words([token], fuzzy=True)
            words.extend(mapped)
            clauses.extend([clause] * len(mapped))
            sentences.extend([sentence] * len(mapped))
        return Normalised.from_tokens(words, clauses, sentences)

    def _fix_typo_uncached(self, token: str) -> str:
        if len(token) < 5 or token in self._protected or not token.isalpha():
            return token
        best, best_distance = token, 99
        for target in self._targets:
            if target[0] != token[0]:
                continue
            limit = 2 if len(target) >= 11 else 1
            distance = typo_distance(token, target, limit)
            if distance <= limit and distance < best_distance:
                best, best_distance = target, distance
        return best


class _PhraseCompiler:
    """Compiles the readable phrase syntax of the rules file into a regular expression.

    words match whole words; ``word*`` any ending; ``*`` any one word; ``(a|b c|)``
    alternatives (an empty one makes the group optional); ``...`` up to GAP_WORDS words;
    ``<number>`` any number; ``<year>`` 1900-2099.
    """

    def __init__(self, phrase: str, normaliser: Normaliser) -> None:
        self._phrase = phrase
        self._tokens = _PHRASE_TOKEN.findall(phrase)
        self._pos = 0
        self._normaliser = normaliser
        self.literals: set[str] = set()

    def compile(self) -> re.Pattern[str]:
        body = self._sequence()
        if self._pos != len(self._tokens):
            raise ValueError(f"unbalanced ')' or '|' in phrase {self._phrase!r}")
        if not body or re.fullmatch(body, ""):
            raise ValueError(f"phrase {self._phrase!r} can match nothing at all")
        return re.compile(f"(?<= )(?=({body}))")

    def _peek(self) -> str | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _sequence(self) -> str:
        parts = []
        while self._peek() not in (None, ")", "|"):
            parts.append(self._item())
        return "".join(parts)

    def _item(self) -> str:
        part = self._tokens[self._pos]
        self._pos += 1
        if part == "(":
            alternatives = [self._sequence()]
            while self._peek() == "|":
                self._pos += 1
                alternatives.append(self._sequence())
            if self._peek() != ")":
                raise ValueError(f"missing ')' in phrase {self._phrase!r}")
            self._pos += 1
            return "(?:" + "|".join(alternatives) + ")"
        if part == "...":
            return rf"(?:\S+ ){{0,{GAP_WORDS}}}"
        if part == "*":
            return r"\S+ "
        if part in _PLACEHOLDERS:
            return _PLACEHOLDERS[part]
        return self._word(part)

    def _word(self, token: str) -> str:
        prefix = token.endswith("*")
        base = token.rstrip("*")
        if "*" in base:
            raise ValueError(f"'*' may only end a word, in phrase {self._phrase!r}")
        # A word map entry must not rewrite a prefix ("suicid*" is not "suicide*").
        words = (
            self._normaliser.clean(base).split() if prefix else self._normaliser.phrase_words(base)
        )
        if not words:
            raise ValueError(f"word {token!r} in phrase {self._phrase!r} has no letters")
        self.literals.update(words)
        parts = [re.escape(w) + " " for w in words]
        if prefix:
            parts[-1] = re.escape(words[-1]) + r"\S* "
        return "".join(parts)


@dataclass
class PhraseSet:
    """A list of phrases; finds every place in a text where one of them matches."""

    phrases: list[str]
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def spans(self, norm: Normalised) -> list[Span]:
        found: list[Span] = []
        for pattern in self.patterns:
            for match in pattern.finditer(norm.text):
                found.append(norm.span_of(match.start(1), match.end(1)))
        return found


def _gap(a: Span, b: Span) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] <= o[1] and o[0] <= span[1] for o in others)


@dataclass
class Together:
    """All parts within `within` words of the first part, in any order."""

    parts: list[PhraseSet]
    within: int

    def spans(self, norm: Normalised, excluded: list[Span]) -> list[Span]:
        found = [[s for s in part.spans(norm) if not _overlaps(s, excluded)] for part in self.parts]
        if not all(found):
            return []
        result = []
        for anchor in found[0]:
            chosen = [anchor]
            for options in found[1:]:
                nearest = min(options, key=lambda s, a=anchor: _gap(a, s))
                if _gap(anchor, nearest) > self.within:
                    break
                chosen.append(nearest)
            else:
                result.append((min(s[0] for s in chosen), max(s[1] for s in chosen)))
        return result


@dataclass
class Rule:
    """One reviewed topic: what fires it, and which look-alike contexts do not."""

    rule_id: str
    category: str
    description: str
    phrases: PhraseSet
    together: list[Together]
    exclusions: PhraseSet
    skip_if_past: bool
    crisis_related: bool

    def find(self, norm: Normalised, context: _Context) -> Span | None:
        excluded = context.global_exclusions + self.exclusions.spans(norm)
        candidates = [s for s in self.phrases.spans(norm) if not _overlaps(s, excluded)]
        for together in self.together:
            candidates.extend(together.spans(norm, excluded))
        for span in sorted(candidates):
            if not (self.skip_if_past and context.is_past(span, norm)):
                return span
        return None


@dataclass
class _Context:
    """Per-message facts shared by all rules (computed once)."""

    global_exclusions: list[Span]
    past: list[Span]
    present: list[Span]
    window: int
    past_tense: list[Span] = field(default_factory=list)

    def is_past(self, span: Span, norm: Normalised | None = None) -> bool:
        """A past-time marker near the hit, and no present-time marker near it ("i had a
        seizure last year, it is happening again"). A past-time marker in a later clause, or in
        an earlier sentence, counts only when the hit's own clause is in the past tense ("i had
        a stroke, 2 years ago"), so it cannot hide a symptom said before it ("my chest feels
        heavy, i had a heart attack last year") or in a sentence after it ("Last year I had a
        heart attack. My chest hurts."); earlier in the same sentence it does ("history of
        diabetes, heart attack, high cholesterol")."""

        def near(spans: list[Span]) -> bool:
            return any(_gap(span, s) <= self.window for s in spans)

        def counts(marker: Span) -> bool:
            if norm is None or norm.same_clause(span, marker):
                return True
            if marker[0] < span[0] and norm.same_sentence(span, marker):
                return True  # "history of diabetes, heart attack, ...": a list in one sentence
            return any(norm.same_clause(span, verb) for verb in self.past_tense)

        return near([s for s in self.past if counts(s)]) and not near(self.present)


class SafetyRules:
    """The loaded rules file. ``check(text)`` is the whole public matching API."""

    def __init__(
        self,
        normaliser: Normaliser,
        rules: list[Rule],
        global_exclusions: PhraseSet,
        past: PhraseSet,
        present: PhraseSet,
        window: int,
        source: str = "<rules>",
        look_alikes: PhraseSet | None = None,
        past_tense: PhraseSet | None = None,
    ) -> None:
        self.normaliser = normaliser
        self._past_tense = past_tense
        self._look_alikes = look_alikes
        self.rules = rules
        self._global_exclusions = global_exclusions
        self._past = past
        self._present = present
        self._window = window
        self.source = source

    def normalise(self, text: str) -> list[str]:
        """Canonical form(s) of a text, for tests and for staff checking a phrase."""
        return [v.text.strip() for v in self.normaliser.variants(text)]

    def matches(self, text: str | None) -> list[SafetyHit]:
        """Every rule that fires on the text (first span each), in file order."""
        if not isinstance(text, str) or not text.strip():
            return []
        hits: dict[str, SafetyHit] = {}
        for norm in self.normaliser.variants(text):
            context = _Context(
                self._global_exclusions.spans(norm),
                self._past.spans(norm),
                self._present.spans(norm),
                self._window,
                self._past_tense.spans(norm) if self._past_tense is not None else [],
            )
            for rule in self.rules:
                if rule.rule_id in hits:
                    continue
                span = rule.find(norm, context)
                if span is not None:
                    hits[rule.rule_id] = SafetyHit(
                        rule.category,
                        rule.rule_id,
                        rule.description,
                        norm.words(span),
                        rule.crisis_related,
                    )
        order = {rule.rule_id: i for i, rule in enumerate(self.rules)}
        return sorted(hits.values(), key=lambda h: order[h.rule_id])

    def classifier_look_alike(self, text: str | None) -> bool:
        """Whether the text is routine wording that the intent classifier (the second net)
        tends to take for an emergency or crisis: "update my emergency contact". Only asked
        when no rule fired."""
        if self._look_alikes is None or not isinstance(text, str) or not text.strip():
            return False
        return any(self._look_alikes.spans(norm) for norm in self.normaliser.variants(text))

    def check(self, text: str | None) -> SafetyHit | None:
        """The decision on a text (see ``decide``)."""
        return self.decide(self.matches(text))

    @staticmethod
    def decide(hits: list[SafetyHit], prefer: tuple[str, ...] = ()) -> SafetyHit | None:
        """The decision on the rules that fired (``matches``): an emergency hit (crisis-related
        if any crisis rule also fired), else a crisis hit (one in ``prefer`` first), else None.
        The other rules that fired are named in its ``also``."""
        emergency = next((h for h in hits if h.category == EMERGENCY), None)
        crisis = next((h for h in hits if h.category == CRISIS and h.rule_id in prefer), None)
        crisis = crisis or next((h for h in hits if h.category == CRISIS), None)
        chosen = emergency or crisis
        if chosen is None:
            return None
        return replace(
            chosen,
            crisis_related=chosen.crisis_related or (emergency is not None and crisis is not None),
            also=tuple(h.rule_id for h in hits if h.rule_id != chosen.rule_id),
        )


# ---------------------------------------------------------------------------------------------
# Loading and validation: every problem names the file, the rule and the offending entry.

_TOP_KEYS = {
    "version",
    "normalisation",
    "past_context",
    "exclusions",
    "classifier_look_alikes",
    "categories",
}
_CATEGORY_KEYS = {"description", "skip_if_past", "rules"}
_RULE_KEYS = {
    "id",
    "description",
    "phrases",
    "together",
    "exclusions",
    "skip_if_past",
    "crisis_related",
}


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise RulesFileError(f"{where}: {problem}")


def _string_list(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    _require(isinstance(value, list), where, f"'{key}' must be a list")
    for item in value:
        _require(
            isinstance(item, str) and item.strip() != "",
            where,
            f"'{key}' entries must be non-empty text, got {item!r}",
        )
    return list(value)


def _compile_phrases(phrases: list[str], normaliser: Normaliser, where: str) -> PhraseSet:
    compiled = PhraseSet(phrases)
    for phrase in phrases:
        compiler = _PhraseCompiler(phrase, normaliser)
        try:
            compiled.patterns.append(compiler.compile())
        except (ValueError, re.error) as exc:
            raise RulesFileError(f"{where}: {exc}") from exc
        normaliser.protect(compiler.literals)
    return compiled


def _build_normaliser(raw: Any, where: str) -> Normaliser:
    raw = raw or {}
    _require(isinstance(raw, dict), where, "'normalisation' must be a mapping")
    unknown = set(raw) - {"rewrites", "words", "fuzzy"}
    _require(not unknown, where, f"unknown key(s) in 'normalisation': {sorted(unknown)}")
    rewrites = []
    for item in raw.get("rewrites") or []:
        _require(
            isinstance(item, dict) and set(item) == {"pattern", "replace"},
            where,
            f"each rewrite needs exactly 'pattern' and 'replace', got {item!r}",
        )
        try:
            rewrites.append((re.compile(item["pattern"]), str(item["replace"])))
        except re.error as exc:
            raise RulesFileError(
                f"{where}: bad rewrite pattern {item['pattern']!r}: {exc}"
            ) from exc
    words_raw = raw.get("words") or {}
    _require(isinstance(words_raw, dict), where, "'normalisation.words' must be a mapping")
    words = {}
    for key, value in words_raw.items():
        _require(
            isinstance(key, str) and isinstance(value, str) and value.strip() != "",
            where,
            f"word replacement {key!r}: {value!r} must map text to text",
        )
        words[fold(key).replace("'", "")] = fold(value).split()
    fuzzy = raw.get("fuzzy") or {}
    _require(isinstance(fuzzy, dict), where, "'normalisation.fuzzy' must be a mapping")
    targets = _string_list(fuzzy.get("words"), where, "fuzzy.words")
    for target in targets:
        _require(
            len(target) >= 6 and target.isalpha(),
            where,
            f"fuzzy word {target!r} must be one word of at least 6 letters",
        )
    not_typos = set(_string_list(fuzzy.get("not_typos"), where, "fuzzy.not_typos"))
    return Normaliser(rewrites, words, [t.lower() for t in targets], not_typos)


def _build_together(raw: Any, normaliser: Normaliser, where: str) -> Together:
    within = DEFAULT_WITHIN
    parts = raw
    if isinstance(raw, dict):
        _require(
            set(raw) <= {"within", "all"}, where, f"'together' entry keys: within, all; got {raw!r}"
        )
        within = raw.get("within", DEFAULT_WITHIN)
        parts = raw.get("all")
        _require(
            isinstance(within, int) and 0 <= within <= 50,
            where,
            f"'within' must be a number of words 0-50, got {within!r}",
        )
    parts = _string_list(parts, where, "together")
    _require(len(parts) >= 2, where, f"a 'together' entry needs at least two parts, got {raw!r}")
    compiled = [_compile_phrases([p], normaliser, where) for p in parts]
    return Together(compiled, within)


def _build_rule(
    raw: Any, category: str, default_past: bool, normaliser: Normaliser, where: str
) -> Rule:
    _require(isinstance(raw, dict), where, f"each rule must be a mapping, got {raw!r}")
    rule_id = raw.get("id")
    _require(
        isinstance(rule_id, str) and bool(_RULE_ID.match(rule_id)),
        where,
        f"rule id must be lower_case_with_underscores, got {rule_id!r}",
    )
    where = f"{where}: rule '{rule_id}'"
    unknown = set(raw) - _RULE_KEYS
    _require(
        not unknown, where, f"unknown key(s) {sorted(unknown)} (allowed: {sorted(_RULE_KEYS)})"
    )
    description = raw.get("description")
    _require(
        isinstance(description, str) and description.strip() != "", where, "needs a description"
    )
    for flag in ("skip_if_past", "crisis_related"):
        _require(isinstance(raw.get(flag, False), bool), where, f"'{flag}' must be true or false")
    phrases = _compile_phrases(
        _string_list(raw.get("phrases"), where, "phrases"), normaliser, where
    )
    together_raw = raw.get("together") or []
    _require(isinstance(together_raw, list), where, "'together' must be a list")
    together = [_build_together(t, normaliser, where) for t in together_raw]
    _require(bool(phrases.phrases or together), where, "needs 'phrases' or 'together'")
    exclusions = _compile_phrases(
        _string_list(raw.get("exclusions"), where, "exclusions"), normaliser, where
    )
    return Rule(
        rule_id=rule_id,
        category=category,
        description=description.strip(),
        phrases=phrases,
        together=together,
        exclusions=exclusions,
        skip_if_past=raw.get("skip_if_past", default_past),
        crisis_related=raw.get("crisis_related", False),
    )


def parse_rules(data: Any, source: str = "<rules>") -> SafetyRules:
    """Builds SafetyRules from the parsed YAML, raising RulesFileError on any problem."""
    _require(isinstance(data, dict), source, "the file must be a YAML mapping")
    unknown = set(data) - _TOP_KEYS
    _require(not unknown, source, f"unknown top-level key(s): {sorted(unknown)}")
    _require(
        data.get("version") == 1, source, f"'version: 1' expected, got {data.get('version')!r}"
    )
    normaliser = _build_normaliser(data.get("normalisation"), source)

    past_raw = data.get("past_context") or {}
    _require(isinstance(past_raw, dict), source, "'past_context' must be a mapping")
    window = past_raw.get("window", 8)
    _require(
        isinstance(window, int) and window >= 0, source, "'past_context.window' must be a number"
    )
    where = f"{source}: past_context"
    past = _compile_phrases(_string_list(past_raw.get("past"), where, "past"), normaliser, where)
    present = _compile_phrases(
        _string_list(past_raw.get("present"), where, "present"), normaliser, where
    )
    past_tense = _compile_phrases(
        _string_list(past_raw.get("past_tense"), where, "past_tense"), normaliser, where
    )
    global_exclusions = _compile_phrases(
        _string_list(data.get("exclusions"), source, "exclusions"),
        normaliser,
        f"{source}: exclusions",
    )

    categories = data.get("categories")
    _require(isinstance(categories, dict), source, "'categories' must be a mapping")
    _require(
        set(categories) <= set(CATEGORIES) and bool(categories),
        source,
        f"categories must be among {list(CATEGORIES)}, got {sorted(categories)}",
    )
    rules: list[Rule] = []
    seen: set[str] = set()
    for category in CATEGORIES:  # emergency rules are always evaluated first
        block = categories.get(category)
        if block is None:
            continue
        where = f"{source}: category '{category}'"
        _require(isinstance(block, dict), where, "must be a mapping with 'rules'")
        unknown = set(block) - _CATEGORY_KEYS
        _require(not unknown, where, f"unknown key(s): {sorted(unknown)}")
        default_past = block.get("skip_if_past", False)
        _require(isinstance(default_past, bool), where, "'skip_if_past' must be true or false")
        raw_rules = block.get("rules")
        _require(isinstance(raw_rules, list) and bool(raw_rules), where, "needs a list of 'rules'")
        for raw in raw_rules:
            rule = _build_rule(raw, category, default_past, normaliser, where)
            _require(rule.rule_id not in seen, where, f"duplicate rule id '{rule.rule_id}'")
            seen.add(rule.rule_id)
            rules.append(rule)
    look_alikes = _compile_phrases(
        _string_list(data.get("classifier_look_alikes"), source, "classifier_look_alikes"),
        normaliser,
        f"{source}: classifier_look_alikes",
    )
    return SafetyRules(
        normaliser,
        rules,
        global_exclusions,
        past,
        present,
        window,
        source,
        look_alikes,
        past_tense,
    )


def load_rules(path: str | Path = DEFAULT_RULES_FILE) -> SafetyRules:
    """Reads and validates the rules file; fails fast with a message naming the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesFileError(f"cannot read safety rules file {path}: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesFileError(f"{path}: not valid YAML: {exc}") from exc
    return parse_rules(data, str(path))


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    """`python -m addons.safety_rules "message"`: show how a message is normalised and judged."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(DEFAULT_RULES_FILE)
    rules = load_rules(path if path.exists() else Path(__file__).resolve().parents[1] / path)
    for text in args:
        out(f"message:    {text!r}")
        for form in rules.normalise(text):
            out(f"normalised: {form}")
        for hit in rules.matches(text):
            out(f"  rule {hit.rule_id} ({hit.category}): {hit.matched!r}")
        out(f"decision:   {rules.check(text)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
