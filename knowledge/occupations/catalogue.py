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
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.occupations.model import (
    _MARKET_FIGURE,
    BOUNDS,
    CONTENT_DIR,
    CatalogueError,
    Competency,
    Occupation,
    OccupationNotFound,
    Synonyms,
    Unit,
    _OccupationFile,
    display_path,
)
from knowledge.occupations.search import SearchIndex
from knowledge.occupations.text import compact

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

_GROUP_FILE = re.compile(r"^group-(\d+)\.ya?ml$")
KECO_FILE = "keco2018.csv"  # the KECO-2018 세분류 list (where it came from: its header comment)

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
