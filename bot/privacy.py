"""Masking personal numbers before anything is parsed, stored or logged.

A 주민등록번호 (and a 외국인등록번호, same shape) is six birth-date digits and seven digits whose first
is 1-8. People write it in many ways: full-width digits, any dash or none, ``_`` ``/`` ``.``, spaces
between digits, a zero-width character pasted in, or in two parts ("앞자리 990101 뒷자리 1234567").
So the text is read as *runs of digits* (any Unicode decimal digit) and the gaps between them; a
number is a sequence of neighbouring runs, joined across separator gaps (and, for the two halves of
a resident number, across one short word). Card numbers are 13-19 digits that pass the Luhn check;
passport numbers are a letter and eight characters (M12345678, M123A4567). Only the digits and
letters of what was found become ``*``; the rest of the text stays as it was.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

RESIDENT, CARD, PASSPORT = "resident", "card", "passport"
MASK_CHAR = "*"
#: characters a number may be broken up with, besides whitespace and invisible format characters
_SEPARATORS = frozenset("-_/.,:~·•‧∙*#()[]" "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\ufe58\ufe63\uff0d")
#: the longest gap between two runs of one number that is only separators
_SEP_GAP = 3
#: the longest word between the two halves of a resident number ("뒷자리는", "이고 뒷번호는")
_WORD_GAP = 14
_CARD_FIRST_DIGITS = frozenset("234569")  # Visa, Mastercard, Amex/JCB, UnionPay/Discover, BC; never 0/1 (phones)
_PASSPORT = re.compile(r"(?<![A-Z0-9])[MSRODG] ?(?:[0-9] ?){3}[0-9A-Z] ?(?:[0-9] ?){3}[0-9](?![A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Masked:
    """The masked text and the kinds of number that were found in it."""

    text: str
    kinds: frozenset[str]

    @property
    def found(self) -> bool:
        return bool(self.kinds)


@dataclass(frozen=True, slots=True)
class _Run:
    start: int  # index in the text of the first digit
    end: int  # index after the last digit
    digits: str  # ASCII digits


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) == "Cf"


def _gap_kind(gap: str) -> str:
    """``sep`` (only separators), ``word`` (one short phrase on one line) or ``break``."""
    visible = "".join(ch for ch in gap if unicodedata.category(ch) != "Cf")
    if all(_is_separator(ch) for ch in gap) and len(visible.strip()) <= _SEP_GAP and visible.count("\n") <= 1:
        return "sep"
    if len(visible) <= _WORD_GAP and "\n" not in visible:
        return "word"
    return "break"


def _runs(text: str) -> list[_Run]:
    runs: list[_Run] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isdecimal():
            j = i
            while j < n and text[j].isdecimal():
                j += 1
            runs.append(_Run(i, j, "".join(str(unicodedata.decimal(c)) for c in text[i:j])))
            i = j
        else:
            i += 1
    return runs


def _resident_ok(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    return len(digits) == 13 and 1 <= month <= 12 and 1 <= day <= 31 and digits[6] in "12345678"


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its digits summed


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    backwards = digits[::-1]
    total = sum(map(int, backwards[0::2])) + sum(_DOUBLED[int(c)] for c in backwards[1::2])
    return total % 10 == 0


def _numbers(text: str, runs: list[_Run]) -> list[tuple[str, int, int]]:
    """(kind, first run, last run) of every resident or card number among the runs."""
    between = [text[a.end : b.start] for a, b in zip(runs, runs[1:], strict=False)]
    gaps = [_gap_kind(gap) for gap in between]
    # a card number is not the tail or head of a longer dashed number (two phone numbers in a row)
    attached = [kind == "sep" and not any(ch.isspace() for ch in gap) for kind, gap in zip(gaps, between, strict=True)]
    found: list[tuple[str, int, int]] = []
    for first in range(len(runs)):
        digits, words = "", 0
        for last in range(first, len(runs)):
            if last > first:
                gap = gaps[last - 1]
                if gap == "break" or (gap == "word" and (len(digits) != 6 or words)):
                    break
                words += gap == "word"
            digits += runs[last].digits
            if len(digits) == 13 and _resident_ok(digits):
                found.append((RESIDENT, first, last))
            if (
                not words and 13 <= len(digits) <= 19 and digits[0] in _CARD_FIRST_DIGITS and luhn_ok(digits)
                and not (first and attached[first - 1]) and not (last < len(attached) and attached[last])
            ):
                found.append((CARD, first, last))
            if len(digits) >= 19:
                break
    return found


def _passports(text: str) -> list[tuple[int, int]]:
    """Original (start, end) spans of passport numbers, seen through separators and full-width forms
    (whitespace stays, as one space, so that a word before the letter does not join it)."""
    skeleton: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            if skeleton and skeleton[-1] != " ":
                skeleton.append(" ")
                where.append(index)
            continue
        if _is_separator(ch):
            continue
        norm = str(unicodedata.decimal(ch)) if ch.isdecimal() else unicodedata.normalize("NFKC", ch).upper()
        for piece in norm:
            skeleton.append(piece)
            where.append(index)
    joined = "".join(skeleton)
    return [(where[m.start()], where[m.end() - 1] + 1) for m in _PASSPORT.finditer(joined)]


def mask(text: str) -> Masked:
    """``text`` with every resident, card and passport number's digits and letters replaced by ``*``."""
    if not text:
        return Masked(text, frozenset())
    runs = _runs(text)
    hide: set[int] = set()
    kinds: set[str] = set()
    if sum(len(r.digits) for r in runs) >= 13:
        for kind, first, last in _numbers(text, runs):
            kinds.add(kind)
            for run in runs[first : last + 1]:
                hide.update(range(run.start, run.end))
    for start, end in _passports(text):
        kinds.add(PASSPORT)
        hide.update(i for i in range(start, end) if not _is_separator(text[i]))
    if not hide:
        return Masked(text, frozenset())
    masked = "".join(MASK_CHAR if i in hide else ch for i, ch in enumerate(text))
    return Masked(masked, frozenset(kinds))


def mask_personal_numbers(text: str) -> tuple[str, bool]:
    """The text with personal numbers masked, and whether any was found."""
    result = mask(text)
    return result.text, result.found
