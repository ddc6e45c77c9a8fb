"""One occupation in detail, and up to three side by side (JobCare's 직종 비교하기)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from knowledge.occupations.catalogue import Catalogue, Occupation, default_catalogue
from knowledge.occupations.market import MarketData, MarketRecord
from knowledge.occupations.recommend import Coverage, Profile, coverage

__all__ = ["MAX_COMPARE", "Comparison", "ComparisonColumn", "OccupationDetails", "compare", "details"]

MAX_COMPARE = 3


class OccupationDetails(BaseModel):
    occupation: Occupation
    ncs: list[str]
    unit_count: int
    levels: list[int]  # distinct unit levels, ascending
    coverage: Coverage | None = None
    market: MarketRecord | None = None


class ComparisonColumn(BaseModel):
    code: str
    name: str
    summary: str
    tasks: list[str]
    certificates: list[str]
    majors: list[str]
    skills: list[str]
    training: list[str]
    ncs: list[str]
    unit_count: int
    level_min: int
    level_max: int
    held: int | None = None  # with a profile: units held
    percent: int | None = None  # with a profile: coverage in percent


class Comparison(BaseModel):
    columns: list[ComparisonColumn]
    common_certificates: list[str]
    common_majors: list[str]
    common_skills: list[str]


def _levels(occ: Occupation) -> list[int]:
    return sorted({unit.level for _, unit in occ.units})


def details(code_or_name: str, *, profile: Profile | None = None, market: MarketData | None = None,
            catalogue: Catalogue | None = None) -> OccupationDetails:
    """Everything about one occupation; raises ``OccupationNotFound`` (with suggestions) if unknown."""
    catalogue = catalogue or default_catalogue()
    occ = catalogue.resolve(code_or_name)
    return OccupationDetails(
        occupation=occ,
        ncs=[c.ncs for c in occ.competencies],
        unit_count=occ.unit_count,
        levels=_levels(occ),
        coverage=coverage(occ, profile, catalogue) if profile is not None else None,
        market=market.latest(occ.code) if market is not None else None,
    )


def _common(lists: list[list[str]]) -> list[str]:
    if len(lists) < 2:
        return []
    rest = [set(x) for x in lists[1:]]
    return [item for item in lists[0] if all(item in r for r in rest)]


def compare(codes_or_names: Sequence[str], *, profile: Profile | None = None,
            catalogue: Catalogue | None = None) -> Comparison:
    """1-3 occupations side by side; raises ValueError for more than three or none."""
    if not 1 <= len(codes_or_names) <= MAX_COMPARE:
        raise ValueError(f"compare takes 1-{MAX_COMPARE} occupations (got {len(codes_or_names)})")
    catalogue = catalogue or default_catalogue()
    occs = list({o.code: o for o in (catalogue.resolve(c) for c in codes_or_names)}.values())
    columns = []
    for occ in occs:
        levels = _levels(occ)
        cov = coverage(occ, profile, catalogue) if profile is not None else None
        columns.append(ComparisonColumn(
            code=occ.code, name=occ.name, summary=occ.summary, tasks=list(occ.tasks),
            certificates=list(occ.certificates), majors=list(occ.majors), skills=list(occ.skills),
            training=list(occ.training), ncs=[c.ncs for c in occ.competencies], unit_count=occ.unit_count,
            level_min=levels[0], level_max=levels[-1],
            held=cov.held if cov else None, percent=cov.percent if cov else None,
        ))
    return Comparison(
        columns=columns,
        common_certificates=_common([c.certificates for c in columns]),
        common_majors=_common([c.majors for c in columns]),
        common_skills=_common([c.skills for c in columns]),
    )
