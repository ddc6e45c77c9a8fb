"""The flow engine on its own: parses are given, so these pin dialogue behaviour, not the NLU."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.engine import Engine, Outcome
from flows.loader import load_domain
from flows.replies import numbered_payloads
from flows.state import ConversationState, UserInput
from knowledge.loader import load_knowledge


def parse(intent: str, text: str = "", **entities: str) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": k, "value": v, "start": 0, "end": 0} for k, v in entities.items()],
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
    }


class Chat:
    """A conversation with the engine alone: state and progress carried from turn to turn."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.state, self.done = engine, ConversationState(), set()
        self.last: Outcome | None = None

    def send(self, text: str | None = None, payload: str | None = None, p: dict | None = None) -> Outcome:
        message = UserInput(text=text, payload=payload, parse=p)
        self.last = self.engine.step(self.state, message, self.done)
        self.state = self.last.state
        for effect in self.last.effects:
            if effect.kind == "stage_done":
                self.done.add(effect.value)
            elif effect.kind == "stage_undone":
                self.done.discard(effect.value)
        return self.last

    @property
    def shown(self) -> str:
        assert self.last is not None
        return "\n".join(f"{r.title or ''}\n{r.text or ''}" for r in self.last.replies)

    def typed(self, *texts: str) -> str:
        """What the bot shows for the last of ``texts``, each typed with no intent the NLU is sure of."""
        for text in texts:
            self.send(text, p=parse("nlu_fallback", text))
        return self.shown


def test_the_engine_does_not_mutate_the_state_it_is_given(domain) -> None:
    engine = Engine(domain)
    state = ConversationState()
    engine.step(state, UserInput(payload="f:worknet_signup"))
    assert state.place is None


def test_a_direct_question_gets_the_fact_and_an_offer_that_yes_accepts(chat: Chat) -> None:
    out = chat.send("구직신청하기 버튼이 안 떠요", p=parse("jobseeker_conversion"))
    assert "사이렌24" in out.replies[0].text
    assert "f:jobseeker_conversion" in numbered_payloads(out.replies)
    chat.send("네", p=parse("affirm"))
    assert chat.state.place and chat.state.place.flow == "jobseeker_conversion"


def test_a_step_fact_offers_to_start_at_that_step(chat: Chat) -> None:
    out = chat.send("이미 가입되어 있다고 떠요", p=parse("worknet_signup"))
    payloads = numbered_payloads(out.replies)
    assert "f:worknet_signup:already_joined" in payloads and "f:worknet_signup" in payloads


def test_typing_a_number_presses_that_button(chat: Chat) -> None:
    out = chat.send(payload="m")
    first = numbered_payloads(out.replies)[0]
    assert first == "m:student"
    out = chat.send("1", p=parse("nlu_fallback"))
    assert "f:worknet_signup" in numbered_payloads(out.replies)


def test_conditions_skip_steps_both_ways(chat: Chat) -> None:
    chat.send(payload="f:jobseeker_conversion:id_card")
    chat.send(payload="o:jobseeker_conversion:id_card:license")
    assert chat.state.place.step == "id_license"
    chat.send(payload="b:jobseeker_conversion:id_license")
    assert chat.state.place.step == "id_card"


def test_back_on_the_first_step_says_so(chat: Chat) -> None:
    chat.send(payload="f:worknet_signup")
    chat.send(payload="b:worknet_signup:signup_open")
    assert "첫 단계" in chat.shown and chat.state.place.step == "signup_open"


def test_fallback_twice_offers_a_consultant(chat: Chat) -> None:
    ranking = {"intent": {"name": "nlu_fallback", "confidence": 0.2}, "entities": [],
               "intent_ranking": [{"name": "iap_guide", "confidence": 0.2}, {"name": "iap_booking", "confidence": 0.1}]}
    out = chat.send("asdf qwer", p=ranking)
    assert numbered_payloads(out.replies)[:2] == ["i:iap_guide", "i:iap_booking"]
    out = chat.send("zxcv", p=ranking)
    assert "c" in numbered_payloads(out.replies)
    chat.send(payload="i:iap_booking")
    assert chat.state.fallbacks == 0


def test_the_facts_answer_even_when_the_nlu_falls_back(chat: Chat) -> None:
    ranking = {"intent": {"name": "nlu_fallback", "confidence": 0.2}, "entities": [],
               "intent_ranking": [{"name": "worknet_signup", "confidence": 0.2}]}
    out = chat.send("가입돼있다고 나와요", p=ranking)
    assert "이미 계정이 있는 거예요" in out.replies[0].text


def test_a_clarifying_button_answers_with_the_topic_chosen(chat: Chat) -> None:
    ranking = {"intent": {"name": "nlu_fallback", "confidence": 0.2}, "entities": [],
               "intent_ranking": [{"name": "worknet_signup", "confidence": 0.2}]}
    out = chat.send("ㅁㄴㅇㄹ 그거요", p=ranking)
    assert "i:worknet_signup" in numbered_payloads(out.replies)
    out = chat.send(payload="i:worknet_signup")
    assert out.replies[0].title == "워크넷 가입하기"


