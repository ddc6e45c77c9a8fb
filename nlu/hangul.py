"""Hangul helpers: keyboard-level jamo decomposition and initial-consonant skeletons.

Typos in Korean chat happen at the keyboard (two-set 두벌식) level: a missing ``ㅡ`` turns
``워크넷`` into ``웤넷``, a neighbouring vowel turns ``잡케어`` into ``잡캐어``. Comparing text as
jamo sequences makes such typos one edit apart, and the initial-consonant skeleton makes chosung
shorthand (``ㄱㅅ``) line up with the words it abbreviates (``감사``).
"""

from __future__ import annotations

from functools import lru_cache

_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3

# Compatibility jamo, in Unicode composition order.
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = (
    "",
    "ㄱ",
    "ㄲ",
    "ㄳ",
    "ㄴ",
    "ㄵ",
    "ㄶ",
    "ㄷ",
    "ㄹ",
    "ㄺ",
    "ㄻ",
    "ㄼ",
    "ㄽ",
    "ㄾ",
    "ㄿ",
    "ㅀ",
    "ㅁ",
    "ㅂ",
    "ㅄ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
)

# Compound jamo as they are typed on a two-set keyboard.
_KEYSTROKES = {
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
}

# Conjoining jamo (U+1100 block, produced by NFKC from compatibility jamo) back to compatibility jamo.
_CONJOINING_LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_CONJOINING_TO_COMPAT: dict[str, str] = {}
for _i, _c in enumerate(_CONJOINING_LEADS):
    _CONJOINING_TO_COMPAT[chr(0x1100 + _i)] = _c
for _i, _c in enumerate(_JUNGSEONG):
    _CONJOINING_TO_COMPAT[chr(0x1161 + _i)] = _c
for _i, _c in enumerate(_JONGSEONG[1:]):
    _CONJOINING_TO_COMPAT[chr(0x11A8 + _i)] = _c


def is_syllable(ch: str) -> bool:
    """True for a precomposed Hangul syllable (가..힣)."""
    return _SYLLABLE_FIRST <= ord(ch) <= _SYLLABLE_LAST


def is_compat_jamo(ch: str) -> bool:
    """True for a compatibility jamo such as ``ㄱ`` or ``ㅠ`` (what phone keyboards emit alone)."""
    return 0x3131 <= ord(ch) <= 0x318E


def is_hangul(ch: str) -> bool:
    return is_syllable(ch) or is_compat_jamo(ch)


def to_compat_jamo(ch: str) -> str:
    """Map a conjoining jamo to its compatibility form; other characters are returned unchanged."""
    return _CONJOINING_TO_COMPAT.get(ch, ch)


@lru_cache(maxsize=8192)
def char_jamo(ch: str) -> str:
    """Keystroke jamo of one character (``웤`` -> ``ㅇㅜㅓㅋ``); non-Hangul characters map to themselves."""
    if is_syllable(ch):
        code = ord(ch) - _SYLLABLE_FIRST
        cho, rest = divmod(code, 588)
        jung, jong = divmod(rest, 28)
        parts = _CHOSEONG[cho] + _JUNGSEONG[jung] + _JONGSEONG[jong]
    else:
        parts = ch
    return "".join(_KEYSTROKES.get(p, p) for p in parts)


def jamo_with_offsets(text: str) -> tuple[str, list[int]]:
    """Decompose ``text`` into keystroke jamo and, for every jamo, the index of its source character."""
    out: list[str] = []
    owners: list[int] = []
    for i, ch in enumerate(text):
        j = char_jamo(ch)
        out.append(j)
        owners.extend([i] * len(j))
    return "".join(out), owners


def to_jamo(text: str) -> str:
    """Keystroke jamo string of ``text``."""
    return "".join(char_jamo(ch) for ch in text)


def choseong(ch: str) -> str:
    """Initial consonant(s) of a syllable, or the keystrokes of a lone consonant jamo, else ``""``.

    ``ㄳ`` is typed as ``ㄱㅅ``, so it yields both consonants and lines up with ``감사``.
    """
    if is_syllable(ch):
        return _CHOSEONG[(ord(ch) - _SYLLABLE_FIRST) // 588]
    if is_compat_jamo(ch) and ch not in _JUNGSEONG:
        return _KEYSTROKES.get(ch, ch)
    return ""


def skeleton(text: str) -> str:
    """Initial-consonant skeleton: ``감사합니다`` -> ``ㄱㅅㅎㄴㄷ``; non-Hangul characters break it with a space."""
    return "".join(choseong(ch) or " " for ch in text)
