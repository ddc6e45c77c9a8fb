"""The occupation schema: what one catalogue entry is, and the errors the loader reports.

Kept apart from the loader (catalogue.py) so that search and labels can use the models without
importing the loader, which itself builds the search index: no import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from knowledge.occupations.text import compact

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "occupations"
_REPO_ROOT = Path(__file__).resolve().parent.parent.parent

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# List bounds from FORMAT.md, used both by the schema and by the error messages.
BOUNDS: dict[str, tuple[int, int]] = {
    "aliases": (1, 5),
    "tasks": (3, 5),
    "examples": (2, 5),
    "majors": (2, 5),
    "certificates": (0, 5),
    "skills": (3, 8),
    "training": (1, 3),
    "competencies": (1, 2),
    "units": (3, 6),
    "via": (1, 4),
}
SUMMARY_MAX = 80

# Numbers with a unit that only labour-market data has (wages, head counts, shares) or the market terms.
_MARKET_FIGURE = re.compile(
    r"\d[\d,.]*\s*(만\s*원|억\s*원|천\s*원|원|%|퍼센트|명)|구인배수|구인인원|구직건수|구인\s*배수"
)


def _items(name: str) -> Any:
    """A required list with FORMAT.md's bounds (``certificates`` alone may be left out: none)."""
    lo, hi = BOUNDS[name]
    if lo == 0:
        return Field(default_factory=list, min_length=lo, max_length=hi)
    return Field(min_length=lo, max_length=hi)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Unit(_Model):
    """One NCS competency unit (능력단위) at a level 1-8 with keywords that show it is held."""

    name: Text
    level: int
    via: list[Text] = _items("via")

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
            raise ValueError("must be 1-8")
        return value


class Competency(_Model):
    """One NCS 직무 (세분류) with its units."""

    ncs: Text
    units: list[Unit] = _items("units")


class Occupation(_Model):
    code: str
    keco: str | None = None  # the shared KECO-2018 세분류 when ``code`` is a local code (FORMAT.md)
    code_status: Literal["confirmed", "unconfirmed"] = "confirmed"
    name: Text
    aliases: list[Text] = _items("aliases")
    summary: Text
    tasks: list[Text] = _items("tasks")
    examples: list[Text] = _items("examples")
    majors: list[Text] = _items("majors")
    certificates: list[Text] = _items("certificates")
    skills: list[Text] = _items("skills")
    training: list[Text] = _items("training")
    competencies: list[Competency] = _items("competencies")

    @field_validator("code", "keco", mode="before")
    @classmethod
    def _code(cls, value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}", value):
            raise ValueError('must be a quoted string of 4 digits, e.g. "1332"')
        return value

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        if len(value) > SUMMARY_MAX:
            raise ValueError(f"must be at most {SUMMARY_MAX} characters (got {len(value)})")
        return value

    @property
    def group(self) -> int:
        return int(self.code[0])

    @property
    def units(self) -> list[tuple[str, Unit]]:
        """Every (NCS 직무, unit) pair of this occupation."""
        return [(comp.ncs, unit) for comp in self.competencies for unit in comp.units]

    @property
    def unit_count(self) -> int:
        return sum(len(comp.units) for comp in self.competencies)

    def keyword_kind(self, keyword: str) -> str | None:
        """Which own list ('certificates', 'majors', 'skills', 'training') holds ``keyword``."""
        key = compact(keyword)
        for kind in ("certificates", "training", "majors", "skills"):
            if any(compact(item) == key for item in getattr(self, kind)):
                return kind
        return None


class _OccupationFile(_Model):
    occupations: list[Occupation] = Field(min_length=1)


class Synonyms(_Model):
    """Groups of interchangeable search terms (파이썬 ↔ python) and words that never carry meaning."""

    groups: list[list[Text]] = Field(default_factory=list)
    stopwords: list[Text] = Field(default_factory=list)

    @field_validator("groups")
    @classmethod
    def _groups(cls, groups: list[list[str]]) -> list[list[str]]:
        seen: dict[str, int] = {}
        for i, group in enumerate(groups):
            if len(group) < 2:
                raise ValueError(f"group {i} needs at least 2 terms")
            for term in group:
                key = compact(term)
                if key in seen and seen[key] != i:
                    raise ValueError(f"term {term!r} is in groups {seen[key]} and {i}")
                seen[key] = i
        return groups

    @cached_property
    def table(self) -> dict[str, tuple[str, ...]]:
        """compact term → compact forms of every term in its group (itself included)."""
        out: dict[str, tuple[str, ...]] = {}
        for group in self.groups:
            forms = tuple(dict.fromkeys(compact(t) for t in group))
            for form in forms:
                out[form] = forms
        return out

    @cached_property
    def stopword_keys(self) -> frozenset[str]:
        return frozenset(compact(w) for w in self.stopwords)

    def variants(self, key: str) -> tuple[str, ...]:
        return self.table.get(key, (key,))


class CatalogueError(ValueError):
    """A catalogue file is broken. ``problems`` holds ``(path, field, message)`` triples."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]):
        self.problems = list(problems)
        super().__init__("\n".join(f"{p}: {f}: {m}" if f else f"{p}: {m}" for p, f, m in self.problems))


class OccupationNotFound(LookupError):
    def __init__(self, query: str, suggestions: Sequence[Occupation] = ()):
        self.query = query
        self.suggestions = list(suggestions)
        super().__init__(query)


def display_path(path: Path) -> str:
    """Repository-relative path when the file is inside the repository, else the path as given."""
    try:
        return Path(path).resolve().relative_to(_REPO_ROOT).as_posix()
    except ValueError:
        return str(path)
