"""``giljabi serve``: the web server for the Kakao skill and the Telegram bot (see ``bot/server.py``)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="카카오 스킬·텔레그램 웹 서버 실행")
    serve.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="listen port (default 8000)")
    serve.add_argument(
        "--telegram-polling", action="store_true",
        help="receive Telegram updates by long polling instead of the webhook",
    )
    serve.add_argument(
        "--telegram-webhook-url", metavar="URL", default=None,
        help="call setWebhook with this public URL (…/telegram/webhook) and the webhook secret at start",
    )
    serve.add_argument(
        "--threads", type=int, default=None, metavar="N",
        help="threads that run turns (default: 1 on SQLite, 8 on PostgreSQL)",
    )
    serve.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="server processes on the port (PostgreSQL only; migrations run once, before they start)",
    )
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from bot.config import get_settings
    from bot.logs import configure_logging
    from bot.server import serve

    settings = get_settings()
    configure_logging(settings.log_level)
    if args.workers > 1:
        from bot.workers import serve_workers

        serve_workers(settings, host=args.host, port=args.port, workers=args.workers, turn_threads=args.threads,
                      telegram_webhook_url=args.telegram_webhook_url, telegram_polling=args.telegram_polling)
        return 0
    serve(
        settings,
        host=args.host,
        port=args.port,
        telegram_polling=args.telegram_polling,
        telegram_webhook_url=args.telegram_webhook_url,
        turn_threads=args.threads,
    )
    return 0
