"""Cleaning one inbound message before anything else sees it: Unicode normalised, personal numbers
masked (``bot.privacy``, first, so that it sees through what the rest removes), control characters
removed, and notices for what was odd (empty, too long, no words, a number masked)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.privacy import CARD, PASSPORT, RESIDENT, mask

__all__ = ["MAX_TEXT_CHARS", "Cleaned", "clean_payload", "clean_text", "mask_notices"]

#: Longest message handled as a question; longer ones get a kind request to split them.
MAX_TEXT_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_WORDISH = re.compile(r"[0-9A-Za-z\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]")
_MASK_NOTICES = {RESIDENT: "masked_number", CARD: "masked_card", PASSPORT: "masked_passport"}


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str | None
    notices: frozenset[str]


def clean_text(raw: str | None) -> Cleaned:
    """Normalise, strip control characters, mask personal numbers, and say what was odd."""
    if raw is None:
        return Cleaned(None, frozenset({"empty"}))
    masked = mask(unicodedata.normalize("NFC", raw))  # before anything else: it sees through what follows
    text = _CONTROL.sub(" ", masked.text).strip()
    notices = set(mask_notices(masked.kinds))
    if not text:
        notices.add("empty")
    elif len(text) > MAX_TEXT_CHARS:
        notices.add("too_long")
        text = text[:MAX_TEXT_CHARS]
    elif not _WORDISH.search(text):
        notices.add("no_words")
    return Cleaned(text, frozenset(notices))


def clean_payload(raw: str | None) -> tuple[str | None, Cleaned]:
    """A button payload as the engine may see it (at most 128 characters, personal numbers masked),
    and the notices of the turn. Payloads come back from the platform and can be forged, so they are
    masked like typed text; a masked payload is answered as an unknown button."""
    if raw is None:
        return None, Cleaned(None, frozenset())
    masked = mask(unicodedata.normalize("NFC", raw))
    payload = masked.text.strip()[:128] or None
    return payload, Cleaned(None, mask_notices(masked.kinds))


def mask_notices(kinds: frozenset[str]) -> frozenset[str]:
    """The engine's notice for each kind of number that was masked (it tells the user each)."""
    return frozenset(_MASK_NOTICES[kind] for kind in kinds)
