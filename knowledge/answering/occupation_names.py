"""Occupations asked for by name: "간호사", "회계사가 하는 일이 뭐야", "바리스타 되려면?", "데이터분석가 보고서".

A message is about an occupation when, once the occupation's name (or alias) is taken out, what is
left is only words that frame such a question ("되려면", "하는 일", "보고서", particles). So "3가지
검사 어떻게 해요" (검사 is also a prosecutor's title) or "컨설턴트 전화번호" are not. The frame decides
the view: the career-path report, what it takes (certificates, majors, skills), or the details.
An everyday name that is not in the catalogue ("요리사") but ends like an occupation is looked up
with the occupation search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.occupations.catalogue import Catalogue
from knowledge.occupations.text import normalize, strip_trailing_noise
from knowledge.retrieval import squash

View = Literal["details", "requirements", "report"]
#: most characters of unexplained text an occupation question may keep (a stray particle or two)
MAX_LEFTOVER = 2
#: longest everyday name looked up by search
MAX_NAME = 12
_FOREIGN = re.compile(r"[0-9a-z]")


@dataclass(frozen=True, slots=True)
class OccupationMention:
    code: str
    name: str
    view: View


class OccupationNames:
    """Exact names and aliases of the catalogue, in the squashed form messages are compared in."""

    def __init__(self, catalogue: Catalogue, lexicon: AnswerLexicon) -> None:
        self.catalogue = catalogue
        self.lex = lexicon
        names: dict[str, str] = {}
        for occ in catalogue:
            for name in (occ.name, *occ.aliases):
                key = squash(name)
                if len(key) >= 2:
                    names.setdefault(key, occ.code)
        self.names = sorted(names.items(), key=lambda kv: len(kv[0]), reverse=True)
        #: first two characters -> names starting with them, longest first (a message is scanned once)
        self._by_start: dict[str, list[tuple[str, str]]] = {}
        for name, code in self.names:
            self._by_start.setdefault(name[:2], []).append((name, code))
        #: names that are also everyday words (배우, 검사): they need a word that frames a job question
        self.ambiguous = frozenset(squash(w) for w in lexicon.occupation_ambiguous)

    def find(self, text: str) -> OccupationMention | None:
        key = squash(text)
        if not key:
            return None
        starts = _word_starts(text)  # a name begins a word: "선발 대기자" is no 기자
        found = sorted(((name, code, at) for at in sorted(starts) if at < len(key) - 1
                        for name, code in self._by_start.get(key[at : at + 2], ()) if key.startswith(name, at)),
                       key=lambda item: -len(item[0]))
        if _distinct(found) > 1:  # two occupations named: a comparison, not one occupation's page
            return None
        for name, code, at in found:
            view, leftover, framed = self._framed(key[:at] + " " + key[at + len(name) :])
            if _small(leftover) and (framed or name not in self.ambiguous):
                occ = self.catalogue.by_code[code]
                return OccupationMention(code, occ.name, view)
        return self._by_search(text)

    def _frame(self, rest: str) -> tuple[View, str]:
        view, leftover, _ = self._framed(rest)
        return view, leftover

    def _framed(self, rest: str) -> tuple[View, str, bool]:
        """The view the words around the name ask for, what is left unexplained, and whether any
        view word was there at all."""
        view: View = "details"
        found: set[str] = set()
        for word, kind in self.lex.occupation_views:
            if word in rest:
                found.add(kind)
                rest = rest.replace(word, " ")
        for word in self.lex.occupation_fillers:
            rest = rest.replace(word, " ")
        if "report" in found:
            view = "report"
        elif "requirements" in found:
            view = "requirements"
        return view, rest.replace(" ", ""), bool(found)

    def _by_search(self, text: str) -> OccupationMention | None:
        """An everyday name ("요리사 되려면"): one or two words ending like an occupation, framed."""
        raw = text.split()
        words = [strip_trailing_noise(normalize(w)) for w in raw]
        for size in (2, 1):
            for i in range(len(words) - size + 1):
                name = squash("".join(words[i : i + size]))
                if not 2 <= len(name) <= MAX_NAME or not name.endswith(self.lex.occupation_suffixes):
                    continue
                if _FOREIGN.search(name):
                    continue
                view, leftover, framed = self._framed(squash(" ".join(raw[:i] + raw[i + size :])))
                if not _small(leftover) or (leftover and not framed):  # "선발 대기자는 어떻게 처리해요" is no 기자
                    continue
                hits = self.catalogue.index.search(name, limit=1)
                if hits:
                    return OccupationMention(hits[0].code, hits[0].name, view)
        return None


def _word_starts(text: str) -> set[int]:
    """Where each whitespace-separated word of ``text`` starts in its squashed form."""
    starts, at = set(), 0
    for word in text.split():
        piece = squash(word)
        if piece:
            starts.add(at)
            at += len(piece)
    return starts


def _distinct(found: list[tuple[str, str, int]]) -> int:
    """How many different occupations are named at places that do not overlap (longest names first)."""
    taken: list[tuple[int, int]] = []
    codes: set[str] = set()
    for name, code, at in found:
        span = (at, at + len(name))
        if all(span[1] <= s or e <= span[0] for s, e in taken):
            taken.append(span)
            codes.add(code)
    return len(codes)


def _small(leftover: str) -> bool:
    return len(leftover) <= MAX_LEFTOVER and not _FOREIGN.search(leftover)
