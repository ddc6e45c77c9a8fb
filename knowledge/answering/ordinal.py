"""Asking for an item of a list by its position: "첫번째 검사 어디서 해?", "마지막 단계는 뭐예요".

Such a question names no item, only where it stands in a list the conversation holds: the stage's
parts a list noun names ("검사" -> the three tests), the numbered items (①, ②, …) of the fact just
answered, or the steps of the guide being walked. Only an ordinal word right before a list noun
(lexicon ``ordinal_words``, ``ordinal_nouns``) asks this way, so nothing else changes.

Pure text functions; the dialogue (``flows.ordinal``) picks the list from the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from knowledge.answering.lexicon import AnswerLexicon

#: a numbered item of a fact's text and its label, up to a colon or the end of its line
_ITEM = re.compile(r"[①-⑳]\s*([^:：\n]+)")
T = TypeVar("T")


@dataclass(frozen=True)
class Ordinal:
    """Where an ordinal question's words stand and what they ask for."""

    #: 1, 2, …; -1 the last
    position: int
    #: the list noun (squashed), and the stage of ``stage_parts`` it names ("" if none)
    noun: str
    stage: str
    #: where "첫번째 검사" is in the question (start, end)
    span: tuple[int, int]


def _spaced(word: str) -> str:
    """A squashed word as a pattern that allows spaces between its letters ("첫번째" ~ "첫 번째")."""
    return r"\s*".join(re.escape(ch) for ch in word)


def asked(text: str, lex: AnswerLexicon) -> Ordinal | None:
    """The position and list noun a question asks for ("세번째 검사는?" -> 3, 검사), or None when no
    ordinal word stands right before a list noun. The first such pair wins, and the longest ordinal
    word of it ("맨 마지막" over "마지막")."""
    found = _pattern(lex.ordinal_words, lex.ordinal_nouns).search(text.lower())
    if found is None:
        return None
    noun = re.sub(r"\s+", "", found.group("noun"))
    position = dict(lex.ordinal_words)[re.sub(r"\s+", "", found.group("word"))]
    return Ordinal(position, noun, dict(lex.ordinal_nouns)[noun], (found.start(), found.end()))


@lru_cache(maxsize=4)
def _pattern(words: tuple[tuple[str, int], ...], nouns: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One pattern for every ordinal word before every list noun, longest first (built once: this
    runs for every typed question)."""
    def alternatives(items: list[str]) -> str:
        return "|".join(_spaced(w) for w in sorted(items, key=lambda w: (-len(w), w)))

    return re.compile(f"(?P<word>{alternatives([w for w, _ in words])})\\s*"
                      f"(?P<noun>{alternatives([n for n, _ in nouns])})")


def pick(items: Sequence[T], position: int) -> T | None:
    """The item at ``position`` (1-based; -1 the last), None when the list is shorter."""
    if not items:
        return None
    if position < 0:
        return items[position] if -position <= len(items) else None
    return items[position - 1] if position <= len(items) else None


def numbered_items(fact_text: str) -> list[str]:
    """The labels of a fact's numbered items in order: "① 알아가기: 자가진단 서비스" -> "알아가기"."""
    return [m.group(1).strip() for m in _ITEM.finditer(fact_text) if m.group(1).strip()]


def naming(text: str, found: Ordinal, label: str) -> str:
    """The question with the item named in place of its position: "첫번째 검사 어디서 해" ->
    "취업준비도검사 어디서 해"."""
    return text[: found.span[0]] + label + text[found.span[1]:]
