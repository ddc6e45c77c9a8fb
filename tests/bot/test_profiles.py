"""A profile saved in the chat is what ``giljabi jobs report --user`` reports against."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.profiles import load_profile

#: commands here point the caches at fresh data directories: the trained models are loaded first
pytestmark = pytest.mark.usefixtures("trained_models_in_memory")


def test_profile_saved_in_chat_feeds_the_cli_report(data_dir, capsys) -> None:
    assert load_profile("kim") is None
    assert main(["say", "--user", "kim", "안녕"]) == 0
    from bot.assistant import build_assistant
    from bot.messages import Inbound

    assistant = build_assistant()
    assistant.handle(Inbound(channel="cli", user_key="kim", payload="j:e:certificates"))
    assistant.handle(Inbound(channel="cli", user_key="kim", text="정보처리기사"))
    assistant.store.close()
    assert load_profile("kim") == {"certificates": ["정보처리기사"]}
    capsys.readouterr()
    assert main(["jobs", "report", "1332", "--user", "kim"]) == 0
    out = capsys.readouterr().out
    assert "6개 중 1개 보유" in out


def test_the_chat_report_shows_imported_market_figures(data_dir, capsys) -> None:
    csv = data_dir / "market.csv"
    csv.write_text(
        "code,period,job_openings,job_seekers,openings_ratio,top_certificates,top_majors,age_bands\n"
        "1341,2025,120,60,,빅데이터분석기사,통계학,20대:40;30대:60\n",
        encoding="utf-8",
    )
    assert main(["jobs", "import-market", str(csv)]) == 0
    from bot.assistant import build_assistant
    from bot.messages import Inbound

    assistant = build_assistant()
    replies = assistant.handle(Inbound(channel="cli", user_key="m", payload="j:r:1341:3"))
    assistant.store.close()
    text = replies[0].text or ""
    assert "구인인원: 120" in text and "구인배수: 2.0" in text and "빅데이터분석기사" in text
    assert "2025" in text
