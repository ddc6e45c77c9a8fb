"""Whatever arrives — any payload, any text, in any order — the engine answers and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import Engine
from flows.jobs import JobsDialogue
from flows.state import ConversationState, UserInput

VERBS = ["m", "f", "n", "b", "o", "r", "h", "x", "p", "d", "u", "i", "c", "a", "y", "no", "j", "zz", ""]
ARGS = ["worknet_signup", "signup_open", "jobseeker_check", "yes", "no", "apply", "1344", "r", "e", "majors",
        "9", "", "x" * 70, "프로필", "student", "jobs", "center"]

payloads = st.builds(
    lambda verb, args: ":".join([verb, *args]),
    st.sampled_from(VERBS),
    st.lists(st.sampled_from(ARGS), max_size=4),
)
texts = st.one_of(st.text(max_size=80), st.sampled_from(["다음", "이전", "그만", "1", "3", "네", "메뉴", "없음"]))
messages = st.lists(
    st.one_of(payloads.map(lambda p: UserInput(payload=p)),
              texts.map(lambda t: UserInput(text=t, parse={"intent": {"name": "nlu_fallback", "confidence": 0.1},
                                                           "entities": [], "intent_ranking": []}))),
    min_size=1, max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages)
def test_any_sequence_of_inputs_gets_replies(domain, sequence) -> None:
    engine = Engine(domain, JobsDialogue())
    state, done = ConversationState(), set()
    for message in sequence:
        out = engine.step(state, message, done)
        assert out.replies
        for reply in out.replies:
            assert reply.text or reply.title or reply.items
        state = ConversationState.model_validate(out.state.model_dump(mode="json"))  # survives storage
        done = {e.value for e in out.effects if e.kind == "stage_done"} | done
