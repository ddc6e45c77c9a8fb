"""Entity extraction and synonym normalisation."""

from __future__ import annotations

from datetime import date

import pytest

import nlu

WEDNESDAY = date(2025, 3, 5)


def _entities(text: str, **kw) -> list[dict]:
    result = nlu.parse(text, **kw)
    for ent in result["entities"]:
        assert text[ent["start"] : ent["end"]].strip(), ent
    return result["entities"]


def _values(text: str, entity: str, **kw) -> list[str]:
    return [e["value"] for e in _entities(text, **kw) if e["entity"] == entity]


@pytest.mark.parametrize(
    ("text", "canonical", "surface"),
    [
        ("웤넷 가입 어케함", "워크넷", "웤넷"),
        ("고용24 로그인이 안 돼요", "워크넷", "고용24"),
        ("worknet 가입", "워크넷", "worknet"),
        ("work24 회원가입", "워크넷", "work24"),
        ("워크냇 가입 어떻게 해요", "워크넷", "워크냇"),
        ("잡캐어 하는법", "잡케어", "잡캐어"),
        ("jobcare 보고서 pdf", "잡케어", "jobcare"),
        ("재학생맞춤형고용서비스 신청", "재맞고", "재학생맞춤형고용서비스"),
        ("재학생 맞춤형 고용서비스가 뭐예요", "재맞고", "재학생 맞춤형 고용서비스"),
        ("사이렌 24 실명등록", "사이렌24", "사이렌 24"),
        ("DOOR에 과제 올려요", "DOOR", "DOOR"),
        ("큐넷 자격 조회", "Q-Net", "큐넷"),
        ("고용행정통합포털 계정", "고용행정통합포털", "고용행정통합포털"),
    ],
)
def test_service_synonyms_are_normalised(text: str, canonical: str, surface: str) -> None:
    services = [e for e in _entities(text) if e["entity"] == "service"]
    assert services, text
    assert services[0]["value"] == canonical
    assert text[services[0]["start"] : services[0]["end"]] == surface


def test_no_service_in_unrelated_words() -> None:
    assert _values("워크숍 일정이 궁금해요", "service") == []
    assert _values("outdoor 활동", "service") == []


def test_assessments_and_their_stage() -> None:
    text = "취업준비도 검사랑 능력평가 다 했어요"
    assert _values(text, "assessment") == ["취업준비도검사", "취업능력평가"]
    assert _values(text, "stage") == ["assessments"]


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("재맞고 신청 완료했어요", "apply"),
        ("워크넷 가입 다 했어요", "worknet"),
        ("구직회원전환 끝냈어요", "worknet"),
        ("잡케어 다 했어요", "jobcare"),
        ("검사 3개 다 했어요", "assessments"),
        ("IAP 상담 예약했어요", "iap_booking"),
        ("DOOR 과제 제출 완료", "iap_register"),
        ("IAP 전산 등록했어요", "iap_register"),
    ],
)
def test_stage_ids(text: str, stage: str) -> None:
    assert stage in _values(text, "stage")


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("저 1학년이에요", ["1"]),
        ("3학년인데 점프업이죠?", ["3"]),
        ("새내기인데요", ["1"]),
        ("신입생도 해요?", ["1"]),
        ("고학년이에요", []),
        ("1대1 상담", []),
    ],
)
def test_grade(text: str, grade: list[str]) -> None:
    assert _values(text, "grade") == grade


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("52살인데 재취업하고 싶어요", ["52"]),
        ("50대 구직자예요", ["50"]),
        ("만 45세입니다", ["45"]),
        ("오십대 후반이에요", ["50"]),
        ("20시간 이상 참여", []),
    ],
)
def test_age(text: str, age: list[str]) -> None:
    assert _values(text, "age") == age


def test_date_and_time_are_normalised() -> None:
    ents = _entities("다음주 화요일 3시에 상담 예약해줘", today=WEDNESDAY)
    date_ent = next(e for e in ents if e["entity"] == "date")
    time_ent = next(e for e in ents if e["entity"] == "time")
    assert (date_ent["value"], date_ent["normalized"]) == ("다음주 화요일", "2025-03-11")
    assert (time_ent["value"], time_ent["normalized"]) == ("3시", "15:00")


@pytest.mark.parametrize(
    ("text", "date_norm", "time_norm"),
    [
        ("내일 오전 10시", "2025-03-06", "10:00"),
        ("3월 12일 오후 2시 반", "2025-03-12", "14:30"),
        ("금요일 14:30 가능해요?", "2025-03-07", "14:30"),
        ("이번 주 목요일 4시 30분", "2025-03-06", "16:30"),
    ],
)
def test_date_time_variants(text: str, date_norm: str, time_norm: str) -> None:
    ents = _entities(text, today=WEDNESDAY)
    assert [e["normalized"] for e in ents if e["entity"] == "date"] == [date_norm]
    assert [e["normalized"] for e in ents if e["entity"] == "time"] == [time_norm]


def test_no_dates_in_durations() -> None:
    ents = _entities("주 5일 일 5시간 근무", today=WEDNESDAY)
    assert [e for e in ents if e["entity"] in ("date", "time")] == []


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("파이썬 관련 직업 뭐 있어요?", ["파이썬"]),
        ("데이터 분석 쪽 직업 알려줘", ["데이터 분석"]),
        ("UX/UI 관련 직업", ["UX/UI"]),
        ("정보처리기사 자격증으로 할 수 있는 일", ["정보처리기사"]),
        ("컴공에 정보처리기사 있는데 뭐가 맞아요?", ["컴공", "정보처리기사"]),
    ],
)
def test_keyword_is_what_remains_of_the_question(text: str, keywords: list[str]) -> None:
    result = nlu.parse(text)
    assert result["intent"]["name"] in ("job_search", "profile_recommend")
    assert [e["value"] for e in result["entities"] if e["entity"] == "keyword"] == keywords


def test_occupations_for_comparison() -> None:
    result = nlu.parse("웹 개발자랑 데이터 분석가 비교해줘")
    assert result["intent"]["name"] == "occupation_compare"
    assert [e["value"] for e in result["entities"] if e["entity"] == "occupation"] == ["웹 개발자", "데이터 분석가"]


def test_free_text_entities_only_for_job_questions() -> None:
    ents = _entities("상담사 연결해 주세요")
    assert not [e for e in ents if e["entity"] in ("keyword", "occupation")]
