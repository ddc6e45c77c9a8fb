"""Occupation catalogue: the schema (pydantic) and a loader that fails loudly.

The catalogue lives in ``knowledge/content/occupations/group-N.yml`` (format: FORMAT.md next to the
files). Loading validates every file and reports problems as ``<path>: <field>: <message>`` lines,
e.g. ``knowledge/content/occupations/group-3.yml: occupations[4].competencies[0].units[1].level:
must be 1-8``. Beyond the schema it checks that codes are unique across files, that a code's first
digit is its file's group, that every code is a real KECO-2018 세분류 code from ``keco2018.csv`` (or,
for an occupation sharing a 세분류, a local code with ``keco`` naming that 세분류), that every ``via``
keyword appears in the occupation's own certificates, majors, skills or training, and that no
labour-market figures were written into the text. Codes are checked because ``jobs import-market``
matches rows on code: a wrong code would put real figures on the wrong occupation.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from knowledge.occupations.text import compact

if TYPE_CHECKING:
    from knowledge.occupations.search import SearchIndex

__all__ = [
    "CONTENT_DIR",
    "Catalogue",
    "CatalogueError",
    "Competency",
    "Occupation",
    "OccupationNotFound",
    "Synonyms",
    "Unit",
    "default_catalogue",
    "load_catalogue",
    "load_keco_codes",
    "load_synonyms",
]

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "occupations"
_REPO_ROOT = Path(__file__).resolve().parent.parent.parent
_GROUP_FILE = re.compile(r"^group-(\d+)\.ya?ml$")
KECO_FILE = "keco2018.csv"  # the KECO-2018 세분류 list (where it came from: its header comment)

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


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    field = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "")
    ctx = err.get("ctx") or {}
    if kind == "missing" and field in BOUNDS:
        lo, hi = BOUNDS[field]
        return f"is required (a list of {lo}-{hi} items)"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field (see FORMAT.md)"
    if kind in ("too_short", "too_long") and field in BOUNDS:
        lo, hi = BOUNDS[field]
        return f"must have {lo}-{hi} items (got {ctx.get('actual_length', '?')})"
    if kind in ("too_short", "too_long"):
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        return "must be a string"
    if kind == "list_type":
        return "must be a list"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"])


def _read_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)  # noqa: S506 - SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "yaml"
        problem = f"invalid YAML: {getattr(exc, 'problem', exc)}"
        raise CatalogueError([(display_path(path), where, problem)]) from exc
    except OSError as exc:
        raise CatalogueError([(display_path(path), "", f"cannot read: {exc}")]) from exc


def _via_problems(occ: Occupation, prefix: str) -> list[tuple[str, str]]:
    own = {compact(x) for x in (*occ.certificates, *occ.majors, *occ.skills, *occ.training)}
    problems = []
    for ci, comp in enumerate(occ.competencies):
        for ui, unit in enumerate(comp.units):
            for vi, kw in enumerate(unit.via):
                if compact(kw) not in own:
                    problems.append((
                        f"{prefix}.competencies[{ci}].units[{ui}].via[{vi}]",
                        f"{kw!r} is not in this occupation's certificates, majors, skills or training",
                    ))
    return problems


def _figure_problems(occ: Occupation, prefix: str) -> list[tuple[str, str]]:
    problems = []
    fields: list[tuple[str, str]] = [("summary", occ.summary)]
    fields += [(f"tasks[{i}]", t) for i, t in enumerate(occ.tasks)]
    for loc, text in fields:
        if _MARKET_FIGURE.search(text):
            problems.append((f"{prefix}.{loc}",
                             "must not contain labour-market figures (import them as CSV)"))
    return problems


def load_keco_codes(path: Path) -> dict[str, str]:
    """Read the KECO-2018 세분류 list (``code,name,level`` CSV, ``#`` comment lines): code → name.

    It is the yardstick for every occupation code, so a malformed list fails as loudly as a broken
    catalogue file rather than letting codes through unchecked.
    """
    path = Path(path)
    shown = display_path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CatalogueError([(shown, "", f"cannot read the KECO-2018 code list: {exc}")]) from exc
    rows = [(n, next(csv.reader([line]))) for n, line in enumerate(lines, 1)
            if line.strip() and not line.startswith("#")]  # one record per line, names may be quoted
    if not rows or rows[0][1] != ["code", "name", "level"]:
        raise CatalogueError([(shown, f"line {rows[0][0] if rows else 1}", "header must be code,name,level")])
    codes: dict[str, str] = {}
    problems = []
    for n, row in rows[1:]:
        if len(row) != 3 or not re.fullmatch(r"\d{4}", row[0]) or not row[1].strip() or row[2] != "4":
            problems.append((shown, f"line {n}", "must be a 4-digit code, a name and level 4"))
        elif row[0] in codes:
            problems.append((shown, f"line {n}", f"duplicate code {row[0]!r}"))
        else:
            codes[row[0]] = row[1]
    if problems:
        raise CatalogueError(problems)
    return codes


def _keco_list_path(content_dir: Path) -> Path:
    """The list next to the catalogue files, else the shipped one (test catalogues use the real list)."""
    own = Path(content_dir) / KECO_FILE
    return own if own.exists() else CONTENT_DIR / KECO_FILE


def _code_problems(occ: Occupation, prefix: str, keco_codes: dict[str, str]) -> list[tuple[str, str]]:
    """A code must be a KECO-2018 세분류 unless ``keco`` names the real 세분류 it shares."""
    source = f"not a KECO-2018 세분류 code (see {KECO_FILE})"
    if occ.keco is None:
        if occ.code not in keco_codes:
            return [(f"{prefix}.code", f"{occ.code!r} is {source}")]
        return []
    problems = []
    if occ.keco not in keco_codes:
        problems.append((f"{prefix}.keco", f"{occ.keco!r} is {source}"))
    elif occ.keco[0] != occ.code[0]:
        problems.append((f"{prefix}.keco", f"{occ.keco!r} must start with {occ.code[0]} like the code"))
    if occ.code in keco_codes:
        problems.append((f"{prefix}.code", f"{occ.code!r} is a KECO-2018 code ({keco_codes[occ.code]}): "
                                           "a local code for a shared 세분류 must not be one"))
    return problems


def load_occupation_file(path: Path, keco_codes: dict[str, str] | None = None) -> list[Occupation]:
    """Validate one ``group-N.yml``; raise :class:`CatalogueError` listing every problem in it.

    ``keco_codes`` defaults to the KECO-2018 list next to the file (else the shipped list).
    """
    path = Path(path)
    shown = display_path(path)
    if keco_codes is None:
        keco_codes = load_keco_codes(_keco_list_path(path.parent))
    match = _GROUP_FILE.match(path.name)
    if not match or len(match.group(1)) != 1:
        raise CatalogueError([(shown, "", "file name must be group-0.yml … group-9.yml")])
    group = int(match.group(1))
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogueError([(shown, "", "must be a mapping with one key 'occupations'")])
    try:
        parsed = _OccupationFile.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError([(shown, _loc(e["loc"]), _message(e)) for e in exc.errors()]) from None
    problems: list[tuple[str, str, str]] = []
    for i, occ in enumerate(parsed.occupations):
        prefix = f"occupations[{i}]"
        if occ.group != group:
            problems.append((shown, f"{prefix}.code",
                             f"{occ.code!r} must start with {group} in group-{group}.yml"))
        problems += [(shown, f, m) for f, m in _code_problems(occ, prefix, keco_codes)]
        problems += [(shown, f, m) for f, m in _via_problems(occ, prefix)]
        problems += [(shown, f, m) for f, m in _figure_problems(occ, prefix)]
    if problems:
        raise CatalogueError(problems)
    return parsed.occupations


def load_synonyms(path: Path) -> Synonyms:
    if not path.exists():
        return Synonyms()
    data = _read_yaml(path) or {}
    try:
        return Synonyms.model_validate(data)
    except ValidationError as exc:
        shown = display_path(path)
        raise CatalogueError([(shown, _loc(e["loc"]), _message(e)) for e in exc.errors()]) from None


class Catalogue:
    """All occupations, looked up by code or name, with a lazily built search index."""

    def __init__(self, occupations: Sequence[Occupation], synonyms: Synonyms | None = None,
                 files: Sequence[Path] = ()):
        self.occupations: tuple[Occupation, ...] = tuple(occupations)
        self.synonyms = synonyms or Synonyms()
        self.files = tuple(files)
        self.by_code: dict[str, Occupation] = {o.code: o for o in self.occupations}
        self._by_name: dict[str, Occupation] = {}
        for occ in self.occupations:  # names win over aliases; first occupation wins within a kind
            self._by_name.setdefault(compact(occ.name), occ)
        for occ in self.occupations:
            for alias in occ.aliases:
                self._by_name.setdefault(compact(alias), occ)

    def __len__(self) -> int:
        return len(self.occupations)

    def __iter__(self):
        return iter(self.occupations)

    @cached_property
    def index(self) -> SearchIndex:
        from knowledge.occupations.search import SearchIndex

        return SearchIndex.build(self.occupations, self.synonyms)

    def get(self, code_or_name: str) -> Occupation | None:
        """Exact lookup by code, name or alias (spacing and case ignored)."""
        query = code_or_name.strip()
        return self.by_code.get(query) or self._by_name.get(compact(query))

    def resolve(self, code_or_name: str) -> Occupation:
        """Like :meth:`get` but raises :class:`OccupationNotFound` carrying up to 3 suggestions."""
        occ = self.get(code_or_name)
        if occ is not None:
            return occ
        hits = self.index.search(code_or_name, limit=3) if code_or_name.strip() else []
        raise OccupationNotFound(code_or_name, [self.by_code[h.code] for h in hits])


def load_catalogue(content_dir: Path | None = None) -> Catalogue:
    """Load and validate every ``group-*.yml`` (plus ``synonyms.yml``) in ``content_dir``."""
    content_dir = Path(content_dir) if content_dir is not None else CONTENT_DIR
    files = sorted(p for p in content_dir.glob("group-*.y*ml") if p.is_file())
    keco_codes = load_keco_codes(_keco_list_path(content_dir))
    occupations: list[Occupation] = []
    first_seen: dict[str, tuple[str, int]] = {}
    sharing: list[tuple[str, int, Occupation]] = []
    problems: list[tuple[str, str, str]] = []
    for path in files:
        try:
            loaded = load_occupation_file(path, keco_codes)
        except CatalogueError as exc:
            problems += exc.problems
            continue
        for i, occ in enumerate(loaded):
            if occ.code in first_seen:
                other, j = first_seen[occ.code]
                problems.append((display_path(path), f"occupations[{i}].code",
                                 f"duplicate code {occ.code!r} (also {other} occupations[{j}])"))
                continue
            first_seen[occ.code] = (display_path(path), i)
            occupations.append(occ)
            if occ.keco is not None:
                sharing.append((display_path(path), i, occ))
    for shown, i, occ in sharing:  # market rows land on the code that holds the 세분류, so one must
        if occ.keco not in first_seen:
            problems.append((shown, f"occupations[{i}].keco",
                             f"no occupation holds code {occ.keco!r}: give this one that code instead"))
    synonyms = None
    try:
        synonyms = load_synonyms(content_dir / "synonyms.yml")
    except CatalogueError as exc:
        problems += exc.problems
    if problems:
        raise CatalogueError(problems)
    if not occupations:
        raise CatalogueError([(display_path(content_dir), "", "no group-N.yml files with occupations")])
    return Catalogue(occupations, synonyms, files)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()
