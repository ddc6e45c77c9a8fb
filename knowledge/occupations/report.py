"""The career-path report (JobCare's 보고서): units by level, held or missing, what closes the gap,
and the imported market figures — or a pointer to the official service when none were imported."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from knowledge.occupations.catalogue import Catalogue, default_catalogue
from knowledge.occupations.market import MarketData, MarketRecord
from knowledge.occupations.recommend import Profile, coverage

__all__ = ["OFFICIAL_URL", "GapItem", "LevelRow", "MarketSection", "Report", "UnitStatus", "build_report"]

# The only place the report links to for official labour-market statistics (워크넷).
OFFICIAL_URL = "https://www.work.go.kr"
GAP_KINDS = ("certificates", "training", "majors", "skills")


class UnitStatus(BaseModel):
    ncs: str
    name: str
    level: int
    held: bool
    via: list[str]
    matched_keyword: str | None = None
    matched_item: str | None = None


class LevelRow(BaseModel):
    level: int
    units: list[UnitStatus]


class GapItem(BaseModel):
    keyword: str
    kind: str  # certificates | training | majors | skills
    closes: list[str]  # names of the missing units it evidences
    levels: list[int]


class MarketSection(BaseModel):
    loaded: bool
    record: MarketRecord | None = None
    source: str | None = None
    imported_at: str | None = None
    official_url: str = OFFICIAL_URL


class Report(BaseModel):
    code: str
    name: str
    summary: str
    has_profile: bool
    required: int
    held: int
    percent: int
    ncs: list[str]
    levels: list[LevelRow]  # ascending level, each unit marked held/missing
    gap: dict[str, list[GapItem]]  # kind → items, most units closed first
    market: MarketSection


def build_report(code_or_name: str, *, profile: Profile | None = None, market: MarketData | None = None,
                 catalogue: Catalogue | None = None) -> Report:
    catalogue = catalogue or default_catalogue()
    occ = catalogue.resolve(code_or_name)
    cov = coverage(occ, profile, catalogue)
    held = {(h.ncs, h.name): h for h in cov.held_units}
    rows: dict[int, list[UnitStatus]] = defaultdict(list)
    for ncs, unit in occ.units:
        h = held.get((ncs, unit.name))
        rows[unit.level].append(UnitStatus(
            ncs=ncs, name=unit.name, level=unit.level, held=h is not None, via=list(unit.via),
            matched_keyword=h.keyword if h else None, matched_item=h.item if h else None,
        ))
    gap_units: dict[str, list[tuple[str, int]]] = {}
    for unit in sorted(cov.missing_units, key=lambda u: u.level):
        for kw in unit.via:
            gap_units.setdefault(kw, []).append((unit.name, unit.level))
    gap: dict[str, list[GapItem]] = {kind: [] for kind in GAP_KINDS}
    for kw, units in gap_units.items():
        kind = occ.keyword_kind(kw) or "skills"
        gap[kind].append(GapItem(keyword=kw, kind=kind, closes=[n for n, _ in units],
                                 levels=sorted({lv for _, lv in units})))
    for kind in gap:
        gap[kind].sort(key=lambda g: (-len(g.closes), g.levels[0]))
    record = market.latest(occ.code) if market is not None else None
    return Report(
        code=occ.code, name=occ.name, summary=occ.summary,
        has_profile=profile is not None and not profile.is_empty,
        required=cov.required, held=cov.held, percent=cov.percent, ncs=[c.ncs for c in occ.competencies],
        levels=[LevelRow(level=lv, units=rows[lv]) for lv in sorted(rows)],
        gap=gap,
        market=MarketSection(loaded=record is not None, record=record,
                             source=market.source if record is not None and market else None,
                             imported_at=market.imported_at if record is not None and market else None),
    )
