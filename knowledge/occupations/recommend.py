"""Profile → competency coverage → ranked occupations (JobCare's 상세입력 연관직종 추천).

A unit is *held* when any of its ``via`` keywords matches a profile item. Matching ignores case,
spacing and separators, knows the synonym table (파이썬 = python), strips degree suffixes
('컴퓨터공학과' = '컴퓨터공학'), accepts a keyword contained in a longer item ('python으로 크롤러를
만든 경험' holds 'python'), and forgives typos at jamo level ('정보쳐리기사') — but only for items that
are not themselves a known keyword, so '전자기사' never counts as '전기기사'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz.distance import Levenshtein

from knowledge.occupations.catalogue import Catalogue, Occupation, Synonyms, default_catalogue
from knowledge.occupations.text import (
    CONTENT_TAGS,
    analyze,
    compact,
    fuzzy_budget,
    normalize,
    strip_major_suffix,
    strip_trailing_noise,
    to_jamo,
)

__all__ = [
    "PROFILE_KINDS",
    "Coverage",
    "HeldUnit",
    "KeywordMatcher",
    "Profile",
    "Recommendation",
    "UnitRef",
    "coverage",
    "matcher_for",
    "recommend",
]

PROFILE_KINDS = ("majors", "courses", "certificates", "skills", "experiences")


class Profile(BaseModel):
    """What a person brings: majors, courses/training taken, certificates, skills, experiences."""

    model_config = ConfigDict(extra="ignore")

    majors: list[str] = Field(default_factory=list)
    courses: list[str] = Field(default_factory=list)
    certificates: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    experiences: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        """Accept ``major`` (str or list) and ``certs`` / ``training`` as other spellings."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for alias, field in (("major", "majors"), ("certs", "certificates"), ("training", "courses"),
                             ("experience", "experiences"), ("course", "courses")):
            if alias in data:
                value = data.pop(alias)
                extra = [value] if isinstance(value, str) else list(value or [])
                data[field] = [*(data.get(field) or []), *extra]
        for field in PROFILE_KINDS:
            value = data.get(field)
            if isinstance(value, str):
                data[field] = [value]
            elif value is None and field in data:
                data[field] = []
            if data.get(field):
                data[field] = [str(v).strip() for v in data[field] if v is not None and str(v).strip()]
        return data

    def items(self) -> list[tuple[str, str]]:
        """Every (kind, text) pair, in field order."""
        return [(kind, text) for kind in PROFILE_KINDS for text in getattr(self, kind)]

    @property
    def is_empty(self) -> bool:
        return not self.items()


class UnitRef(BaseModel):
    ncs: str
    name: str
    level: int
    via: list[str]


class HeldUnit(UnitRef):
    keyword: str  # the via keyword that matched
    item: str  # the profile item that matched it
    kind: str  # which profile field the item came from


class Coverage(BaseModel):
    code: str
    name: str
    held: int
    required: int
    ratio: float  # held / required, 0-1
    percent: int
    held_units: list[HeldUnit]
    missing_units: list[UnitRef]


class Recommendation(BaseModel):
    code: str
    name: str
    aliases: list[str]
    summary: str
    held: int
    required: int
    ratio: float
    percent: int
    matched: list[HeldUnit]


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str
    text: str
    key: str
    jamo: str
    words: tuple[str, ...]  # compact words and content morphemes of a longer item
    known: bool  # the item itself is a keyword of the catalogue: compare exactly, never fuzzily


_DIGITS = re.compile(r"\D")
_PAREN = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")


def _key(text: str) -> str:
    return strip_major_suffix(compact(text))


