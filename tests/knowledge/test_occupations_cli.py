"""``giljabi jobs`` command contracts."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from knowledge.occupations import default_catalogue
from knowledge.occupations.market import MARKET_COLUMNS


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    from bot.config import get_settings

    monkeypatch.setenv("GILJABI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["jobs", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(capsys):
    code, out, _ = _run(capsys, "search", "정보처리기사", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["q"] == "정보처리기사" and len(data["results"]) == 5
    for r in data["results"]:
        assert set(r) == {"code", "name", "aliases", "score", "why"}
        assert isinstance(r["why"], list) and all(isinstance(w, str) for w in r["why"])
    assert "자격증: 정보처리기사" in data["results"][0]["why"]
    assert "\\u" not in out  # ensure_ascii=False


def test_search_limit_and_text(capsys):
    code, out, _ = _run(capsys, "search", "파이썬", "--limit", "2", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 2
    code, out, _ = _run(capsys, "search", "파이썬")
    assert code == 0 and "1. 데이터분석가 (1341)" in out and "기술: python" in out
    code, out, _ = _run(capsys, "search", "ㅋㅋㅋㅋ")
    assert code == 0 and out.strip()
    code, _, err = _run(capsys, "search")
    assert code == 2 and err


def test_search_jsonl(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("파이썬\nUX\n\n간호사\n"))
    code, out, _ = _run(capsys, "search", "--jsonl", "--limit", "3")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["q"] for line in lines] == ["파이썬", "UX", "", "간호사"]
    assert lines[2]["results"] == [] and len(lines[0]["results"]) == 3
    assert lines[3]["results"][0]["name"] == "간호사"


def test_list_json_has_every_occupation_with_all_fields(capsys):
    code, out, _ = _run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0 and len(data) == len(default_catalogue())
    first = next(o for o in data if o["code"] == "1332")
    assert set(first) == {"code", "keco", "code_status", "name", "aliases", "summary", "tasks", "examples",
                          "majors", "certificates", "skills", "training", "competencies"}
    assert first["competencies"][0]["units"][0]["via"]
    assert (first["keco"], first["code_status"]) == (None, "confirmed")
    game = next(o for o in data if o["name"] == "게임프로그래머")  # shares 세분류 1332 under a local code
    assert (game["code"], game["keco"]) == ("1335", "1332")


def test_show(capsys):
    code, out, _ = _run(capsys, "show", "1332")
    assert code == 0 and out.startswith("응용소프트웨어개발자 (1332)")
    assert "https://www.work.go.kr" in out
    code, out, _ = _run(capsys, "show", "응용", "소프트웨어", "개발자", "--json")
    assert code == 0 and json.loads(out)["occupation"]["code"] == "1332"
    code, _, err = _run(capsys, "show", "응용소프트웨어게발자")
    assert code == 1 and "1332" in err


def test_compare(capsys):
    code, out, _ = _run(capsys, "compare", "1332", "1333", "--skill", "java")
    assert code == 0 and "[1] 응용소프트웨어개발자 (1332)" in out and "[2] 웹개발자 (1333)" in out
    code, out, _ = _run(capsys, "compare", "1332", "1333", "1344", "--json")
    assert [c["code"] for c in json.loads(out)["columns"]] == ["1332", "1333", "1344"]
    code, _, err = _run(capsys, "compare", "1332")
    assert code == 2 and err
    code, _, _ = _run(capsys, "compare", "1332", "1333", "1344", "1345")
    assert code == 2


def test_recommend(capsys):
    code, out, _ = _run(capsys, "recommend", "--major", "컴퓨터공학과", "--cert", "정보처리기사", "--skill",
                        "python", "java", "--skill", "git", "--json")
    data = json.loads(out)
    assert code == 0 and data[0]["code"] == "1332"
    assert data[0]["held"] <= data[0]["required"] and data[0]["percent"] == round(100 * data[0]["ratio"])
    code, out, _ = _run(capsys, "recommend", "--course", "전산회계 과정", "--experience", "경리 아르바이트")
    assert code == 0 and "(0272)" in out
    code, _, err = _run(capsys, "recommend")
    assert code == 2 and err


def test_report_and_user_flag(capsys):
    code, out, _ = _run(capsys, "report", "1332", "--skill", "python")
    assert code == 0 and "6개 중 2개 보유 (33%)" in " ".join(out.split()) and "[3수준]" in out
    code, out, err = _run(capsys, "report", "1332", "--user", "u1", "--json")
    data = json.loads(out)
    assert code == 0 and data["code"] == "1332" and not data["market"]["loaded"]
    assert data["market"]["official_url"] == "https://www.work.go.kr"
    assert [lv["level"] for lv in data["levels"]] == [3, 4, 5]
    assert err.strip()  # the note about the missing saved profile


def test_import_market_then_report(capsys, tmp_path, data_dir):
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(",".join(MARKET_COLUMNS) + "\n"
                        "1332,2024,1520,830,,정보처리기사,컴퓨터공학,20대:35;30대:40\n"
                        "9999,2024,1,1,,,,\n", encoding="utf-8")
    code, out, err = _run(capsys, "import-market", str(csv_path))
    assert code == 0 and "9999" in err and (data_dir / "market" / "occupations.json").exists()
    code, out, _ = _run(capsys, "report", "1332")
    assert "1,520" in out and "2024" in out and "https://www.work.go.kr" in out
    code, out, _ = _run(capsys, "report", "1332", "--json")
    assert json.loads(out)["market"]["record"]["openings_ratio"] == 1.83


def test_import_market_bad_rows(capsys, tmp_path, data_dir):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text(",".join(MARKET_COLUMNS) + "\n1332,2024,x,1,,,,\n", encoding="utf-8")
    code, _, err = _run(capsys, "import-market", str(csv_path))
    assert code == 1 and "line 2: job_openings" in err
    assert not (data_dir / "market" / "occupations.json").exists()
    code, _, err = _run(capsys, "import-market", str(tmp_path / "nope.csv"))
    assert code == 2 and err
