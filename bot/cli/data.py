"""``giljabi purge [--dry-run]`` and ``giljabi export --user CHANNEL:USER_KEY``: retention and
a person's request for their data, from the command line (see ``bot/retention.py``, ``bot/mydata.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    purge = subparsers.add_parser("purge", help="보관 기간(GILJABI_RETENTION_DAYS)이 지난 기록 삭제")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    purge.add_argument("--days", type=int, default=None, help="override GILJABI_RETENTION_DAYS")
    purge.set_defaults(func=run_purge)
    export = subparsers.add_parser("export", help="한 사용자의 저장된 정보를 JSON으로 내보내기")
    export.add_argument("--user", required=True, metavar="CHANNEL:USER_KEY", help="e.g. kakao:abc123")
    export.set_defaults(func=run_export)


def _store() -> tuple[Settings, Store]:
    """The settings and a migrated store (imported late so that `giljabi --help` stays instant)."""
    from bot.config import get_settings
    from bot.logs import configure_logging
    from bot.store.startup import open_store

    settings = get_settings()
    configure_logging("WARNING")
    return settings, open_store(settings)


def run_purge(args: argparse.Namespace) -> int:
    from bot.retention import purge

    settings, store = _store()
    try:
        days = args.days if args.days is not None else settings.retention_days
        counts = purge(store, days, dry_run=args.dry_run)
    finally:
        store.close()
    print(json.dumps({"days": days, "dry_run": args.dry_run, **counts.as_dict()}, ensure_ascii=False))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from bot.mydata import export_user

    channel, sep, user_key = args.user.partition(":")
    if not sep or not channel or not user_key:
        print("giljabi: --user needs CHANNEL:USER_KEY, e.g. kakao:abc123", file=sys.stderr)
        return 2
    _, store = _store()
    try:
        data = export_user(store, channel, user_key)
    finally:
        store.close()
    if data is None:
        print(f"giljabi: no user {channel}:{user_key}", file=sys.stderr)
        return 1
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0
