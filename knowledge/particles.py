"""Korean particles chosen by the sound they follow, and the text templates that use them.

A value inserted into a sentence ("'{stage}'이에요") needs the particle form that fits its last
syllable: 재맞고 신청**이에요** but 3가지 검사**예요**. Templates say which pair they mean and the
renderer picks: ``'{stage}'{이에요/예요}``, ``{label}{을/를}``. The pair is written "after a final
consonant / after a vowel", as Korean grammars list it; (으)로 is the one pair that also treats a
final ㄹ like a vowel (서울로, 집으로).

Digits and Latin letters are read the way Koreans say them (1 일, 3 삼, IAP 아이에이피, HTML 에이치티엠엘),
which is right for the words this assistant inserts (stage names, occupations, certificates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINAL_RIEUL = 8
#: digits read in Sino-Korean: which ones end in a consonant, and which in ㄹ
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "3": "ㅁ", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ"}
#: Latin letters whose Korean names end in a consonant (엘, 엠, 엔, 알)
_LETTER_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
#: characters skipped when looking for the sound a particle follows: quotes, brackets, spaces
_TRANSPARENT = set("'\"‘’“”()[]{}<>「」『』 .·")
#: every pair the renderer knows: (after a consonant, after a vowel)
PAIRS: dict[str, tuple[str, str]] = {
    "이/가": ("이", "가"), "을/를": ("을", "를"), "은/는": ("은", "는"), "와/과": ("과", "와"),
    "과/와": ("과", "와"), "이에요/예요": ("이에요", "예요"), "이었어요/였어요": ("이었어요", "였어요"),
    "이라/라": ("이라", "라"), "이나/나": ("이나", "나"), "이랑/랑": ("이랑", "랑"), "아/야": ("아", "야"),
    "으로/로": ("으로", "로"), "(으)로": ("으로", "로"), "(이)나": ("이나", "나"), "(이)라": ("이라", "라"),
}
_TOKEN = re.compile(r"\{([^{}]*)\}")


def final_sound(word: str) -> str | None:
    """The final consonant of the last pronounced character ("" for a vowel), ``None`` if unknown."""
    for ch in reversed(word):
        if ch in _TRANSPARENT:
            continue
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            index = (code - _HANGUL_FIRST) % 28
            return "" if index == 0 else ("ㄹ" if index == _FINAL_RIEUL else "C")
        if ch.isdigit():
            return _DIGIT_FINAL.get(ch, "")
        if ch.isascii() and ch.isalpha():
            return _LETTER_FINAL.get(ch.lower(), "")
        return None
    return None


def particle(word: str, pair: str) -> str:
    """The form of ``pair`` (e.g. "을/를") that follows ``word``; an unknown sound gets "을(를)" style."""
    consonant, vowel = PAIRS[pair]
    sound = final_sound(word)
    if sound is None:
        return f"{consonant}({vowel})" if len(consonant) <= len(vowel) else f"{vowel}({consonant})"
    if sound == "":
        return vowel
    if sound == "ㄹ" and consonant == "으로":
        return vowel
    return consonant


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{name}`` placeholders and choose each ``{을/를}``-style particle by what precedes it.

    Unlike ``str.format`` it never reads attributes or indexes, so a template cannot reach into
    the values; a missing name raises ``KeyError`` as ``format`` does.
    """
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(template):
        out.append(template[pos : match.start()])
        name = match.group(1)
        if name in PAIRS:
            out.append(particle("".join(out), name))
        else:
            out.append(str(values[name]))
        pos = match.end()
    out.append(template[pos:])
    return "".join(out)
