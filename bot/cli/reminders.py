"""``giljabi reminders``: what would go out (dry run), a user's reminders, and one planner pass."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("reminders", help="reminders: due (dry run), list, plan")
    sub = group.add_subparsers(dest="reminders_command", required=True)

    p = sub.add_parser("due", help="reminders that would go out at a moment (sends nothing)")
    p.add_argument("--at", metavar="ISO_DATETIME", help="the moment (default now; no zone = GILJABI_TIMEZONE)")
    p.add_argument("--user", metavar="CHANNEL:USER_KEY", help="only this user")
    p.add_argument("--json", action="store_true", help="one JSON object per line: user, kind, due_at, text")
    p.set_defaults(func=_due)

    p = sub.add_parser("list", help="one user's reminders with their status")
    p.add_argument("--user", metavar="CHANNEL:USER_KEY", required=True)
    p.add_argument("--json", action="store_true", help="one JSON object per line: user, kind, due_at, status, text")
    p.set_defaults(func=_list)

    p = sub.add_parser("plan", help="run one planner pass now (serve and worker run it every few minutes)")
    p.add_argument("--at", metavar="ISO_DATETIME", help=argparse.SUPPRESS)
    p.set_defaults(func=_plan)


def _context() -> tuple[Any, Any, Any]:
    from zoneinfo import ZoneInfo

    from bot.assistant import build_domain
    from bot.config import get_settings
    from bot.reminders import Planner, build_scheduler
    from bot.store import Store

    settings = get_settings()
    store = Store(settings.resolved_database_url())
    return store, Planner(build_scheduler(build_domain(settings), settings)), ZoneInfo(settings.timezone)


def _moment(value: str | None, zone: Any) -> datetime:
    if value is None:
        return datetime.now(zone)
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=zone)


def _print(lines: list[Any], zone: Any, as_json: bool, listed: bool) -> None:
    for line in lines:
        record = line.as_listed(zone) if listed else line.as_due(zone)
        if as_json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            status = f"  {record['status']:<9}" if listed else ""
            print(f"{record['due_at']}  {record['user']}  {record['kind']:<11}{status}  {record['text']}")


def _due(args: argparse.Namespace) -> int:
    from bot.reminders.report import due, parse_user

    try:
        user = parse_user(args.user) if args.user else None
        store, planner, zone = _context()
        at = _moment(args.at, zone)
    except ValueError as exc:
        print(f"giljabi reminders due: {exc}", file=sys.stderr)
        return 2
    try:
        _print(due(store, planner, at, user), zone, args.json, listed=False)
    finally:
        store.close()
    return 0


def _list(args: argparse.Namespace) -> int:
    from bot.reminders.report import listed, parse_user

    try:
        user = parse_user(args.user)
    except ValueError as exc:
        print(f"giljabi reminders list: {exc}", file=sys.stderr)
        return 2
    store, _planner, zone = _context()
    try:
        _print(listed(store, user), zone, args.json, listed=True)
    finally:
        store.close()
    return 0


def _plan(args: argparse.Namespace) -> int:
    store, planner, zone = _context()
    try:
        with store.unit() as s:
            result = planner.run(s, _moment(args.at, zone))
        print(json.dumps({"queued": result.queued, "cancelled": result.cancelled}))
    finally:
        store.close()
    return 0