class KeywordMatcher:
    """Decides whether a profile item evidences a ``via`` keyword."""

    def __init__(self, synonyms: Synonyms, known_keywords: Iterable[str]):
        self.synonyms = synonyms
        self.known = frozenset(form for k in known_keywords for form in self._forms(k))

    def item(self, kind: str, text: str) -> _Item:
        key = _key(text)
        words: list[str] = []
        norm = normalize(text)
        if " " in norm:
            for word in norm.split():
                w = strip_major_suffix(strip_trailing_noise(word))
                if w:
                    words.append(w)
        for surface, tag in analyze(norm):
            if tag in CONTENT_TAGS:
                words.append(surface)
        return _Item(kind, text, key, to_jamo(key), tuple(dict.fromkeys(words)), key in self.known)

    @lru_cache(maxsize=8192)  # noqa: B019 - one matcher per catalogue, lives as long as it
    def _forms(self, keyword: str) -> tuple[str, ...]:
        """Compact spellings that count as this keyword: itself, its synonyms, and for names like
        'SQL 개발자(SQLD)' the name without the parenthesis and a Latin abbreviation inside it."""
        spellings = [keyword]
        paren = _PAREN.match(keyword)
        if paren:
            spellings.append(paren.group(1))
            if paren.group(2).strip().isascii():
                spellings.append(paren.group(2))
        forms: list[str] = []
        for spelling in spellings:
            key = _key(spelling)
            forms += [key, *self.synonyms.variants(compact(spelling)), *self.synonyms.variants(key)]
        return tuple(dict.fromkeys(f for f in forms if f))

    def matches(self, keyword: str, item: _Item) -> bool:
        forms = self._forms(keyword)
        for form in forms:
            if not form:
                continue
            if form == item.key or form in item.words:
                return True
            # A Hangul keyword inside a longer item: '컴퓨터공학' in '컴퓨터공학부 졸업'. Latin keywords must
            # match a whole word ('ai' is not in 'maintenance').
            if len(form) >= 2 and not form.isascii() and form in item.key:
                return True
        if item.known:
            return False
        for form in forms:
            if _DIGITS.sub("", form) != _DIGITS.sub("", item.key):
                continue
            fj = to_jamo(form)
            budget = min(fuzzy_budget(fj), fuzzy_budget(item.jamo))
            if budget and Levenshtein.distance(fj, item.jamo, score_cutoff=budget) <= budget:
                return True
        return False


@lru_cache(maxsize=8)
def matcher_for(catalogue: Catalogue) -> KeywordMatcher:
    known = {kw for occ in catalogue for kw in (*occ.certificates, *occ.majors, *occ.skills, *occ.training)}
    return KeywordMatcher(catalogue.synonyms, known)


def _coverage(occ: Occupation, items: list[_Item], matcher: KeywordMatcher,
              memo: dict[str, _Item | None] | None = None) -> Coverage:
    memo = {} if memo is None else memo

    def holder(keyword: str) -> _Item | None:
        if keyword not in memo:
            memo[keyword] = next((it for it in items if matcher.matches(keyword, it)), None)
        return memo[keyword]

    held: list[HeldUnit] = []
    missing: list[UnitRef] = []
    for ncs, unit in occ.units:
        hit = next(((kw, it) for kw in unit.via if (it := holder(kw)) is not None), None)
        if hit is None:
            missing.append(UnitRef(ncs=ncs, name=unit.name, level=unit.level, via=list(unit.via)))
        else:
            kw, it = hit
            held.append(HeldUnit(ncs=ncs, name=unit.name, level=unit.level, via=list(unit.via),
                                 keyword=kw, item=it.text, kind=it.kind))
    required = occ.unit_count
    ratio = len(held) / required if required else 0.0
    return Coverage(code=occ.code, name=occ.name, held=len(held), required=required, ratio=round(ratio, 4),
                    percent=round(ratio * 100), held_units=held, missing_units=missing)


def _items(profile: Profile, matcher: KeywordMatcher) -> list[_Item]:
    return [matcher.item(kind, text) for kind, text in profile.items()]


def coverage(occupation: Occupation, profile: Profile | None, catalogue: Catalogue | None = None) -> Coverage:
    """Which of the occupation's units the profile holds (all missing without a profile)."""
    catalogue = catalogue or default_catalogue()
    matcher = matcher_for(catalogue)
    items = _items(profile, matcher) if profile is not None else []
    return _coverage(occupation, items, matcher)


def recommend(profile: Profile, limit: int = 10, catalogue: Catalogue | None = None) -> list[Recommendation]:
    """Occupations ranked by the share of their competency units the profile already covers.

    Ties go to more held units, then to occupations whose lists mention more of the profile's items,
    then to the code. Occupations with no held unit are left out.
    """
    catalogue = catalogue or default_catalogue()
    matcher = matcher_for(catalogue)
    items = _items(profile, matcher)
    if not items or limit <= 0:
        return []
    ranked = []
    memo: dict[str, _Item | None] = {}
    for occ in catalogue:
        cov = _coverage(occ, items, matcher, memo)
        if not cov.held:
            continue
        used = len({(h.kind, h.item) for h in cov.held_units})
        ranked.append(((-cov.ratio, -cov.held, -used, occ.code), occ, cov))
    ranked.sort(key=lambda t: t[0])
    return [
        Recommendation(code=occ.code, name=occ.name, aliases=list(occ.aliases), summary=occ.summary,
                       held=cov.held, required=cov.required, ratio=cov.ratio, percent=cov.percent,
                       matched=cov.held_units)
        for _, occ, cov in ranked[:limit]
    ]
