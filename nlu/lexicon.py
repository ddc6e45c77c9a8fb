"""Domain lexicon matching: services, assessments, stages, grade/age words and known occupations.

Surface forms and their canonical values come from the Rasa ``lookup``/``synonym`` blocks of
``nlu/data/lexicon.yml``. Matching ignores case and spacing ("재맞고신청" = "재맞고 신청"), and for
longer names tolerates one keystroke-level typo per ~8 jamo ("웤넷" = "워크넷", "잡캐어" = "잡케어"),
using rapidfuzz to find the best alignment and a Levenshtein check on jamo to accept it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from nlu import resources
from nlu.config import MAX_FUZZY_CHARS
from nlu.hangul import is_hangul, jamo_with_offsets, to_jamo

# Lookup tables matched by this module and whether their entries may be matched fuzzily.
_TABLES: dict[str, bool] = {
    "service": True,
    "assessment": True,
    "stage": True,
    "grade": False,
    "age": False,
    "occupation": False,
}


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon match; ``start``/``end`` index the normalised text."""

    entity: str
    value: str
    start: int
    end: int
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class _Entry:
    entity: str
    value: str
    compact: str
    jamo: str
    latin: bool
    short: bool
    max_edits: int


def _max_edits(jamo_len: int) -> int:
    if jamo_len < 6:
        return 0
    if jamo_len <= 10:
        return 1
    if jamo_len <= 16:
        return 2
    return 3


def _compact(text: str) -> str:
    return "".join(text.lower().split())


@lru_cache(maxsize=1)
def _entries() -> tuple[_Entry, ...]:
    data = resources.lexicon()
    synonyms = {_compact(k): v for k, v in data.synonyms.items()}
    out: list[_Entry] = []
    seen: set[tuple[str, str]] = set()
    for table, fuzzy in _TABLES.items():
        for surface in data.lookups.get(table, []):
            compact = _compact(surface)
            if not compact or (table, compact) in seen:
                continue
            seen.add((table, compact))
            value = synonyms.get(compact, surface.strip()) if table != "occupation" else surface.strip()
            jamo = to_jamo(compact)
            out.append(
                _Entry(
                    entity=table,
                    value=value,
                    compact=compact,
                    jamo=jamo,
                    latin=compact.isascii(),
                    short=len(compact) <= 2,
                    max_edits=_max_edits(len(jamo)) if fuzzy and not compact.isascii() else 0,
                )
            )
    return tuple(out)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or is_hangul(ch)


def _boundary_ok(entry: _Entry, norm: str, start: int, end: int) -> bool:
    if entry.latin:
        before = norm[start - 1] if start > 0 else " "
        after = norm[end] if end < len(norm) else " "
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalpha())
    if entry.short:
        return start == 0 or not _is_word_char(norm[start - 1])
    return True


def _resolve(hits: list[Hit]) -> list[Hit]:
    """Within each entity type keep the longest, best-scoring non-overlapping hits."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), -h.score, h.start)):
        if any(k.entity == hit.entity and k.start < hit.end and hit.start < k.end for k in kept):
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.entity))


def _best_span(entry: _Entry, window: str, cs: int, ce: int) -> tuple[int, int, int] | None:
    """The syllable span near the fuzzy alignment closest to ``entry`` (alignments cut syllables)."""
    best: tuple[int, int, int] | None = None
    for a in (0, 1, -1):
        for b in (0, -1, 1):
            s, e = cs + a, ce + b
            if s < 0 or e > len(window) or e - s < 1:
                continue
            d = Levenshtein.distance(entry.jamo, to_jamo(window[s:e]), score_cutoff=entry.max_edits)
            if d <= entry.max_edits and (best is None or d < best[0] or (d == best[0] and e - s > best[2] - best[1])):
                best = (d, s, e)
    return best


def match(norm: str) -> list[Hit]:
    """All lexicon hits in normalised text ``norm``."""
    compact_chars: list[str] = []
    to_norm: list[int] = []
    for i, ch in enumerate(norm):
        if ch != " ":
            compact_chars.append(ch)
            to_norm.append(i)
    compact = "".join(compact_chars)
    if not compact:
        return []
    hits: list[Hit] = []
    exact_values: set[tuple[str, str]] = set()
    for entry in _entries():
        pos = compact.find(entry.compact)
        while pos >= 0:
            start = to_norm[pos]
            end = to_norm[pos + len(entry.compact) - 1] + 1
            if _boundary_ok(entry, norm, start, end):
                hits.append(Hit(entry.entity, entry.value, start, end))
                exact_values.add((entry.entity, entry.value))
            pos = compact.find(entry.compact, pos + 1)

    window = compact[:MAX_FUZZY_CHARS]
    text_jamo, owners = jamo_with_offsets(window)
    for entry in _entries():
        if entry.max_edits == 0 or (entry.entity, entry.value) in exact_values:
            continue
        if len(text_jamo) < len(entry.jamo) - entry.max_edits:
            continue
        cutoff = 100.0 * (1.0 - (2.0 * entry.max_edits) / (2.0 * len(entry.jamo)))
        res = fuzz.partial_ratio_alignment(entry.jamo, text_jamo, score_cutoff=cutoff - 0.01)
        if res is None:
            continue
        cs, ce = owners[res.dest_start], owners[max(res.dest_start, res.dest_end - 1)] + 1
        best = _best_span(entry, window, cs, ce)
        if best is None:
            continue
        dist, cs, ce = best
        start, end = to_norm[cs], to_norm[ce - 1] + 1
        hits.append(Hit(entry.entity, entry.value, start, end, score=1.0 - dist / len(entry.jamo)))
        exact_values.add((entry.entity, entry.value))
    return _resolve(hits)
