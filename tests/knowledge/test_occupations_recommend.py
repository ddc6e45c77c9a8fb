"""Profile matching, coverage = held / required units, recommendation ranking, comparison."""

from __future__ import annotations

import pytest

from knowledge.occupations import Profile, compare, coverage, default_catalogue, details, recommend
from knowledge.occupations.recommend import matcher_for


@pytest.fixture(scope="module")
def cat():
    return default_catalogue()


def test_profile_accepts_other_spellings():
    p = Profile.model_validate({"major": "컴퓨터공학과", "certs": ["정보처리기사"], "skills": "python",
                                "training": ["웹 과정"], "experience": ["인턴"], "unknown": 1})
    assert p.majors == ["컴퓨터공학과"] and p.certificates == ["정보처리기사"] and p.skills == ["python"]
    assert p.courses == ["웹 과정"] and p.experiences == ["인턴"]
    assert Profile().is_empty and not p.is_empty
    assert Profile(skills=["  ", ""]).is_empty


@pytest.mark.parametrize(
    ("keyword", "item", "expected"),
    [
        ("정보처리기사", "정보처리기사", True),
        ("정보처리기사", "정보 처리 기사", True),
        ("정보처리기사", "정보쳐리기사", True),  # jamo typo
        ("python", "파이썬", True),  # synonym table
        ("python", "Python", True),
        ("컴퓨터공학", "컴퓨터공학과", True),  # degree suffix
        ("컴퓨터공학", "컴퓨터공학부", True),
        ("python", "python으로 크롤러를 만든 프로젝트", True),  # keyword inside a longer item
        ("SQL 개발자(SQLD)", "SQLD", True),  # abbreviation in parentheses
        ("SQL 전문가(SQLP)", "SQLD", False),  # different certificate, not a typo
        ("전기기사", "전자기사", False),  # a real, different keyword is never a typo
        ("컴퓨터활용능력 1급", "컴퓨터활용능력 2급", False),  # grade digits differ
        ("ai", "maintenance", False),  # Latin keywords match whole words only
        ("java", "javascript", False),
    ],
)
def test_keyword_matching(cat, keyword, item, expected):
    m = matcher_for(cat)
    assert m.matches(keyword, m.item("skills", item)) is expected


def test_coverage_math(cat):
    occ = cat.by_code["1332"]  # 응용소프트웨어개발자: 6 units
    none = coverage(occ, None, cat)
    assert (none.held, none.required, none.percent) == (0, 6, 0)
    assert len(none.missing_units) == 6
    cov = coverage(occ, Profile(skills=["git", "kotlin"]), cat)
    # git → 애플리케이션 테스트 관리, kotlin → 화면 구현
    assert {h.name for h in cov.held_units} == {"애플리케이션 테스트 관리", "화면 구현"}
    assert cov.held == 2 and cov.required == occ.unit_count == 6
    assert cov.ratio == pytest.approx(2 / 6, abs=1e-4) and cov.percent == 33
    held = {h.name: h for h in cov.held_units}
    assert held["화면 구현"].keyword == "kotlin" and held["화면 구현"].item == "kotlin"
    assert held["화면 구현"].kind == "skills"
    assert len(cov.missing_units) == 4


def test_unit_counts_once_even_with_several_matching_items(cat):
    occ = cat.by_code["1332"]
    cov = coverage(occ, Profile(skills=["python", "java", "프로그래밍"]), cat)
    # 프로그래밍 언어 활용 (python/java/프로그래밍) and 서버프로그램 구현 (java/python)
    assert cov.held == 2


def test_recommend_ranks_by_coverage(cat):
    profile = Profile(majors=["컴퓨터공학과"], certificates=["정보쳐리기사", "SQLD"],
                      skills=["파이썬", "java", "Git", "spring"],
                      experiences=["리액트로 쇼핑몰 웹사이트 개발"])
    recs = recommend(profile, limit=5, catalogue=cat)
    assert recs[0].code == "1332"
    assert all(a.ratio >= b.ratio for a, b in zip(recs, recs[1:], strict=False))
    top = recs[0]
    assert top.held == 5 and top.required == 6 and top.percent == 83  # 화면 구현 (kotlin) is missing
    assert all(r.held > 0 for r in recs)
    for r in recs:
        assert r.ratio == pytest.approx(r.held / r.required, abs=1e-4)


def test_recommend_office_profile(cat):
    recs = recommend(Profile(majors=["회계학과"], certificates=["전산회계 1급", "전산세무 2급"],
                             skills=["엑셀"]), limit=5, catalogue=cat)
    assert {"0271", "0272"} & {r.code for r in recs}
    assert recommend(Profile(), catalogue=cat) == []
    assert recommend(Profile(skills=["존재하지않는기술xyz"]), catalogue=cat) == []


def test_compare_side_by_side(cat):
    cmp = compare(["1332", "웹개발자", "1344"], profile=Profile(skills=["java"]), catalogue=cat)
    assert [c.code for c in cmp.columns] == ["1332", "1333", "1344"]
    assert cmp.columns[0].unit_count == 6 and cmp.columns[0].tasks == list(cat.by_code["1332"].tasks)
    assert cmp.columns[0].held is not None and cmp.columns[2].percent == 0
    assert "정보처리기사" not in cmp.common_certificates  # 데이터분석가 does not list it
    two = compare(["1332", "1333"], catalogue=cat)
    assert two.common_certificates == ["정보처리기사", "SQL 개발자(SQLD)"]
    assert two.columns[0].held is None
    with pytest.raises(ValueError):
        compare(["1332", "1333", "1344", "1345"], catalogue=cat)


def test_details_and_not_found(cat):
    from knowledge.occupations import OccupationNotFound

    d = details("응용 소프트웨어 개발자", catalogue=cat)
    assert d.occupation.code == "1332" and d.unit_count == 6 and d.levels == [3, 4, 5]
    assert d.coverage is None and d.market is None
    with pytest.raises(OccupationNotFound) as err:
        details("응용소프트웨어게발자", catalogue=cat)
    assert err.value.suggestions and err.value.suggestions[0].code == "1332"
