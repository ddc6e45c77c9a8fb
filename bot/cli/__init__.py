"""The ``giljabi`` command line.

Each command group lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``func`` to a handler taking the parsed ``argparse.Namespace`` and returning an exit
code. Heavy imports stay inside the handlers so that ``giljabi --help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import chat, consultants, data, jobs, nlu_cmd, outbox_cmd, reminders, serve

_GROUPS = (chat, nlu_cmd, jobs, serve, outbox_cmd, reminders, consultants, data)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="giljabi", description="길잡이 — 고용서비스 안내 챗봇")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in _GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `giljabi ... | head` should not print a traceback
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
