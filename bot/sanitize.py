"""Making any inbound message storable: no NUL, no lone surrogate, ids that fit their columns.

Platforms (and people forging requests) send strings PostgreSQL or UTF-8 cannot hold (``\\x00``, a
lone ``\\ud800``) and ids longer than a column. Rejecting them would fail the same user every time;
instead text is cleaned and a long id is replaced by a hash of it (stable, so dedupe still works).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from bot.messages import Inbound

#: the width of the id columns (users.user_key, processed_messages.message_id)
MAX_ID = 128
_BAD = re.compile(r"[\x00\ud800-\udfff]")  # json.loads joins valid surrogate pairs; what is left is lone


def clean(value: str) -> str:
    """``value`` without NUL characters, each lone surrogate replaced by U+FFFD."""
    return _BAD.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def as_text(value: object) -> str:
    """A JSON value where a string is expected: the string, or ``""`` for any other type."""
    return clean(value) if isinstance(value, str) else ""


def fit_id(value: str, limit: int = MAX_ID) -> str:
    """``value`` cleaned, or ``h:`` and its SHA-256 when longer than ``limit`` characters."""
    value = clean(value)
    if len(value) <= limit:
        return value
    return "h:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def sanitize(inbound: Inbound) -> Inbound:
    """The same message, safe to parse, store and log."""
    return dataclasses.replace(
        inbound,
        user_key=fit_id(inbound.user_key),
        message_id=fit_id(inbound.message_id) if inbound.message_id is not None else None,
        text=clean(inbound.text) if isinstance(inbound.text, str) else None,
        payload=clean(inbound.payload) if isinstance(inbound.payload, str) else None,
    )
