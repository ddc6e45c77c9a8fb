"""The CLI contracts other checks depend on: ``giljabi say`` (plain, --json, --jsonl) and ``chat``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.chat import render_plain
from flows.replies import Button, ListItem, Reply

#: commands here point the caches at fresh data directories: the trained models are loaded first
pytestmark = pytest.mark.usefixtures("trained_models_in_memory")

GILJABI = Path(sys.executable).with_name("giljabi")


def run(args: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(args) == 0
    return capsys.readouterr().out


def test_say_json_prints_one_reply_object_per_line(data_dir: Path, capsys) -> None:
    out = run(["say", "--json", "서비스참여형 수당 얼마예요?"], capsys)
    replies = [json.loads(line) for line in out.splitlines()]
    assert replies and all(r["type"] in {"text", "card", "list"} for r in replies)
    assert "20만원" in json.dumps(replies, ensure_ascii=False)
    for reply in replies:
        for button in reply.get("buttons", []):
            assert set(button) in ({"label", "payload"}, {"label", "url"})


def test_say_sends_messages_in_order_as_one_user(data_dir: Path, capsys) -> None:
    run(["say", "--user", "u1", "--json", "메뉴"], capsys)
    out = run(["say", "--user", "u1", "--json", "1", "1"], capsys)
    assert "1/" in out  # menu -> 재맞고 submenu -> its first guide
    other = run(["say", "--user", "u2", "--json", "다음"], capsys)
    assert "보고 있는 안내가 없어요" in other


def test_say_jsonl_handles_text_and_payload_lines(data_dir: Path, capsys, monkeypatch) -> None:
    lines = [
        {"user": "a", "text": "고용행정통합포털 주소 알려줘"},
        {"user": "b", "payload": "f:worknet_signup"},
        {"user": "b", "payload": "n:worknet_signup:signup_open"},
        {"user": "a", "text": ""},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    out = run(["say", "--jsonl"], capsys, stdin, monkeypatch).splitlines()
    records = [json.loads(line) for line in out]
    assert [r.get("user") for r in records[:4]] == ["a", "b", "b", "a"]
    assert "adm.work24.go.kr" in json.dumps(records[0]["replies"])
    assert records[1]["payload"] == "f:worknet_signup" and records[1]["text"] is None
    assert "2/7" in records[2]["replies"][0]["title"]
    assert records[3]["replies"] and "error" in records[4]


def test_a_new_users_factual_question_is_answered_in_that_very_reply(data_dir: Path, capsys) -> None:
    out = run(["say", "--json", "자기주도형 수당 조건이 뭐예요?"], capsys)
    assert "5시간" in out and "5만원" in out


def test_commands_honour_the_data_dir_and_database_url(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.config import get_settings

    db = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("GILJABI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GILJABI_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    run(["say", "안녕"], capsys)
    get_settings.cache_clear()
    assert db.exists()
    assert not (tmp_path / "data" / "giljabi.sqlite3").exists()


def test_render_plain_numbers_options_in_payload_order() -> None:
    replies = [
        Reply(type="list", title="메뉴", items=[ListItem(title="가", payload="a"), ListItem(title="나", payload="b")]),
        Reply(text="본문", buttons=[Button(label="다음", payload="n"), Button(label="링크", url="http://www.work.go.kr/")]),
    ]
    text = render_plain(replies)
    assert "1) 가" in text and "2) 나" in text and "3) 다음" in text and "🔗 링크: http://www.work.go.kr/" in text


def test_chat_in_a_real_terminal_process(tmp_path: Path) -> None:
    """``giljabi chat`` as a person uses it: numbers pick options, Ctrl+D ends it."""
    import os

    from tests.conftest import NLU_CACHE  # the trained model is reused; the database is fresh

    env = {**os.environ, "GILJABI_DATA_DIR": str(NLU_CACHE),
           "GILJABI_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}"}
    proc = subprocess.run([str(GILJABI), "chat"], input="1\n3\n다음\n", capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1) 재맞고(빌드업·점프업) 안내" in proc.stdout
    assert "워크넷 가입하기 · 2/7" in proc.stdout


def test_nlu_review_lists_fallback_turns_masked(data_dir: Path, capsys) -> None:
    run(["say", "블라블라 쿠쿠루삥뽕 900101-1234567", "메뉴"], capsys)
    out = run(["nlu", "review"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1 and "쿠쿠루삥뽕" in rows[0]["text"] and "1234567" not in rows[0]["text"]
    assert rows[0]["intent"] == "nlu_fallback"
    yaml_out = run(["nlu", "review", "--yaml"], capsys)
    assert yaml_out.startswith('version: "3.1"') and "쿠쿠루삥뽕" in yaml_out
