"""The gate between acting intents and answering, through the engine: a question heard only unsurely as
an acting intent is asked back, never acted on (no consultant called, no checklist); a sure request
still acts; the student checklist is not shown for a progress question in another programme."""

from __future__ import annotations

from flows.engine import Engine
from flows.state import ConversationState, EffectKind, UserInput


def _parse(text: str, intent: str, confidence: float, runner_up: str = "ask_detail") -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [],
            "intent_ranking": [{"name": intent, "confidence": confidence},
                               {"name": runner_up, "confidence": 1.0 - confidence}]}


def _step(engine: Engine, text: str, intent: str, confidence: float, state: ConversationState | None = None):
    return engine.step(state or ConversationState(), UserInput(text=text, parse=_parse(text, intent, confidence)))


def test_an_unsure_request_for_a_person_on_a_question_is_asked_back(domain) -> None:
    engine = Engine(domain)
    unsure = _step(engine, "그건 누구랑 이어 주는 거예요?", "human_handoff", 0.55)
    assert not any(e.kind == EffectKind.HANDOFF for e in unsure.effects)
    assert domain.knowledge.texts["fallback.clarify"] in unsure.replies[0].text
    sure = _step(engine, "상담사 연결해 주세요", "human_handoff", 0.99)
    assert any(e.kind == EffectKind.HANDOFF for e in sure.effects)


def test_an_unsure_progress_question_does_not_show_the_checklist(domain) -> None:
    engine = Engine(domain)
    header = domain.knowledge.texts["progress.header"]
    assert header not in _step(engine, "그 행사는 어디서 하는 거예요?", "progress_status", 0.6).replies[0].text
    assert header in _step(engine, "내 진행상황 보여줘", "progress_status", 0.99).replies[0].text


def test_a_progress_question_in_another_programme_is_not_the_student_checklist(domain) -> None:
    engine = Engine(domain)
    header = domain.knowledge.texts["progress.header"]
    operator = ConversationState(audience="operator")
    replies = _step(engine, "다음 순서는?", "progress_status", 0.99, operator).replies
    assert all(header not in r.text for r in replies)
    student = ConversationState(audience="student")
    assert header in _step(engine, "다음 순서는?", "progress_status", 0.99, student).replies[0].text
