"""``giljabi chat`` (the terminal channel) and ``giljabi say`` (scripted turns, for tests and checks)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the flows load with the command that needs them: `giljabi --help` stays instant
    from flows.replies import Reply

CHANNEL = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    chat = subparsers.add_parser("chat", help="대화형 터미널 채팅")
    chat.add_argument("--user", default="cli", help="대화할 사용자 id (기본: cli)")
    chat.set_defaults(func=run_chat)

    say = subparsers.add_parser("say", help="메시지를 순서대로 보내고 답을 출력")
    say.add_argument("--user", default="cli", help="사용자 id (기본: cli)")
    say.add_argument("--json", action="store_true", help="답마다 JSON 한 줄")
    say.add_argument("--jsonl", action="store_true", help='stdin의 {"user","text"|"payload"} 줄을 처리')
    say.add_argument("messages", nargs="*", metavar="MESSAGE")
    say.set_defaults(func=run_say)


def _assistant() -> Any:
    import os

    from bot.assistant import build_assistant
    from bot.logs import configure_logging

    configure_logging(os.environ.get("GILJABI_LOG_LEVEL") or "WARNING")  # a terminal chat stays quiet
    return build_assistant()


def render_plain(replies: list[Reply], start: int = 1) -> str:
    """Replies as terminal text, options numbered in the order ``flows.replies.numbered_payloads`` gives."""
    lines: list[str] = []
    number = start
    for reply in replies:
        if reply.title:
            lines.append(f"[{reply.title}]")
        if reply.text:
            lines.append(reply.text.rstrip())
        for item in reply.items:
            detail = f" — {item.description}" if item.description else ""
            if item.payload:
                lines.append(f"  {number}) {item.title}{detail}")
                number += 1
            elif item.url:
                lines.append(f"  🔗 {item.title}: {item.url}")
        options = []
        for button in reply.buttons:
            if button.payload:
                options.append(f"{number}) {button.label}")
                number += 1
        links = [f"  🔗 {b.label}: {b.url}" for b in reply.buttons if b.url]
        if options:
            lines.append("  " + "   ".join(options))
        lines += links
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def run_chat(args: argparse.Namespace) -> int:
    from bot.messages import Inbound
    from flows.payloads import Menu
    from flows.replies import numbered_payloads

    assistant = _assistant()
    print(assistant.text("cli.welcome") + "\n")
    prompt = assistant.text("cli.prompt")
    replies = assistant.handle(Inbound(channel=CHANNEL, user_key=args.user, payload=Menu().encode()))
    while True:
        print(render_plain(replies))
        try:
            line = input(prompt)
        except EOFError:
            print()
            return 0
        options = numbered_payloads(replies)
        picked = line.strip()
        if picked.isdigit() and 1 <= int(picked) <= len(options):
            inbound = Inbound(channel=CHANNEL, user_key=args.user, payload=options[int(picked) - 1])
        else:
            inbound = Inbound(channel=CHANNEL, user_key=args.user, text=line)
        replies = assistant.handle(inbound)


def run_say(args: argparse.Namespace) -> int:
    from bot.messages import Inbound

    assistant = _assistant()
    out = sys.stdout
    if args.jsonl:
        for raw in sys.stdin:
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
                user = str(item.get("user", "cli"))
                text, payload = item.get("text"), item.get("payload")
            except (json.JSONDecodeError, AttributeError):
                problem = {"error": "not a JSON object", "line": raw.rstrip("\n")}
                out.write(json.dumps(problem, ensure_ascii=False) + "\n")
                continue
            inbound = Inbound(
                channel=CHANNEL,
                user_key=user,
                text=None if payload is not None else ("" if text is None else str(text)),
                payload=None if payload is None else str(payload),
            )
            record: dict[str, Any] = {"user": user, "text": text}
            if payload is not None:
                record["payload"] = payload
            record["replies"] = [r.to_dict() for r in assistant.handle(inbound)]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
        return 0
    for message in args.messages:
        replies = assistant.handle(Inbound(channel=CHANNEL, user_key=args.user, text=message))
        if args.json:
            for reply in replies:
                out.write(json.dumps(reply.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(render_plain(replies) + "\n")
    return 0
