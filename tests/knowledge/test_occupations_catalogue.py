"""Catalogue schema and loader: broken files fail loudly with path and field."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from knowledge.occupations import CatalogueError, default_catalogue, load_catalogue
from knowledge.occupations.catalogue import BOUNDS, CONTENT_DIR, load_keco_codes, load_occupation_file

GOOD = {
    "code": "3011",
    "name": "시험직업",
    "aliases": ["테스트 직업"],
    "summary": "시험용 직업이에요.",
    "tasks": ["하나를 해요.", "둘을 해요.", "셋을 해요."],
    "examples": ["시험 담당", "테스트 담당"],
    "majors": ["시험학", "검사학"],
    "certificates": ["시험기사"],
    "skills": ["검사", "측정", "python"],
    "training": ["시험 과정"],
    "competencies": [{
        "ncs": "시험관리",
        "units": [
            {"name": "시험 준비", "level": 2, "via": ["시험 과정"]},
            {"name": "시험 실시", "level": 4, "via": ["시험기사", "python"]},
            {"name": "시험 평가", "level": 6, "via": ["시험학"]},
        ],
    }],
}


def _write(tmp_path: Path, name: str, occupations: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"occupations": occupations}, allow_unicode=True), encoding="utf-8")
    return path


def _occ(**changes) -> dict:
    import copy

    occ = copy.deepcopy(GOOD)
    occ.update(changes)
    return occ


def test_good_temp_file_loads(tmp_path):
    _write(tmp_path, "group-3.yml", [_occ()])
    cat = load_catalogue(tmp_path)
    assert [o.code for o in cat] == ["3011"]
    assert cat.get("시험직업").code == "3011" and cat.get("테스트직업").code == "3011"
    assert cat.occupations[0].unit_count == 3


def test_level_out_of_range_names_path_and_field(tmp_path):
    bad = _occ()
    bad["competencies"][0]["units"][1]["level"] = 9
    _write(tmp_path, "group-3.yml", [_occ(code="3012"), bad])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    message = str(err.value)
    assert "group-3.yml: occupations[1].competencies[0].units[1].level: must be 1-8" in message
    assert err.value.problems[0][1] == "occupations[1].competencies[0].units[1].level"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"aliases": []}, "occupations[0].aliases", "must have 1-5 items (got 0)"),
        ({"tasks": ["하나를 해요."]}, "occupations[0].tasks", "must have 3-5 items (got 1)"),
        ({"skills": ["a", "b", "c", "d", "e", "f", "g", "h", "i"]}, "occupations[0].skills", "3-8 items"),
        ({"code": 3011}, "occupations[0].code", "quoted string of 4 digits"),
        ({"code": "30111"}, "occupations[0].code", "4 digits"),
        ({"code": "3101"}, "occupations[0].code", "'3101' is not a KECO-2018 세분류 code"),
        ({"keco": 3011}, "occupations[0].keco", "quoted string of 4 digits"),
        ({"code_status": "maybe"}, "occupations[0].code_status", "'confirmed' or 'unconfirmed'"),
        ({"summary": "가" * 81}, "occupations[0].summary", "at most 80 characters"),
        ({"name": ""}, "occupations[0].name", "must not be empty"),
        ({"wages": "높아요"}, "occupations[0].wages", "unknown field"),
    ],
)
def test_schema_errors(tmp_path, change, field, fragment):
    path = _write(tmp_path, "group-3.yml", [_occ(**change)])
    with pytest.raises(CatalogueError) as err:
        load_occupation_file(path)
    assert any(f == field and fragment in m for _, f, m in err.value.problems), err.value.problems
    assert str(path.name) in str(err.value)


def test_missing_field(tmp_path):
    occ = _occ()
    del occ["training"]
    _write(tmp_path, "group-3.yml", [occ])
    pattern = r"occupations\[0\]\.training: is required \(a list of 1-3 items\)"
    with pytest.raises(CatalogueError, match=pattern):
        load_catalogue(tmp_path)


def test_via_must_be_in_own_lists(tmp_path):
    occ = _occ()
    occ["competencies"][0]["units"][0]["via"] = ["시험 과정", "남의자격증"]
    _write(tmp_path, "group-3.yml", [occ])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    expected = "occupations[0].competencies[0].units[0].via[1]: '남의자격증' is not in this occupation's"
    assert expected in str(err.value)


def test_via_matching_ignores_case_and_spacing(tmp_path):
    occ = _occ()
    occ["competencies"][0]["units"][1]["via"] = ["시험 기사", "Python"]
    _write(tmp_path, "group-3.yml", [occ])
    assert len(load_catalogue(tmp_path)) == 1


def test_code_digit_must_match_group(tmp_path):
    _write(tmp_path, "group-4.yml", [_occ()])
    pattern = r"group-4\.yml: occupations\[0\]\.code: '3011' must start with 4"
    with pytest.raises(CatalogueError, match=pattern):
        load_catalogue(tmp_path)


def test_duplicate_codes_across_files(tmp_path):
    _write(tmp_path, "group-3.yml", [_occ()])
    sub = tmp_path / "x"
    sub.mkdir()
    _write(tmp_path, "group-3.yaml", [_occ(name="다른직업")])
    with pytest.raises(CatalogueError, match=r"duplicate code '3011'"):
        load_catalogue(tmp_path)


def test_labour_market_figures_rejected(tmp_path):
    occ = _occ(tasks=["연봉 3,500만원을 받아요.", "둘을 해요.", "구인배수가 높아요."])
    _write(tmp_path, "group-3.yml", [occ])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    fields = [f for _, f, _ in err.value.problems]
    assert fields == ["occupations[0].tasks[0]", "occupations[0].tasks[2]"]


def test_invalid_yaml_and_bad_names(tmp_path):
    (tmp_path / "group-3.yml").write_text("occupations:\n  - code: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"group-3\.yml: line \d+: invalid YAML"):
        load_catalogue(tmp_path)
    (tmp_path / "group-3.yml").unlink()
    _write(tmp_path, "group-12.yml", [_occ()])
    with pytest.raises(CatalogueError, match="file name must be group-0.yml"):
        load_catalogue(tmp_path)


def test_all_problems_reported_at_once(tmp_path):
    a = _occ()
    a["competencies"][0]["units"][0]["level"] = 0
    _write(tmp_path, "group-3.yml", [a])
    _write(tmp_path, "group-5.yml", [_occ(code="5111", aliases=[])])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    paths = {p.rsplit("/", 1)[-1] for p, _, _ in err.value.problems}
    assert paths == {"group-3.yml", "group-5.yml"}


def test_shipped_catalogue_is_valid():
    cat = default_catalogue()
    assert len(cat) >= 75
    codes = [o.code for o in cat]
    assert len(codes) == len(set(codes))
    by_group = {g: [o for o in cat if o.group == g] for g in range(10)}
    assert len(by_group[0]) == 36
    assert len(by_group[1]) == 40


@pytest.mark.parametrize("name", ["group-0.yml", "group-1.yml"])
def test_our_groups_style(name):
    occupations = load_occupation_file(CONTENT_DIR / name)
    for occ in occupations:
        assert occ.summary.endswith("요."), occ.code
        assert all(t.endswith("요.") for t in occ.tasks), occ.code
        levels = sorted({u.level for _, u in occ.units})
        assert levels[0] <= 3 and levels[-1] >= 5, (occ.code, levels)  # a path from entry to senior
        lo, hi = BOUNDS["units"]
        assert all(lo <= len(c.units) <= hi for c in occ.competencies)


def test_synonyms_file_is_valid():
    cat = default_catalogue()
    assert "python" in cat.synonyms.variants("파이썬")
    assert cat.synonyms.variants("java") == ("java", "자바")


def test_synonyms_conflict_reported(tmp_path):
    _write(tmp_path, "group-3.yml", [_occ()])
    (tmp_path / "synonyms.yml").write_text(textwrap.dedent("""\
        groups:
          - [python, 파이썬]
          - [파이썬, py]
        """), encoding="utf-8")
    with pytest.raises(CatalogueError, match=re.escape("synonyms.yml: groups")):
        load_catalogue(tmp_path)


# --- KECO-2018 codes: every code is checked against knowledge/content/occupations/keco2018.csv ---


def test_unknown_code_fails_the_whole_load_with_path_and_field(tmp_path):
    _write(tmp_path, "group-3.yml", [_occ(), _occ(code="3031", name="다른직업", aliases=["다른 이름"])])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert err.value.problems == [
        (str(tmp_path / "group-3.yml"), "occupations[1].code",
         "'3031' is not a KECO-2018 세분류 code (see keco2018.csv)"),
    ]


def test_local_code_sharing_a_keco_code_loads(tmp_path):
    other = _occ(code="3031", keco="3011", name="다른직업", aliases=["다른 이름"])
    _write(tmp_path, "group-3.yml", [_occ(), other])
    cat = load_catalogue(tmp_path)
    assert cat.by_code["3031"].keco == "3011" and cat.by_code["3011"].keco is None
    assert cat.by_code["3031"].code_status == "confirmed"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"code": "3031", "keco": "3039"}, "occupations[1].keco", "'3039' is not a KECO-2018 세분류 code"),
        ({"code": "3031", "keco": "2111"}, "occupations[1].keco", "must start with 3 like the code"),
        ({"code": "3012", "keco": "3011"}, "occupations[1].code", "'3012' is a KECO-2018 code (일반 의사)"),
        ({"code": "3031", "keco": "3013"}, "occupations[1].keco", "no occupation holds code '3013'"),
    ],
)
def test_bad_shared_codes(tmp_path, change, field, fragment):
    _write(tmp_path, "group-3.yml", [_occ(), _occ(name="다른직업", aliases=["다른 이름"], **change)])
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert any(f == field and fragment in m for _, f, m in err.value.problems), err.value.problems


def test_code_list_next_to_the_files_is_used_and_validated(tmp_path):
    _write(tmp_path, "group-3.yml", [_occ(code="3999")])
    (tmp_path / "keco2018.csv").write_text("# test list\ncode,name,level\n3999,시험 세분류,4\n", encoding="utf-8")
    assert [o.code for o in load_catalogue(tmp_path)] == ["3999"]
    (tmp_path / "keco2018.csv").write_text("code,name,level\n3999,시험 세분류,4\n399,짧은 코드,4\n",
                                           encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"keco2018\.csv: line 3: must be a 4-digit code"):
        load_catalogue(tmp_path)
    (tmp_path / "keco2018.csv").write_text("코드,이름\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"keco2018\.csv: line 1: header must be code,name,level"):
        load_catalogue(tmp_path)


def test_shipped_code_list():
    codes = load_keco_codes(CONTENT_DIR / "keco2018.csv")
    assert len(codes) == 450
    assert {c[0] for c in codes} == set("0123456789")
    assert codes["7031"] == "건설 배관공" and codes["5611"] == "청소원" and codes["5312"] == "한식 조리사"
    assert codes["1211"] == "자연과학 연구원" and codes["1221"] == "생명과학 연구원"
    assert codes["0291"] == "안내·접수원 및 전화교환원" and codes["0292"] == "고객 상담원 및 모니터 요원"
    assert all(c.startswith("90") for c in codes if c[0] == "9")


def test_shipped_catalogue_uses_real_codes():
    cat = default_catalogue()
    codes = load_keco_codes(CONTENT_DIR / "keco2018.csv")
    for occ in cat:
        assert (occ.keco or occ.code) in codes, occ.code
    # the codes the issue named, and the swapped pairs it reported
    expected = {"배관공": "7031", "청소원": "5611", "한식조리사": "5312", "자연과학연구원": "1211",
                "생명과학연구원": "1221", "안내·접수사무원": "0291", "고객상담원": "0292"}
    assert {name: cat.get(name).code for name in expected} == expected
    assert all(o.code.startswith("90") for o in cat if o.group == 9 and o.keco is None)
    shared = [o for o in cat if o.keco is not None]
    assert all(cat.by_code[o.keco].keco is None for o in shared)  # the holder of a 세분류 is a real code


def test_format_md_lists_every_shared_and_unconfirmed_occupation():
    text = " ".join((CONTENT_DIR / "FORMAT.md").read_text(encoding="utf-8").split())  # lines are wrapped
    cat = default_catalogue()
    for occ in cat:
        if occ.keco is not None:
            assert f"{occ.name} ({occ.code}" in text, occ.name
        if occ.code_status == "unconfirmed":
            assert occ.name in text.split("code_status: unconfirmed`:", 1)[1].split("**", 1)[0], occ.name