def test_grade_entity_fills_the_slot_and_progress_shows_the_track(chat: Chat) -> None:
    chat.send("저 3학년인데 다음에 뭐해요", p=parse("progress_status", grade="3"))
    assert chat.state.slots["grade"] == "3" and "점프업" in chat.shown


def test_step_done_without_a_stage_asks_which(chat: Chat) -> None:
    out = chat.send("다 했어요", p=parse("step_done"))
    assert "d:apply" in numbered_payloads(out.replies)
    chat.send(payload="f:assessments")
    chat.send("다 했어요", p=parse("step_done"))
    assert chat.done == {"assessments"} and chat.state.place is None


def test_centre_information_comes_only_from_the_institution_file(tmp_path: Path) -> None:
    inst = tmp_path / "inst.yml"
    inst.write_text("school_name: 테스트대학교\nhours: 평일 9시-18시\nconsultants:\n  - {college: 공과대학}\n",
                    encoding="utf-8")
    knowledge = load_knowledge(institution_file=inst)
    engine = Engine(load_domain(knowledge))
    out = engine.step(ConversationState(), UserInput(payload="a:center"))
    text = out.replies[0].text
    assert "테스트대학교" in text and "평일 9시-18시" in text and "아직 등록되지 않았어요" in text


def test_every_flow_can_be_walked_to_its_end_by_pressing_next_and_first_options(domain) -> None:
    """No dead ends: each guide reaches its closing message from its first step."""
    engine = Engine(domain)
    for flow_id in domain.flows:
        state, seen = ConversationState(slots={"grade": "3"}), 0
        out = engine.step(state, UserInput(payload=f"f:{flow_id}"))
        while out.state.place is not None and out.state.place.flow == flow_id and seen < 60:
            seen += 1
            payloads = numbered_payloads(out.replies)
            press = next(p for p in payloads if p.startswith(("n:", "o:")))
            out = engine.step(out.state, UserInput(payload=press))
        assert seen < 60, f"{flow_id} loops"


def test_flows_and_facts_use_only_catalogue_intents_and_every_intent_is_handled(domain) -> None:
    import nlu

    catalogue = set(nlu.intents())
    used = {f.intent for f in domain.knowledge.facts.values() if f.intent} | {
        f.intent for f in domain.flows.values() if f.intent
    }
    assert used <= catalogue, used - catalogue
    engine = Engine(domain)
    for intent in sorted(catalogue):
        out = engine.step(ConversationState(), UserInput(text="무엇", parse=parse(intent, "무엇")))
        assert out.replies, intent
        answered_by_fact = intent in used
        assert answered_by_fact or "알 수 없는" not in out.replies[0].text, intent


@pytest.mark.parametrize("choice", [0, 1, 2, 3])
def test_step_counters_run_one_by_one_to_the_total(domain, choice: int) -> None:
    """"n/total" on every guide and branch: starts at 1, goes up by one, ends at total, total fixed
    once it is known (before a branch is decided only "n단계" shows)."""
    import re

    engine = Engine(domain)
    for flow_id in domain.flows:
        out = engine.step(ConversationState(), UserInput(payload=f"f:{flow_id}"))
        seen: list[tuple[int, int]] = []
        while out.state.place is not None and out.state.place.flow == flow_id and len(seen) < 60:
            title = out.replies[-1].title or ""
            known = re.search(r"(\d+)/(\d+)$", title)
            n, total = map(int, known.groups()) if known else (int(re.search(r"(\d+)단계$", title)[1]), None)
            seen.append((n, total))
            payloads = numbered_payloads(out.replies)
            options = [p for p in payloads if p.startswith("o:")]
            nxt = next((p for p in payloads if p.startswith("n:")), None)
            press = options[min(choice, len(options) - 1)] if options else nxt
            out = engine.step(out.state, UserInput(payload=press))
        if out.state.place is not None:
            continue  # this choice led into another guide
        assert [n for n, _ in seen] == list(range(1, len(seen) + 1)), (flow_id, choice, seen)
        assert {t for _, t in seen if t is not None} <= {len(seen)}, (flow_id, choice, seen)
        assert seen[-1][1] == len(seen), (flow_id, choice, seen)


def test_the_turn_time_is_given_not_read(domain) -> None:
    """``now`` reaches the parts as ``ctx.now``; without it a part that needs the time fails loudly."""
    from datetime import UTC, datetime

    from flows.context import TurnContext

    seen: list[datetime] = []

    class Probe:
        payloads: tuple = ()
        intents = ("clock_probe",)

        def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict) -> None:
            seen.append(ctx.now)
            ctx.say("ok")

    engine = Engine(domain)
    engine.register(Probe())
    when = datetime(2027, 1, 1, tzinfo=UTC)
    engine.step(ConversationState(), UserInput(text="x", parse=parse("clock_probe", "x")), now=when)
    assert seen == [when]
    with pytest.raises(RuntimeError):
        engine.step(ConversationState(), UserInput(text="x", parse=parse("clock_probe", "x")))
    with pytest.raises(ValueError):
        engine.step(ConversationState(), UserInput(payload="m"), now=datetime(2027, 1, 1))
