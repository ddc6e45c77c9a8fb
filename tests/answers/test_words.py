"""Progress said in words, profile answers cut into items, occupations named in a question."""

from __future__ import annotations

import pytest

from knowledge.answering.lexicon import load_lexicon
from knowledge.answering.occupation_names import OccupationNames
from knowledge.answering.profile_items import split_profile_items
from knowledge.answering.progress_words import PartsDone, parts_said_done, stages_said_done
from knowledge.occupations import default_catalogue

LEX = load_lexicon()


@pytest.mark.parametrize(
    ("text", "stages"),
    [
        ("워크넷이랑 잡케어는 다 했어요", ["worknet", "jobcare"]),
        ("검사 3개도 끝냄", ["assessments"]),
        ("재맞고 신청이랑 워크넷 가입 완료", ["apply", "worknet"]),
        ("IAP 상담 예약했어요", ["iap_booking"]),
        ("잡케어 어떻게 해요", []),
        ("워크넷 가입 아직 안 했어요", []),
        ("잡케어 했는데 보고서 어디에 내요?", []),
        ("수당 신청했어요", []),
        ("취업준비도검사 끝냈어요", []),
        ("준비도검사, 능력평가, 활동평가 다 했어요", ["assessments"]),
    ],
)
def test_stages_said_done(text: str, stages: list[str]) -> None:
    assert stages_said_done(text, LEX) == stages


@pytest.mark.parametrize(
    ("text", "done", "left"),
    [
        ("취업준비도검사 끝냈어요", ("취업준비도검사",), ("취업능력평가", "취업활동평가")),
        ("능력평가랑 구직준비도검사는 했어요", ("취업준비도검사", "취업능력평가"), ("취업활동평가",)),
        ("잡케어랑 활동평가 완료", ("취업활동평가",), ("취업준비도검사", "취업능력평가")),
        ("능력평가까지 했어요", ("취업준비도검사", "취업능력평가"), ("취업활동평가",)),
    ],
)
def test_some_parts_of_a_stage_said_done(text: str, done: tuple[str, ...], left: tuple[str, ...]) -> None:
    assert parts_said_done(text, LEX) == [PartsDone("assessments", done, left)]


@pytest.mark.parametrize(
    ("text", "done", "left"),
    [
        ("워크넷 회원가입은 했어요", ("워크넷 회원가입",), ("사이렌24 실명등록", "구직회원 전환")),
        ("사이렌24에서 실명등록 끝냈어요", ("사이렌24 실명등록",), ("워크넷 회원가입", "구직회원 전환")),
        ("실명등록까지 완료", ("워크넷 회원가입", "사이렌24 실명등록"), ("구직회원 전환",)),
    ],
)
def test_one_worknet_step_is_not_the_stage(text: str, done: tuple[str, ...], left: tuple[str, ...]) -> None:
    assert stages_said_done(text, LEX) == []
    assert parts_said_done(text, LEX) == [PartsDone("worknet", done, left)]


@pytest.mark.parametrize("text", ["취업활동평가까지 끝냈어요", "구직회원 전환까지 마쳤어요"])
def test_the_last_part_with_kkaji_is_the_whole_stage(text: str) -> None:
    assert len(stages_said_done(text, LEX)) == 1 and parts_said_done(text, LEX) == []


@pytest.mark.parametrize("text", ["검사 3개 다 했어요", "취업능력평가 어떻게 해요?", "활동평가 아직 안 했어요",
                                  "취업준비도검사, 취업능력평가, 취업활동평가 끝"])
def test_no_parts_when_the_whole_stage_or_nothing_is_said_done(text: str) -> None:
    assert parts_said_done(text, LEX) == []


@pytest.mark.parametrize(
    ("text", "held", "preparing"),
    [
        ("정보처리기사 준비중이고 컴활 2급 있어요", ["컴활 2급"], ["정보처리기사"]),
        ("SQLD 있고 정보처리기사 공부 중", ["SQLD"], ["정보처리기사"]),
        ("컴퓨터공학 및 통계학", ["컴퓨터공학", "통계학"], []),
        ("토익 900점이랑 운전면허 있어요", ["토익 900점", "운전면허"], []),
        ("정보처리기사 따려고 준비하고 있어요", [], ["정보처리기사"]),
        ("파이썬, 자바", ["파이썬", "자바"], []),
    ],
)
def test_profile_items(text: str, held: list[str], preparing: list[str]) -> None:
    assert split_profile_items(text, LEX) == (held, preparing)


@pytest.fixture(scope="module")
def names() -> OccupationNames:
    return OccupationNames(default_catalogue(), LEX)


@pytest.mark.parametrize(
    ("text", "name", "view"),
    [
        ("간호사", "간호사", "details"),
        ("회계사가 하는 일이 뭐야", "회계사", "details"),
        ("바리스타 되려면?", "바리스타", "requirements"),
        ("데이터분석가 보고서 보여줘", "데이터분석가", "report"),
        ("배우 되려면", "배우", "requirements"),
        # "되고 싶어요" is one frame, not 되고싶 + a stray 어; "있어야 돼요" frames as 필요 does
        ("선생님 되고 싶어요", "중등학교 교사", "requirements"),
        ("번역가 되고싶어요", "번역가·통역가", "requirements"),
        ("경비원 되려면 자격증 있어야 돼요?", "경비원", "requirements"),
    ],
)
def test_occupation_named(names: OccupationNames, text: str, name: str, view: str) -> None:
    found = names.find(text)
    assert found is not None and found.name == name and found.view == view


@pytest.mark.parametrize(
    "text", ["3가지 검사 어떻게 해요", "컨설턴트 전화번호 알려주세요", "배우고 싶어요", "간호사랑 물리치료사 비교해줘",
             "잡케어 보고서 보여줘", "검사 결과는 어디서 봐요"],
)
def test_not_an_occupation_question(names: OccupationNames, text: str) -> None:
    assert names.find(text) is None


def test_an_occupation_name_must_begin_a_word(names: OccupationNames) -> None:
    assert names.find("선발 대기자는 어떻게 처리해요?") is None  # 대기자 is no 기자
    assert names.find("기자 되려면") is not None
