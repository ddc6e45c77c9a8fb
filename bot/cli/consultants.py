"""``giljabi consultants add|list|disable``: console accounts (see ``bot/console/accounts.py``)."""

from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("consultants", help="상담 콘솔 계정 관리")
    sub = group.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="계정 만들기")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=("consultant", "admin"), default="consultant")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list", help="계정 목록")
    disable = sub.add_parser("disable", help="계정 막기 (로그인 중인 세션도 끝남)")
    disable.add_argument("email")
    group.set_defaults(func=run)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.console import accounts
    from bot.store import Store

    store = Store(get_settings().resolved_database_url())
    try:
        with store.unit() as s:
            if args.action == "add":
                account = accounts.add(s, args.email, args.name, _password(args), args.role)
                print(f"added {account.email} ({account.role})")
            elif args.action == "list":
                for a in accounts.all_accounts(s):
                    print(f"{a.email}\t{a.name}\t{a.role}\t{'active' if a.active else 'disabled'}")
            elif not accounts.disable(s, args.email):
                print(f"no account {args.email}", file=sys.stderr)
                return 1
            else:
                print(f"disabled {args.email}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0
