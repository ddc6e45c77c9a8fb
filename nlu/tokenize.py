"""Morphological analysis with mecab-ko (python-mecab-ko), loaded once per process.

Korean attaches particles and endings to words ("워크넷은", "가입했어요"), so whitespace tokens
barely repeat; morphemes do. A tagger loads in ~40 ms and analyses a chat turn in ~0.1 ms.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    tags: str  # mecab-ko-dic tag, compound for inflected forms ("XSV+EP+EC")
    start: int
    end: int

    @property
    def pos(self) -> str:
        """The first tag ("XSV" for "XSV+EP+EC")."""
        return self.tags.split("+", 1)[0]


_lock = threading.Lock()
_shared: list[Any] = []


def shared_tagger() -> Any:
    """The process's one MeCab tagger, shared by every thread and by ``knowledge.occupations.text``.

    ``MeCab.parse`` gives each call a lattice of its own and parses with ``Tagger::parse(Lattice*)``,
    which MeCab documents as thread safe; what a tagger holds is the dictionary, mapped from its files
    and about 100 MB of RSS once warm (measured) for each tagger, so one per thread cost that per thread.
    """
    if not _shared:
        with _lock:
            if not _shared:
                import mecab

                _shared.append(mecab.MeCab())
    return _shared[0]


def tokenize(norm: str) -> list[Token]:
    """Morphemes of normalised text with their spans; whitespace tokens if the tagger fails."""
    if not norm.strip():
        return []
    try:
        morphs = shared_tagger().parse(norm)
        return [Token(m.surface, m.feature.pos or "UNKNOWN", m.span.start, m.span.end) for m in morphs]
    except Exception:  # the tagger must never take a parse down
        tokens: list[Token] = []
        pos = 0
        for word in norm.split():
            start = norm.index(word, pos)
            tokens.append(Token(word, "UNKNOWN", start, start + len(word)))
            pos = start + len(word)
        return tokens
