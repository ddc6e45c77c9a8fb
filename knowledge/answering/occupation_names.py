"""Occupations asked for by name: "간호사", "회계사가 하는 일이 뭐야", "바리스타 되려면?", "데이터분석가 보고서".

A message is about an occupation when, once the occupation's name (or alias) is taken out, what is
left is only words that frame such a question ("되려면", "하는 일", "보고서", particles). So "3가지
검사 어떻게 해요" (검사 is also a prosecutor's title) or "컨설턴트 전화번호" are not. The frame decides
the view: the career-path report, what it takes (certificates, majors, skills), or the details.
Everyday names that are no catalogue name or alias ("요리사" → 한식조리사, "택시기사" → 택시운전원) come
from ``knowledge/content/occupations/everyday_names.yml``, checked at load. A name typed with one jamo
wrong ("회게사") still counts (names of three syllables or more). Any other name that ends like an
occupation is looked up with the occupation search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz.distance import Levenshtein

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.occupations.catalogue import EVERYDAY_NAMES, Catalogue, load_everyday_names
from knowledge.occupations.text import normalize, strip_trailing_noise, to_jamo
from knowledge.retrieval import squash

View = Literal["details", "requirements", "report"]
#: most characters of unexplained text an occupation question may keep (a stray particle or two)
MAX_LEFTOVER = 2
#: longest everyday name looked up by search
MAX_NAME = 12
_FOREIGN = re.compile(r"[0-9a-z]")
#: shortest name (in syllables) a typo may be forgiven in: "약사"/"역사" are different words
FUZZY_MIN = 3

@dataclass(frozen=True, slots=True)
class OccupationMention:
    code: str
    name: str
    view: View
    #: words around the name asked for a view ("되려면", "보고서", "뭐하는 직업"), not just particles
    framed: bool = False
    #: the name typed is also an everyday word of the guides (상담사, 검사, 선생님)
    everyday_word: bool = False


class OccupationNames:
    """Exact names and aliases of the catalogue, in the squashed form messages are compared in."""

    def __init__(self, catalogue: Catalogue, lexicon: AnswerLexicon, everyday: Path = EVERYDAY_NAMES) -> None:
        self.catalogue = catalogue
        self.lex = lexicon
        names: dict[str, str] = {}
        for occ in catalogue:
            for name in (occ.name, *occ.aliases):
                key = squash(name)
                if len(key) >= 2:
                    names.setdefault(key, occ.code)
        everyday_names = catalogue.everyday if everyday == EVERYDAY_NAMES else load_everyday_names(catalogue, everyday)
        for key, code in everyday_names.items():
            names.setdefault(squash(key), code)  # the catalogue's own names and aliases win
        self.names = sorted(names.items(), key=lambda kv: len(kv[0]), reverse=True)
        #: first two characters -> names starting with them, longest first (a message is scanned once)
        self._by_start: dict[str, list[tuple[str, str]]] = {}
        for name, code in self.names:
            self._by_start.setdefault(name[:2], []).append((name, code))
        #: names that are also everyday words (배우, 검사): they need a word that frames a job question
        self.ambiguous = frozenset(squash(w) for w in lexicon.occupation_ambiguous)
        #: names a typo may be forgiven in, as jamo, grouped by length in syllables
        self._fuzzy: dict[int, tuple[list[str], list[str]]] = {}
        for name, code in self.names:
            if len(name) >= FUZZY_MIN and name not in self.ambiguous and not _FOREIGN.search(name):
                jamos, codes = self._fuzzy.setdefault(len(name), ([], []))
                jamos.append(to_jamo(name))
                codes.append(code)
        self._near = {size: OneEdit(jamos) for size, (jamos, _) in self._fuzzy.items()}

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
        mention = self._first_framed(key, found)
        if mention is None and not found:
            mention = self._first_framed(key, self._typed_wrong(key, starts))
        return mention or self._by_search(text)

    def is_name(self, text: str) -> bool:
        """The whole message is an occupation's name (or alias, or everyday name) and no everyday word."""
        key = squash(text)
        return key not in self.ambiguous and any(name == key for name, _ in self._by_start.get(key[:2], ()))

    def _first_framed(self, key: str, found: list[tuple[str, str, int]]) -> OccupationMention | None:
        for name, code, at in found:
            view, leftover, framed = self._framed(key[:at] + " " + key[at + len(name) :])
            # a name that is also a word of the guides ("다음 검사는 뭐예요") needs nothing else around it
            ambiguous = name in self.ambiguous
            if _small(leftover) and (framed or not ambiguous) and not (ambiguous and leftover):
                occ = self.catalogue.by_code[code]
                return OccupationMention(code, occ.name, view, framed, name in self.ambiguous)
        return None

    def _typed_wrong(self, key: str, starts: set[int]) -> list[tuple[str, str, int]]:
        """Names typed with one jamo wrong ("회게사", "바리스따") where a word starts: (typed, code, at)."""
        found: list[tuple[str, str, int]] = []
        for at in sorted(starts):
            for size, (_jamos, codes) in self._fuzzy.items():
                piece = key[at : at + size]
                if len(piece) < size:
                    continue
                best = self._near[size].best(to_jamo(piece))
                if best is not None:
                    found.append((piece, codes[best[2]], at))
        found.sort(key=lambda item: -len(item[0]))
        return found if _distinct(found) == 1 else []

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


class OneEdit:
    """The first of some strings (jamo) nearest a piece and at most one edit from it: what
    ``process.extractOne(piece, strings, scorer=Levenshtein.distance, score_cutoff=1)`` gives, as
    (string, distance, index). Only the strings whose first or second half the piece keeps are compared
    (one edit changes one half), not all of them: a message is looked at in many places."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.heads: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        for i, s in enumerate(strings):
            self.heads.setdefault(s[: len(s) // 2], []).append(i)
            self.tails.setdefault(s[len(s) // 2 :], []).append(i)
        self.head_sizes = sorted({len(h) for h in self.heads})
        self.tail_sizes = sorted({len(t) for t in self.tails if t})

    def best(self, piece: str) -> tuple[str, int, int] | None:
        found: set[int] = set()
        for n in self.head_sizes:
            found.update(self.heads.get(piece[:n], ()))
        for n in self.tail_sizes:
            found.update(self.tails.get(piece[-n:], ()))
        best: tuple[str, int, int] | None = None
        for i in sorted(found):
            distance = Levenshtein.distance(piece, self.strings[i], score_cutoff=1)
            if distance <= 1 and (best is None or distance < best[1]):
                best = (self.strings[i], distance, i)
                if distance == 0:
                    break
        return best


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
