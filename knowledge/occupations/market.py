"""Labour-market figures per occupation, imported from a CSV — never written by hand or made up.

CSV (UTF-8, optional BOM, header row; column order free, all eight columns required)::

    code,period,job_openings,job_seekers,openings_ratio,top_certificates,top_majors,age_bands
    1332,2024,1520,830,1.83,정보처리기사;SQL 개발자(SQLD),컴퓨터공학;소프트웨어공학,20대:35;30대:40;40대:18

- ``code``: 4-digit occupation code of the catalogue. Unknown codes are skipped and reported.
- ``period``: ``YYYY``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Hn`` or a range ``A~B`` of those.
- ``job_openings`` (구인인원), ``job_seekers`` (구직건수): non-negative integers or empty.
- ``openings_ratio`` (구인배수 = 구인인원 / 구직건수): non-negative number or empty; when empty and both
  counts are given it is derived from them; when given it must agree with them (±5 %).
- ``top_certificates``, ``top_majors``: ``;``-separated, most demanded first (≤ 10 each).
- ``age_bands``: ``;``-separated ``label:share`` with share in percent (0-100, total ≤ 100.5).

A file with any malformed row is rejected as a whole (nothing is written) and every bad row is
reported with its line number. The accepted data replaces the previous import in
``<data_dir>/market/occupations.json``. Several periods per code are allowed; reports use the latest.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

__all__ = [
    "MARKET_COLUMNS",
    "AgeBand",
    "ImportResult",
    "MarketData",
    "MarketDataError",
    "MarketRecord",
    "RowIssue",
    "import_market_csv",
    "load_market",
    "market_path",
    "parse_market_csv",
]

MARKET_COLUMNS = ("code", "period", "job_openings", "job_seekers", "openings_ratio", "top_certificates",
                  "top_majors", "age_bands")
FORMAT_VERSION = 1
_PERIOD_PART = r"\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?"
_PERIOD = re.compile(rf"^{_PERIOD_PART}(?:~{_PERIOD_PART})?$")
_MAX_LIST = 10


class AgeBand(BaseModel):
    label: str
    share: float  # percent


class MarketRecord(BaseModel):
    code: str
    period: str
    job_openings: int | None = None
    job_seekers: int | None = None
    openings_ratio: float | None = None
    top_certificates: list[str] = Field(default_factory=list)
    top_majors: list[str] = Field(default_factory=list)
    age_bands: list[AgeBand] = Field(default_factory=list)


class MarketData(BaseModel):
    """Everything imported, or an empty dataset when nothing was imported yet."""

    format: int = FORMAT_VERSION
    source: str | None = None
    imported_at: str | None = None
    records: list[MarketRecord] = Field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return bool(self.records)

    def latest(self, code: str) -> MarketRecord | None:
        rows = [r for r in self.records if r.code == code]
        return max(rows, key=lambda r: (r.period.split("~")[-1], r.period)) if rows else None


class RowIssue(BaseModel):
    line: int
    code: str | None = None
    field: str | None = None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f": {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class ImportResult(BaseModel):
    source: str
    stored_at: str | None = None  # path of the written JSON, None when nothing was written
    imported: int = 0  # rows stored
    codes: int = 0  # distinct occupations with data
    errors: list[RowIssue] = Field(default_factory=list)
    unknown: list[RowIssue] = Field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.stored_at is not None


class MarketDataError(ValueError):
    """The stored market file exists but cannot be read."""


def market_path(data_dir: Path) -> Path:
    return Path(data_dir) / "market" / "occupations.json"


def _number(value: str, field: str, pattern: str, kind: str) -> str | None:
    """The cleaned digits of a non-negative count or number, or None when the cell is empty."""
    value = value.replace(",", "").replace(" ", "")
    if not value:
        return None
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{field}: must be a non-negative {kind} (got {value!r})")
    return value


def _int(value: str, field: str) -> int | None:
    cleaned = _number(value, field, r"\d+", "integer")
    return None if cleaned is None else int(cleaned)


def _float(value: str, field: str) -> float | None:
    cleaned = _number(value, field, r"\d+(\.\d+)?", "number")
    return None if cleaned is None else float(cleaned)


def _list(value: str, field: str) -> list[str]:
    items = [v.strip() for v in value.split(";") if v.strip()]
    if len(items) > _MAX_LIST:
        raise ValueError(f"{field}: at most {_MAX_LIST} items (got {len(items)})")
    return items


def _age_bands(value: str) -> list[AgeBand]:
    bands = []
    for part in _list(value, "age_bands"):
        label, sep, share = part.rpartition(":")
        if not sep or not label.strip():
            raise ValueError(f"age_bands: {part!r} must look like '20대:35'")
        number = _float(share, "age_bands")
        if number is None or number > 100:
            raise ValueError(f"age_bands: share in {part!r} must be a percentage 0-100")
        bands.append(AgeBand(label=label.strip(), share=number))
    if sum(b.share for b in bands) > 100.5:
        raise ValueError("age_bands: shares add up to more than 100")
    return bands


def _record(row: dict[str, str]) -> MarketRecord:
    """One CSV row → record; raises ValueError('<field>: <problem>') on the first problem."""
    code = row["code"].strip()
    if not re.fullmatch(r"\d{4}", code):
        raise ValueError(f"code: must be 4 digits (got {code!r})")
    period = row["period"].strip()
    if not _PERIOD.match(period):
        raise ValueError(f"period: use YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or A~B (got {period!r})")
    openings = _int(row["job_openings"], "job_openings")
    seekers = _int(row["job_seekers"], "job_seekers")
    ratio = _float(row["openings_ratio"], "openings_ratio")
    if openings is not None and seekers:
        derived = openings / seekers
        if ratio is None:
            ratio = round(derived, 2)
        elif abs(ratio - derived) > max(0.01, 0.05 * derived):
            raise ValueError(f"openings_ratio: {ratio} disagrees with "
                             f"job_openings/job_seekers = {derived:.2f}")
    return MarketRecord(
        code=code,
        period=period,
        job_openings=openings,
        job_seekers=seekers,
        openings_ratio=ratio,
        top_certificates=_list(row["top_certificates"], "top_certificates"),
        top_majors=_list(row["top_majors"], "top_majors"),
        age_bands=_age_bands(row["age_bands"]),
    )


def parse_market_csv(path: Path, known_codes: Iterable[str]
                     ) -> tuple[list[MarketRecord], list[RowIssue], list[RowIssue]]:
    """Read and validate the CSV: (records of known codes, errors, unknown-code rows)."""
    known = set(known_codes)
    records: list[MarketRecord] = []
    errors: list[RowIssue] = []
    unknown: list[RowIssue] = []
    seen: dict[tuple[str, str], int] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return [], [RowIssue(line=1, message="empty file: a header row is required")], []
        except UnicodeDecodeError:
            return [], [RowIssue(line=1, message="not UTF-8 text")], []
        missing = [c for c in MARKET_COLUMNS if c not in header]
        extra = [c for c in header if c not in MARKET_COLUMNS]
        if missing or extra or len(set(header)) != len(header):
            detail = "; ".join(filter(None, [
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(extra)}" if extra else "",
                "duplicate columns" if len(set(header)) != len(header) else "",
            ]))
            return [], [RowIssue(line=1, message=f"header must be {','.join(MARKET_COLUMNS)} ({detail})")], []
        try:
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    errors.append(RowIssue(line=line,
                                           message=f"expected {len(header)} columns, got {len(cells)}"))
                    continue
                row = dict(zip(header, cells, strict=True))
                code = row["code"].strip() or None
                try:
                    record = _record(row)
                except (ValueError, ValidationError) as exc:
                    field, _, message = str(exc).partition(": ")
                    errors.append(RowIssue(line=line, code=code, field=field or None,
                                           message=message or str(exc)))
                    continue
                if record.code not in known:
                    unknown.append(RowIssue(
                        line=line, code=record.code, field="code",
                        message="no occupation with this code in the catalogue (skipped)"))
                    continue
                key = (record.code, record.period)
                if key in seen:
                    errors.append(RowIssue(
                        line=line, code=record.code, field="period",
                        message=f"duplicate of line {seen[key]} for the same code and period"))
                    continue
                seen[key] = line
                records.append(record)
        except UnicodeDecodeError:
            errors.append(RowIssue(line=reader.line_num + 1, message="not UTF-8 text"))
        except csv.Error as exc:
            errors.append(RowIssue(line=reader.line_num, message=f"malformed CSV: {exc}"))
    return records, errors, unknown


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".occupations-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_market_csv(csv_path: Path, data_dir: Path, known_codes: Iterable[str]) -> ImportResult:
    """Validate ``csv_path`` and, when every row is well formed, store it under ``data_dir``.

    ``known_codes`` are the catalogue's codes (``catalogue.by_code``). Raises FileNotFoundError when
    the CSV is missing.
    """
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise FileNotFoundError(csv_path)
    records, errors, unknown = parse_market_csv(csv_path, known_codes)
    result = ImportResult(source=csv_path.name, errors=errors, unknown=unknown)
    if errors:
        return result
    if not records:
        result.errors.append(RowIssue(line=1, message="no rows with a known occupation code; nothing stored"))
        return result
    data = MarketData(source=csv_path.name, imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
                      records=records)
    target = market_path(data_dir)
    _write_atomic(target, json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=1))
    result.stored_at = str(target)
    result.imported = len(records)
    result.codes = len({r.code for r in records})
    return result


def load_market(data_dir: Path | None) -> MarketData:
    """The imported dataset, or an empty one when nothing was imported (or no data dir is known)."""
    if data_dir is None:
        return MarketData()
    path = market_path(data_dir)
    if not path.exists():
        return MarketData()
    try:
        return MarketData.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise MarketDataError(f"{path}: cannot read imported market data ({exc})") from exc
