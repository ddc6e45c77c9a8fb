"""The ``parse`` contract, typo tolerance, fallback and robustness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import nlu
from nlu.config import FALLBACK_THRESHOLD, RANKING_SIZE

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = {
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "help",
    "out_of_scope",
    "ask_detail",
    "program_overview",
    "program_apply",
    "worknet_signup",
    "jobseeker_conversion",
    "jobcare_guide",
    "assessment_guide",
    "support_type",
    "iap_booking",
    "iap_guide",
    "progress_status",
    "step_done",
    "job_search",
    "occupation_compare",
    "profile_recommend",
    "midcareer_service",
    "job_center",
    "work_experience_admin",
    "human_handoff",
    "reminder_settings",
    "notifications_off",
    "notifications_on",
    "center_info",
    "delete_my_data",
    "show_my_data",
}


def _check_shape(result: dict, text: str) -> None:
    assert set(result) == {"text", "intent", "entities", "intent_ranking"}
    assert result["text"] == text
    assert set(result["intent"]) == {"name", "confidence"}
    assert isinstance(result["intent"]["confidence"], float)
    ranking = result["intent_ranking"]
    assert 1 <= len(ranking) <= RANKING_SIZE
    confs = [r["confidence"] for r in ranking]
    assert confs == sorted(confs, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confs)
    assert all(r["name"] in CATALOGUE for r in ranking)
    assert result["intent"]["confidence"] == pytest.approx(confs[0])
    for ent in result["entities"]:
        assert {"entity", "value", "start", "end"} <= set(ent)
        assert 0 <= ent["start"] < ent["end"] <= len(text)


def test_model_knows_exactly_the_catalogue() -> None:
    assert set(nlu.intents()) == CATALOGUE


def test_parse_shape_is_rasa_like() -> None:
    text = "워크넷 가입 어떻게 해요?"
    result = nlu.parse(text)
    _check_shape(result, text)
    assert result["intent"]["name"] == "worknet_signup"
    json.dumps(result, ensure_ascii=False)  # serialisable as is


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("웤넷 가입 어케함", "worknet_signup"),
        ("구직신청가능이 안나와요ㅠ", "jobseeker_conversion"),
        ("잡캐어 하는법", "jobcare_guide"),
        ("재맞고신청방법알려줘", "program_apply"),
        ("worknet 가입", "worknet_signup"),
        ("ㄱㅅ", "thanks"),
        ("ㅇㅇ", "affirm"),
        ("ㄴㄴ", "deny"),
        ("ㅎㅇ", "greet"),
        ("다음에 뭐 해야 돼?", "progress_status"),
        ("알림 꺼줘", "notifications_off"),
        ("수신거부", "notifications_off"),
        ("알림 켜줘", "notifications_on"),
        ("센터 어디예요?", "center_info"),
        ("우리 단대 컨설턴트 누구예요", "center_info"),
    ],
)
def test_messages_from_the_brief(text: str, intent: str) -> None:
    result = nlu.parse(text)
    _check_shape(result, text)
    assert result["intent"]["name"] == intent
    assert result["intent"]["confidence"] >= FALLBACK_THRESHOLD


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀😀", "\x00\x01\x02", "\ud800", "!!!???", "ㅁㄴㅇㄹ", "asdfghjkl", "\u200b\u200d", "ㅋㅋ"],
)
def test_empty_or_meaningless_input_falls_back(text: str) -> None:
    result = nlu.parse(text)
    _check_shape(result, text)
    assert result["intent"]["name"] == "nlu_fallback"
    # the ranking still offers real intents, so the dialogue can show the two likeliest as buttons
    assert result["intent_ranking"][0]["name"] in CATALOGUE


@pytest.mark.parametrize(
    "text",
    [
        "워크넷 가입 " * 2000,
        "가" * 10_000,
        "".join(chr(c) for c in range(0, 0x3000, 7)),
        "🇰🇷👨‍👩‍👧‍👦🏳️‍🌈" * 50,
        "ｱｲｳ ㈜ ① ℡ ﬁ",
    ],
)
def test_parse_never_raises(text: str) -> None:
    result = nlu.parse(text)
    _check_shape(result, text)


def test_non_string_input_is_tolerated() -> None:
    assert nlu.parse(None)["intent"]["name"] == "nlu_fallback"  # type: ignore[arg-type]


def test_fallback_keeps_top_score_and_ranking() -> None:
    result = nlu.parse("ㅁㄴㅇㄹ")
    assert result["intent"]["name"] == "nlu_fallback"
    assert result["intent"]["confidence"] == result["intent_ranking"][0]["confidence"]
    assert result["intent"]["confidence"] < FALLBACK_THRESHOLD


def test_nlu_imports_no_app_code_and_no_sklearn_when_cached(nlu_cache_dir: Path) -> None:
    code = (
        "import sys, json, nlu\n"
        f"nlu.set_cache_dir({str(nlu_cache_dir)!r})\n"
        "nlu.parse('워크넷 가입')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('bot', 'flows', 'knowledge', 'sklearn')]\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
