"""End-to-end dialogue scripts: every guide and branch, walked through the real Assistant and NLU.

Scripts live in ``scripts/*.yml`` (format in knowledge/content/AUTHORING.md). Each one runs against
a fresh database; ``restart: true`` rebuilds the Assistant over the same database mid-script, as a
process restart would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.messages import Inbound, Reply

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.yml"))


def _cases() -> list[Any]:
    cases = []
    for path in SCRIPTS:
        for script in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append(pytest.param(script, id=f"{path.stem}: {script['name']}"))
    return cases


def _visible(replies: list[Reply]) -> str:
    parts: list[str] = []
    for r in replies:
        parts += [r.title or "", r.text or ""]
        parts += [b.label for b in r.buttons] + [b.url or "" for b in r.buttons]
        parts += [i.title for i in r.items] + [i.description or "" for i in r.items]
    return "\n".join(parts)


def _payloads(replies: list[Reply]) -> list[str]:
    return [b.payload for r in replies for b in r.buttons if b.payload] + [
        i.payload for r in replies for i in r.items if i.payload
    ]


def _resolve(press: str, replies: list[Reply]) -> str:
    """``next``/``back`` mean the step's own button; anything else is a literal payload."""
    prefix = {"next": "n:", "back": "b:"}.get(press)
    if prefix is None:
        return press
    found = [p for p in _payloads(replies) if p.startswith(prefix)]
    assert found, f"no '{press}' button among {_payloads(replies)}"
    return found[0]


def _choose(option: str, replies: list[Reply]) -> str:
    found = [p for p in _payloads(replies) if p.startswith("o:") and p.rsplit(":", 1)[1] == option]
    assert found, f"no option '{option}' among {_payloads(replies)}"
    return found[0]


@pytest.mark.parametrize("script", _cases())
def test_dialogue(script: dict[str, Any], make_assistant) -> None:
    assistant = make_assistant()
    user = script.get("user", "script-user")
    replies: list[Reply] = []
    for number, turn in enumerate(script["turns"], start=1):
        if turn.get("restart"):
            assistant = make_assistant()
        if "say" in turn:
            text = str(turn["say"]) * int(turn.get("repeat", 1))
            inbound = Inbound(channel="test", user_key=user, text=text)
        elif "press" in turn:
            inbound = Inbound(channel="test", user_key=user, payload=_resolve(str(turn["press"]), replies))
        elif "choose" in turn:
            inbound = Inbound(channel="test", user_key=user, payload=_choose(str(turn["choose"]), replies))
        else:
            continue
        replies = assistant.handle(inbound)
        shown = _visible(replies)
        where = f"turn {number} ({str(turn)[:200]})"
        assert replies, f"{where}: no reply"
        for needle in turn.get("expect", []):
            assert str(needle) in shown, f"{where}: '{needle}' not in replies:\n{shown}"
        for needle in turn.get("absent", []):
            assert str(needle) not in shown, f"{where}: '{needle}' should not be in replies:\n{shown}"
        offered = _payloads(replies)
        for payload in turn.get("offers", []):
            assert payload in offered, f"{where}: '{payload}' not offered; offered {offered}"
