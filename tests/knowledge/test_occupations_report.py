"""Career-path report (levels, held/missing, gap) and the imported market data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.occupations import (
    OFFICIAL_URL,
    MarketData,
    MarketDataError,
    Profile,
    build_report,
    default_catalogue,
    import_market_csv,
    load_market,
    market_path,
)
from knowledge.occupations.market import MARKET_COLUMNS

HEADER = ",".join(MARKET_COLUMNS)


@pytest.fixture(scope="module")
def cat():
    return default_catalogue()


def _csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "market.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_report_levels_ascend_and_mark_held(cat):
    rep = build_report("1332", profile=Profile(skills=["python", "git"]), catalogue=cat)
    assert [row.level for row in rep.levels] == [3, 4, 5]
    assert rep.has_profile and rep.required == 6 and rep.held == 3 and rep.percent == 50
    status = {u.name: u.held for row in rep.levels for u in row.units}
    assert status == {"프로그래밍 언어 활용": True, "화면 구현": False, "SQL 활용": False,
                      "서버프로그램 구현": True, "애플리케이션 테스트 관리": True, "요구사항 확인": False}
    unit = next(u for row in rep.levels for u in row.units if u.name == "애플리케이션 테스트 관리")
    assert unit.matched_keyword == "git" and unit.matched_item == "git"
    assert sum(len(row.units) for row in rep.levels) == rep.required


def test_report_gap_comes_from_missing_units_via(cat):
    rep = build_report("1332", profile=Profile(skills=["python", "git"]), catalogue=cat)
    certs = {g.keyword: g.closes for g in rep.gap["certificates"]}
    assert certs == {"SQL 개발자(SQLD)": ["SQL 활용"], "정보처리기사": ["요구사항 확인"]}
    assert [g.keyword for g in rep.gap["training"]] == ["웹·앱 개발 과정"]  # 응용SW개발 과정's unit is held
    assert [g.keyword for g in rep.gap["majors"]] == ["소프트웨어공학"]
    assert {g.keyword for g in rep.gap["skills"]} == {"kotlin", "데이터베이스"}
    occ = cat.by_code["1332"]
    for kind, items in rep.gap.items():
        for g in items:
            assert g.keyword in getattr(occ, kind)


def test_report_without_profile_marks_everything_missing(cat):
    rep = build_report("0271", catalogue=cat)
    assert not rep.has_profile and rep.held == 0 and rep.percent == 0
    assert all(not u.held for row in rep.levels for u in row.units)
    levels = [row.level for row in rep.levels]
    assert levels == sorted(levels) and levels[0] <= 3 and levels[-1] >= 5
    closes = [g for items in rep.gap.values() for g in items]
    assert {n for g in closes for n in g.closes} == {u.name for row in rep.levels for u in row.units}
    assert not rep.market.loaded and rep.market.record is None and rep.market.official_url == OFFICIAL_URL


def test_report_for_every_occupation_builds(cat):
    for occ in cat:
        rep = build_report(occ.code, catalogue=cat)
        assert rep.required == occ.unit_count


def test_import_good_rows(tmp_path, cat):
    path = _csv(tmp_path,
                "1332,2024,1520,830,1.83,정보처리기사;SQL 개발자(SQLD),"
                "컴퓨터공학;소프트웨어공학,20대:35;30대:40;40대:18",
                "1332,2023,1400,800,,정보처리기사,,",
                "0271,2024-Q1,\"1,200\",600,,,,",
                "",
                "9999,2024,1,1,1,,,")
    result = import_market_csv(path, tmp_path / "data", cat.by_code)
    assert result.errors == []
    assert [(u.line, u.code) for u in result.unknown] == [(6, "9999")]
    assert result.written and result.imported == 3 and result.codes == 2
    stored = json.loads(market_path(tmp_path / "data").read_text(encoding="utf-8"))
    assert stored["source"] == "market.csv" and len(stored["records"]) == 3
    data = load_market(tmp_path / "data")
    latest = data.latest("1332")
    assert latest.period == "2024" and latest.job_openings == 1520 and latest.openings_ratio == 1.83
    assert latest.top_certificates == ["정보처리기사", "SQL 개발자(SQLD)"]
    assert [(b.label, b.share) for b in latest.age_bands] == [("20대", 35.0), ("30대", 40.0), ("40대", 18.0)]
    derived = data.latest("0271")
    assert derived.job_openings == 1200 and derived.openings_ratio == 2.0  # 구인배수 = 1200 / 600
    assert data.latest("1333") is None


def test_import_bad_rows_reports_lines_and_writes_nothing(tmp_path, cat):
    good = _csv(tmp_path, "1332,2024,10,5,,,,", name="good.csv")
    import_market_csv(good, tmp_path, cat.by_code)
    before = market_path(tmp_path).read_text(encoding="utf-8")
    path = _csv(tmp_path,
                "1332,2024,10,5,,,,",  # line 2 ok
                "1333,24년,10,5,,,,",  # line 3 period
                "1344,2024,-3,5,,,,",  # line 4 openings
                "1345,2024,10,5,9.5,,,",  # line 5 ratio disagrees with 10/5
                "1346,2024,10,5,,,,20대:80;30대:40",  # line 6 shares > 100
                "1351,2024,10,5,,,,20대",  # line 7 band format
                "1352,2024,10",  # line 8 column count
                "abc,2024,1,1,,,,",  # line 9 code
                "1332,2024,1,1,,,,",  # line 10 duplicate
                name="bad.csv")
    result = import_market_csv(path, tmp_path, cat.by_code)
    assert not result.written
    assert [(e.line, e.field) for e in result.errors] == [
        (3, "period"), (4, "job_openings"), (5, "openings_ratio"), (6, "age_bands"), (7, "age_bands"),
        (8, None), (9, "code"), (10, "period")]
    assert "duplicate of line 2" in result.errors[-1].message
    assert str(result.errors[0]).startswith("line 3: period: ")
    assert market_path(tmp_path).read_text(encoding="utf-8") == before


def test_import_header_and_empty_file(tmp_path, cat):
    bad_header = _csv(tmp_path, "1332,2024,1,1,,,,", header="code,period,openings")
    result = import_market_csv(bad_header, tmp_path, cat.by_code)
    assert result.errors[0].line == 1 and "missing job_openings" in result.errors[0].message
    only_unknown = _csv(tmp_path, "9999,2024,1,1,,,,", name="unknown.csv")
    result = import_market_csv(only_unknown, tmp_path, cat.by_code)
    assert not result.written and result.unknown and "nothing stored" in result.errors[0].message
    with pytest.raises(FileNotFoundError):
        import_market_csv(tmp_path / "missing.csv", tmp_path, cat.by_code)


def test_report_with_and_without_market(tmp_path, cat):
    assert load_market(tmp_path) == MarketData() and not load_market(None).loaded
    path = _csv(tmp_path, "1332,2024,1520,830,,정보처리기사,컴퓨터공학,20대:35")
    import_market_csv(path, tmp_path, cat.by_code)
    market = load_market(tmp_path)
    with_data = build_report("1332", market=market, catalogue=cat)
    assert with_data.market.loaded and with_data.market.record.job_seekers == 830
    assert with_data.market.source == "market.csv" and with_data.market.imported_at
    assert with_data.market.official_url == "https://www.work.go.kr"
    other = build_report("1333", market=market, catalogue=cat)
    assert not other.market.loaded and other.market.record is None


def test_corrupt_market_file_is_an_error(tmp_path):
    target = market_path(tmp_path)
    target.parent.mkdir(parents=True)
    target.write_text("{not json", encoding="utf-8")
    with pytest.raises(MarketDataError):
        load_market(tmp_path)
