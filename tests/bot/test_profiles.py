"""A profile saved in the chat is what ``giljabi jobs report --user`` reports against."""

from __future__ import annotations

from bot.cli import main
from bot.profiles import load_profile


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
