"""Free-text entities for job search: ``keyword`` and ``occupation``.

A keyword is what is left of a job-search question once its frame is removed ("파이썬 관련 직업 뭐
있어요?" -> "파이썬"): runs of content morphemes, split at particles and verbs, with frame words
("관련", "직업", "추천" ... from ``nlu/resources/keywords.yml``) trimmed from their ends. A run that
ends in an occupation suffix ("개발자", "분석가" ...) is an occupation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nlu import resources
from nlu.tokenize import Token


@dataclass(frozen=True, slots=True)
class _Vocab:
    frame: frozenset[str]
    content_tags: frozenset[str]
    joining: str
    suffixes: tuple[str, ...]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    res = resources.resource("keywords")
    return _Vocab(
        frame=frozenset(str(w).lower() for w in res.get("frame_words", [])),
        content_tags=frozenset(str(t) for t in res.get("content_tags", [])),
        joining=str(res.get("joining_symbols", "")),
        suffixes=tuple(sorted((str(s).lower() for s in res.get("occupation_suffixes", [])), key=len, reverse=True)),
    )


def _runs(norm: str, tokens: list[Token], blocked: list[tuple[int, int]]) -> list[list[Token]]:
    """Maximal runs of content tokens separated only by spaces or glued joining symbols."""
    v = _vocab()
    runs: list[list[Token]] = []
    current: list[Token] = []

    def is_blocked(t: Token) -> bool:
        return any(t.start < e and s < t.end for s, e in blocked)

    for i, t in enumerate(tokens):
        glued_prev = bool(current) and current[-1].end == t.start
        if t.pos in v.content_tags and not is_blocked(t):
            if current and not norm[current[-1].end : t.start].isspace() and not glued_prev:
                runs.append(current)
                current = []
            current.append(t)
            continue
        if t.pos == "XSN" and glued_prev:  # 분석+가, 개발+자
            current.append(t)
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            glued_prev
            and t.surface
            and all(ch in v.joining for ch in t.surface)
            and nxt is not None
            and nxt.start == t.end
            and nxt.pos in v.content_tags
        ):
            current.append(t)  # UX/UI, C++
            continue
        if current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _trim(run: list[Token], norm: str) -> list[Token]:
    frame = _vocab().frame
    while run and run[-1].surface.lower() in frame:
        run = run[:-1]
    while run and run[0].surface.lower() in frame:
        nxt = run[1] if len(run) > 1 else None
        glued_to_content = nxt is not None and nxt.start == run[0].end and nxt.surface.lower() not in frame
        if glued_to_content:
            break
        run = run[1:]
    return run


def keyword_spans(norm: str, tokens: list[Token], blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (normalised text) of job-search keywords."""
    spans = []
    for run in _runs(norm, tokens, blocked):
        run = _trim(run, norm)
        if run:
            spans.append((run[0].start, run[-1].end))
    return spans


def is_occupation(text: str) -> bool:
    compact = "".join(text.lower().split())
    return any(compact.endswith(s) and len(compact) >= len(s) for s in _vocab().suffixes)
