"""The chaos suite reuses the server fixtures of tests/bot (the app on a port, the fake Bot API)."""

import io
import logging
import unicodedata
from collections.abc import Callable, Iterator

import pytest

from tests.bot.conftest import (  # noqa: F401 - fixtures
    assistant,
    bot_api,
    http,
    make_settings,
    serve_app,
    telegram_settings,
)


@pytest.fixture
def captured_log() -> Iterator[Callable[[str], io.StringIO]]:
    """``start(level)`` installs the server's own (redacting) log handler writing to a buffer and
    returns the buffer; the handler is removed and the root level restored afterwards."""
    from bot.logs import configure_logging

    root = logging.getLogger()
    level = root.level
    handlers: list[logging.Handler] = []

    def start(name: str) -> io.StringIO:
        buffer = io.StringIO()
        handlers.append(configure_logging(name, stream=buffer))
        return buffer

    yield start
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)


def _runs(text: str) -> list[str]:
    """Maximal runs of digits (any script, ASCII after) with invisible characters removed."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    runs, current = [], ""
    for ch in text:
        if ch.isdecimal():
            current += str(unicodedata.decimal(ch))
        else:
            if current:
                runs.append(current)
            current = ""
    return [*runs, current] if current else runs


class Haystack:
    """Texts normalised once, to be searched for many secrets: each text's digits and letters
    (NFKC, upper case), and its runs of digits, kept apart by a separator."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.squashed = "|".join(
            "".join(ch for ch in unicodedata.normalize("NFKC", t).upper() if ch.isalnum()) for t in texts
        )
        self.runs = "|".join("|".join(_runs(t)) for t in texts)

    def leaks(self, secret: str) -> bool:
        """Whether a text still holds ``secret`` or, for a resident number, its seven-digit back half
        as part of a run of digits."""
        if secret in self.squashed:
            return True
        return secret.isdigit() and len(secret) == 13 and secret[6:] in self.runs

    def where(self, secret: str) -> list[str]:
        return [t for t in self.texts if Haystack([t]).leaks(secret)][:3]


def leaks(text: str, secret: str) -> bool:
    return Haystack([text]).leaks(secret)
