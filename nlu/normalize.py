"""Text normalisation that remembers where every character came from.

Chat text arrives with full-width letters, decomposed Hangul, emoji, ``ㅋㅋㅋㅋ`` runs and invisible
control characters. The classifier wants one canonical form, but entity offsets must point into the
text the user actually sent, so every normalised character keeps the span of the original characters
it was produced from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nlu import resources
from nlu.hangul import to_compat_jamo

_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")
# Code point ranges that hold emoji, pictographs and the invisible pieces that glue them together.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x2300, 0x23FF),
    (0xFE00, 0xFE0F),
    (0x200D, 0x200D),
    (0x20E3, 0x20E3),
    (0xE0020, 0xE007F),
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, per character, the ``[start, end)`` span in the original text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text back to the original text."""
        if not self.text or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


def _is_combining(ch: str) -> bool:
    cp = ord(ch)
    # Conjoining vowels and finals only make sense after a leading consonant: keep them in its chunk.
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF


def _emit_chunks(text: str, emoji_words: dict[str, str]) -> list[tuple[str, int, int]]:
    """First pass: NFKC per grapheme-like chunk, emoji mapped or dropped, controls removed."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if is_emoji(ch):
            word = emoji_words.get(ch)
            if word:
                out.append((" ", i, i + 1))
                out.extend((w, i, i + 1) for w in word)
                out.append((" ", i, i + 1))
            else:
                out.append((" ", i, i + 1))
            i += 1
            continue
        cat = unicodedata.category(ch)
        if ch in _WHITESPACE_CONTROLS or cat in _SPACE_CATEGORIES:
            out.append((" ", i, i + 1))
            i += 1
            continue
        if cat in _DROP_CATEGORIES:
            i += 1
            continue
        j = i + 1
        while j < n and _is_combining(text[j]) and not is_emoji(text[j]):
            j += 1
        chunk = unicodedata.normalize("NFKC", text[i:j])
        for c in chunk:
            c = to_compat_jamo(c)
            if unicodedata.category(c) in _DROP_CATEGORIES:
                continue
            for low in c.lower():
                out.append((low, i, j))
        i = j
    return out


def _squeeze(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Second pass: collapse whitespace, squeeze ``ㅋㅋㅋㅋ`` to ``ㅋㅋ`` and ``!!!`` to ``!``."""
    out: list[tuple[str, int, int]] = []
    run_char, run_len = "", 0
    for item in chars:
        c = item[0]
        if c == " ":
            if out and out[-1][0] != " ":
                out.append(item)
            run_char, run_len = c, 0
            continue
        if c == run_char:
            run_len += 1
        else:
            run_char, run_len = c, 1
        if c.isdigit():
            out.append(item)
            continue
        limit = 1 if unicodedata.category(c)[0] in "PS" else 2
        if run_len <= limit:
            out.append(item)
    while out and out[-1][0] == " ":
        out.pop()
    return out


def normalize(text: str, max_chars: int | None = None) -> Normalized:
    """Canonical form of ``text`` for matching and classification (lower-cased, NFKC, squeezed).

    ``max_chars`` bounds the work on pathological input: only that many original characters are read.
    """
    if not isinstance(text, str):
        text = str(text)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
    chars = _squeeze(_emit_chunks(text, resources.emoji_words()))
    return Normalized(
        text="".join(c for c, _, _ in chars),
        starts=tuple(s for _, s, _ in chars),
        ends=tuple(e for _, _, e in chars),
    )
