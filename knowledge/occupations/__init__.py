"""Occupation guide — our version of JobCare's core (관심 키워드 검색, 직종 비교, 연관직종 추천, 보고서).

Public API (everything returns pydantic models; no Korean UI prose lives in Python — labels come
from ``knowledge/content/occupations/labels.yml`` via :func:`load_labels`)::

    cat = default_catalogue()                       # validated catalogue, loaded once per process
    search("정보처리기사", limit=5)                   # -> list[SearchHit] (code, name, aliases, score, why)
    details("1332", profile=p, market=m)             # -> OccupationDetails
    compare(["1332", "1333"], profile=p)             # -> Comparison (1-3 occupations)
    recommend(Profile(majors=[...], skills=[...]))   # -> list[Recommendation] ranked by coverage
    build_report("1332", profile=p, market=m)        # -> Report (levels, held/missing, gap, market)
    import_market_csv(csv, data_dir, cat.by_code)    # -> ImportResult; load_market(data_dir) -> MarketData

The package never imports ``bot`` or ``flows``: callers pass the data directory in.
"""

from __future__ import annotations

from knowledge.occupations.catalogue import (
    CONTENT_DIR,
    Catalogue,
    CatalogueError,
    Competency,
    Occupation,
    OccupationNotFound,
    Synonyms,
    Unit,
    default_catalogue,
    load_catalogue,
)
from knowledge.occupations.details import Comparison, ComparisonColumn, OccupationDetails, compare, details
from knowledge.occupations.labels import Labels, load_labels
from knowledge.occupations.market import (
    MARKET_COLUMNS,
    ImportResult,
    MarketData,
    MarketDataError,
    MarketRecord,
    import_market_csv,
    load_market,
    market_path,
)
from knowledge.occupations.recommend import Coverage, HeldUnit, Profile, Recommendation, coverage, recommend
from knowledge.occupations.report import OFFICIAL_URL, GapItem, LevelRow, MarketSection, Report, build_report
from knowledge.occupations.search import SearchHit, SearchIndex

__all__ = [
    "CONTENT_DIR",
    "MARKET_COLUMNS",
    "OFFICIAL_URL",
    "Catalogue",
    "CatalogueError",
    "Comparison",
    "ComparisonColumn",
    "Competency",
    "Coverage",
    "GapItem",
    "HeldUnit",
    "ImportResult",
    "Labels",
    "LevelRow",
    "MarketData",
    "MarketDataError",
    "MarketRecord",
    "MarketSection",
    "Occupation",
    "OccupationDetails",
    "OccupationNotFound",
    "Profile",
    "Recommendation",
    "Report",
    "SearchHit",
    "SearchIndex",
    "Synonyms",
    "Unit",
    "build_report",
    "compare",
    "coverage",
    "default_catalogue",
    "details",
    "import_market_csv",
    "load_catalogue",
    "load_labels",
    "load_market",
    "market_path",
    "recommend",
    "search",
]


def search(query: str, limit: int = 5, catalogue: Catalogue | None = None) -> list[SearchHit]:
    """Occupations matching a keyword (major, certificate, training, job, duty or skill), best first."""
    return (catalogue or default_catalogue()).index.search(query, limit=limit)
