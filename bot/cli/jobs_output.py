"""What the ``giljabi jobs`` commands share: loading labels, catalogue and market data, and printing
for a terminal (wrapped by display width, so Korean lines fit a phone-sized window too).

Heavy imports stay inside the functions so that ``giljabi --help`` is instant.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.occupations.catalogue import Catalogue
    from knowledge.occupations.labels import Labels
    from knowledge.occupations.market import MarketData
    from knowledge.occupations.model import OccupationNotFound
    from knowledge.occupations.search import SearchHit

WIDTH = 40  # display cells per line (a Hangul syllable takes two): fits a phone chat bubble


def jobs_labels() -> Labels:
    from knowledge.occupations import load_labels

    return load_labels()


def load_catalogue() -> Catalogue:
    from knowledge.occupations import default_catalogue

    return default_catalogue()


def data_dir() -> Path:
    from bot.config import get_settings

    return get_settings().data_dir


def load_market_or_empty() -> MarketData:
    from knowledge.occupations import MarketData, MarketDataError, load_market

    try:
        return load_market(data_dir())
    except MarketDataError as exc:
        print(str(exc), file=sys.stderr)
        return MarketData()


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, indent: str = "", hang: str | None = None, width: int = WIDTH) -> list[str]:
    """Wrap on spaces by display width. Continuation lines start with ``hang`` (default: ``indent``);
    a word longer than a line stays whole."""
    hang = indent if hang is None else hang
    lines: list[str] = []
    current = ""
    prefix = indent
    for word in text.split():
        if current and cells(prefix + current + " " + word) > width:
            lines.append(prefix + current)
            prefix, current = hang, word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(prefix + current)
    return lines


def emit(text: str, indent: str = "", hang: str | None = None) -> None:
    for line in wrap(text, indent, hang):
        print(line)


def not_found(exc: OccupationNotFound, labels: Labels) -> int:
    print(labels.fmt("show.not_found", q=exc.query), file=sys.stderr)
    if exc.suggestions:
        print(labels["show.suggestions"], file=sys.stderr)
        for occ in exc.suggestions:
            print(f"- {occ.name} ({occ.code})", file=sys.stderr)
    return 1


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {"code": hit.code, "name": hit.name, "aliases": hit.aliases, "score": hit.score, "why": hit.why}


def number(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def catalogue_or_error() -> Catalogue | None:
    from knowledge.occupations import CatalogueError

    try:
        return load_catalogue()
    except CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return None


def market_lines(section_loaded: bool, record: Any, source: str | None, labels: Labels) -> None:
    print(labels["market.heading"])
    if not section_loaded or record is None:
        emit(labels.fmt("market.not_loaded", service_name=labels["market.service_name"]), "  ")
        print(f"  {labels['market.service_url']}")
        return
    print(f"  {labels['market.period']}: {record.period}")
    if record.job_openings is not None:
        print(f"  {labels['market.job_openings']}: "
              f"{labels.fmt('market.unit_people', value=number(record.job_openings))}")
    if record.job_seekers is not None:
        print(f"  {labels['market.job_seekers']}: "
              f"{labels.fmt('market.unit_cases', value=number(record.job_seekers))}")
    if record.openings_ratio is not None:
        print(f"  {labels['market.openings_ratio']}: {number(record.openings_ratio)}")
    if record.top_certificates:
        emit(f"{labels['market.top_certificates']}: {', '.join(record.top_certificates)}", "  ", "    ")
    if record.top_majors:
        emit(f"{labels['market.top_majors']}: {', '.join(record.top_majors)}", "  ", "    ")
    if record.age_bands:
        bands = ", ".join(f"{b.label} {b.share:g}%" for b in record.age_bands)
        emit(f"{labels['market.age_bands']}: {bands}", "  ", "    ")
    service = labels["market.service_name"]
    note = labels.fmt("market.imported_note", source=source or "CSV", service_name=service)
    emit(note, "  ")
    print(f"  {labels['market.service_url']}")
