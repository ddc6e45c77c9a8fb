"""The Assistant's side of the engine contracts: every effect kind handled, handoff recorded, the clock
reaching the dialogue parts, market data given to the jobs dialogue from outside the step."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot.assistant import Assistant
from bot.market_file import MarketFile
from bot.messages import Inbound
from bot.store import Store
from flows.context import TurnContext
from flows.jobs import JobsDialogue
from flows.payloads import Handoff, Payload
from flows.state import Effect, EffectKind
from knowledge.occupations import MarketData, MarketRecord, market_path


def test_every_effect_kind_the_engine_can_emit_has_a_handler(make_assistant) -> None:
    assistant = make_assistant()
    assert set(assistant.effect_handlers) == set(EffectKind)


def test_an_effect_outside_the_closed_set_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        Effect("send_flowers")  # type: ignore[arg-type]
    assert Effect("stage_done", "apply").kind is EffectKind.STAGE_DONE


def test_a_handoff_is_logged_with_ids_only_and_reported_for_the_counter(make_assistant, caplog) -> None:
    assistant = make_assistant()
    with caplog.at_level(logging.INFO, logger="giljabi.assistant"):
        result = assistant.handle_turn(Inbound(channel="test", user_key="u1", payload=Handoff().encode()))
    assert result.handoff and result.replies
    lines = [r.getMessage() for r in caplog.records if "handoff requested" in r.getMessage()]
    assert len(lines) == 1 and "user_id=" in lines[0] and "u1" not in lines[0]
    assert not assistant.handle_turn(Inbound(channel="test", user_key="u1", payload="m")).handoff


class ClockProbe:
    """A dialogue part added by registration alone: it says the turn's time."""

    payloads: ClassVar[tuple[type[Payload], ...]] = ()
    intents: ClassVar[tuple[str, ...]] = ("clock_probe",)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        ctx.say(ctx.now.isoformat())


def test_the_clock_reaches_every_part_as_ctx_now(tmp_path: Path, domain) -> None:
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    store = Store(f"sqlite:///{tmp_path / 'clock.sqlite3'}")
    try:
        parser = lambda text: {"text": text, "intent": {"name": "clock_probe", "confidence": 1.0}, "entities": []}  # noqa: E731
        assistant = Assistant(store, domain, parser, clock=lambda: now[0])
        assistant.engine.register(ClockProbe())
        first = assistant.handle(Inbound(channel="test", user_key="u", text="몇 시"))
        now[0] += timedelta(days=3)
        later = assistant.handle(Inbound(channel="test", user_key="u", text="몇 시"))
    finally:
        store.close()
    assert first[0].text == "2026-03-02T09:00:00+00:00"
    assert later[0].text == "2026-03-05T09:00:00+00:00"


def test_market_data_is_reloaded_by_bot_when_the_file_changes(tmp_path: Path) -> None:
    jobs = JobsDialogue()
    market = MarketFile(jobs, tmp_path)
    assert not jobs.market.loaded
    path = market_path(tmp_path)
    path.parent.mkdir(parents=True)
    record = MarketRecord(code="1332", period="2025-01", job_openings=10)
    path.write_text(MarketData(source="t", records=[record]).model_dump_json(), encoding="utf-8")
    market.refresh()
    assert jobs.market.loaded and jobs.market.source == "t"
    path.write_text(MarketData(source="t2", records=[record]).model_dump_json(), encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    market.refresh()
    assert jobs.market.source == "t2"
    path.unlink()
    market.refresh()
    assert not jobs.market.loaded
