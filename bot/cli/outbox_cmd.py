"""``giljabi notify`` (queue a notice), ``giljabi worker`` (the dispatcher alone), ``giljabi outbox`` (list rows).

Output contracts, one JSON line each: ``notify`` prints ``{"queued": N, "skipped_opt_out": M}``
(``{"would_queue": N, "skipped_opt_out": M}`` with ``--dry-run``); ``worker --once`` prints
``{"sent": N, "held": N, "failed": N, "unreachable": N}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

STATUSES = ("pending", "sending", "sent", "held", "failed", "cancelled", "unreachable", "unknown")


def register(subparsers: argparse._SubParsersAction) -> None:
    notify = subparsers.add_parser("notify", help="센터 공지를 사용자에게 보내기 (outbox에 넣기)")
    who = notify.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", action="append", metavar="CHANNEL:USER_KEY", help="e.g. telegram:123456 (repeatable)")
    who.add_argument("--all", action="store_true", help="every user")
    who.add_argument("--stage-pending", metavar="STAGE", help="users who have not finished STAGE (e.g. iap_booking)")
    who.add_argument("--grade", type=int, metavar="N", help="users whose grade is N")
    notify.add_argument("--channel", metavar="CH", help="only users on this channel (telegram, kakao, cli)")
    notify.add_argument("--at", metavar="ISO_DATETIME", help="send at this time (no zone: GILJABI_TIMEZONE)")
    notify.add_argument("--dry-run", action="store_true", help="count, queue nothing")
    notify.add_argument("text", metavar="TEXT")
    notify.set_defaults(func=run_notify)

    worker = subparsers.add_parser("worker", help="outbox dispatcher only (no web server)")
    worker.add_argument("--once", action="store_true", help="send everything due now, print counts, exit")
    worker.set_defaults(func=run_worker)

    outbox = subparsers.add_parser("outbox", help="list outbox rows")
    outbox.add_argument("--user", metavar="CHANNEL:USER_KEY")
    outbox.add_argument("--status", choices=STATUSES)
    outbox.add_argument("--limit", type=int, default=1000, metavar="N", help="newest N rows (default 1000)")
    outbox.add_argument("--json", action="store_true", help="one JSON object per line")
    outbox.set_defaults(func=run_outbox)


def _fail(message: str) -> int:
    sys.stderr.write(f"giljabi: {message}\n")
    return 2


def _print(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _settings() -> Any:
    from bot.config import get_settings
    from bot.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    return settings


def parse_at(value: str, timezone: str) -> datetime:
    """An ISO date-time; one without a zone is read in ``timezone``."""
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def run_notify(args: argparse.Namespace) -> int:
    from bot.assistant import build_domain
    from bot.outbox.notices import Audience, parse_user, queue_notice
    from bot.store import Store

    settings = _settings()
    text = args.text.strip()
    if not text:
        return _fail("the notice text is empty")
    try:
        users = [parse_user(u) for u in args.user or []]
        at = parse_at(args.at, settings.timezone) if args.at else None
    except ValueError as exc:
        return _fail(str(exc))
    domain = build_domain(settings)
    if args.stage_pending and args.stage_pending not in domain.stages:
        return _fail(f"unknown stage {args.stage_pending!r}; stages: {', '.join(domain.stages)}")
    audience = Audience(users=users, everyone=args.all, stage_pending=args.stage_pending,
                        grade=str(args.grade) if args.grade is not None else None, channel=args.channel)
    store = Store(settings.resolved_database_url())
    try:
        result = queue_notice(store, audience, text, title=domain.knowledge.text("outbox.notice_title"), at=at,
                              dry_run=args.dry_run)
    finally:
        store.close()
    _print({"would_queue" if args.dry_run else "queued": result.queued, "skipped_opt_out": result.skipped_opt_out})
    return 0


def run_worker(args: argparse.Namespace) -> int:
    import asyncio

    from bot.outbox.worker import run_forever, run_once

    settings = _settings()
    if args.once:
        _print(asyncio.run(run_once(settings)))
        return 0
    asyncio.run(run_forever(settings))
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    from bot.outbox.listing import list_rows
    from bot.outbox.notices import parse_user
    from bot.store import Store

    settings = _settings()
    try:
        user = parse_user(args.user) if args.user else None
    except ValueError as exc:
        return _fail(str(exc))
    store = Store(settings.resolved_database_url())
    try:
        rows = list_rows(store, user=user, status=args.status, limit=args.limit)
    finally:
        store.close()
    if args.json:
        for row in rows:
            _print(row)
        return 0
    columns = ("id", "user", "kind", "status", "due_at", "attempts", "sent_at", "last_error")
    sys.stdout.write("\t".join(columns) + "\n")
    for row in rows:
        sys.stdout.write("\t".join("" if row[c] is None else str(row[c]) for c in columns) + "\n")
    return 0
