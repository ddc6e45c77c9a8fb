"""Logging that cannot leak: log lines carry ids and counts, never message text or secrets.

Three layers, so that one mistake does not leak: third-party loggers that print request URLs or
bodies (httpx, httpcore, python-telegram-bot, SQLAlchemy) never go below WARNING; every line that
reaches our handler is redacted (Bot API tokens, configured secrets, personal numbers); and a failing
turn is reported by ``FailureLog`` as one line per failure class, rate-limited, with the exception's
class and where it was raised, never its message (a database error's message can quote the data).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from typing import TextIO

from bot.health import storage_reason
from bot.privacy import mask

#: loggers that print URLs (with the Telegram token), request bodies or bound parameters below WARNING
NOISY_LOGGERS = (
    "httpx", "httpcore", "hpack", "telegram", "sqlalchemy", "asyncio", "multipart", "urllib3", "apscheduler",
)
_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{20,}")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SECRETS: set[str] = set()
_PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def register_secret(value: str | None) -> None:
    """Redact ``value`` from every log line from now on (tokens, webhook and skill secrets)."""
    if value and len(value) >= 6:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` without tokens, registered secrets or personal numbers."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "[secret]")
    return mask(_TOKEN.sub("[token]", text)).text


class Redactor(logging.Filter):
    """A handler filter that rewrites each record's message (and traceback) redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str | None = None, *, stream: TextIO | None = None) -> logging.Handler:
    """One redacting handler on the root logger (replacing an earlier one of ours) at ``level``
    (default ``GILJABI_LOG_LEVEL``, else INFO); noisy third-party loggers held at WARNING."""
    name = (level or os.environ.get("GILJABI_LOG_LEVEL") or "INFO").upper()
    numeric = getattr(logging, name, logging.INFO)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "giljabi", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.giljabi = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(Redactor())
    root.addHandler(handler)
    root.setLevel(numeric)
    quiet(NOISY_LOGGERS, numeric)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, numeric))
    return handler


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each line (so a replaced stderr, e.g. a
    test's capture, never leaves this handler writing to a closed stream)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def quiet(names: Iterable[str], level: int = logging.NOTSET) -> None:
    """Hold these loggers at WARNING or above, whatever the configured level."""
    for logger_name in names:
        logging.getLogger(logger_name).setLevel(max(logging.WARNING, level))


def _where(exc: BaseException) -> str:
    """``file.py:line`` of the innermost frame of our own code (or the last one) — no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(_PROJECT)] or frames
    if not ours:
        return "?"
    frame = ours[-1]
    return f"{os.path.basename(frame.filename)}:{frame.lineno}"


def failure_class(exc: BaseException) -> str:
    """The class of a failure, e.g. ``OperationalError`` or ``OperationalError/disk-full``."""
    reason = storage_reason(exc)
    name = type(exc).__name__
    return f"{name}/{reason}" if reason else name


class FailureLog:
    """One line per failure class and ``interval`` seconds, with how many were held back since."""

    def __init__(self, logger: logging.Logger, interval: float = 60.0) -> None:
        self.logger, self.interval = logger, interval
        self._last: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def report(self, what: str, exc: BaseException, **ids: object) -> None:
        kind = failure_class(exc)
        key = f"{what}:{kind}"
        now = time.monotonic()
        with self._lock:
            last, held = self._last.get(key, (-self.interval - 1.0, 0))
            if now - last < self.interval:
                self._last[key] = (last, held + 1)
                return
            self._last[key] = (now, 0)
        details = " ".join(f"{k}={v}" for k, v in ids.items())
        self.logger.error(
            "%s failed: %s at %s %s(%d more like it in the last %.0f s)",
            what, kind, _where(exc), details + " " if details else "", held, self.interval,
        )
