"""Text helpers shared by search and profile matching: normalisation, jamo, morphology.

Everything here is pure and cached; no file access. Hangul syllables are decomposed into
compatibility jamo so that one wrong vowel or consonant ('쳐' for '처', '선' for '썬') is a single edit.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = [
    "analyze",
    "compact",
    "content_morphs",
    "fuzzy_budget",
    "is_hangul",
    "is_latin",
    "normalize",
    "strip_major_suffix",
    "to_jamo",
    "words",
]

# Choseong / jungseong / jongseong tables (compatibility jamo so they print readably).
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
_SBASE, _SLAST = 0xAC00, 0xD7A3

# Separators that carry no meaning for matching ('웹·앱', 'UI/UX', '데이터분석 준전문가(ADsP)').
_SEPARATORS = re.compile(r"[\s·ㆍ•/\\,;:()\[\]{}<>\-_~&|'\"`!?.。、“”‘’…=*]+")

# Morphological tags (Sejong / mecab-ko-dic) that carry searchable content.
CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
# Tags that never count as part of a word's meaning (particles, endings, affixes, symbols, numerals).
NOISE_PREFIXES = ("J", "E", "XS", "XP", "VCP", "VCN", "VX", "SF", "SP", "SS", "SE", "SO", "SW", "SY", "SC",
                  "NNB", "NR", "SN")


def normalize(text: str) -> str:
    """NFKC, case-folded, separators turned into single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", text).strip()


def compact(text: str) -> str:
    """``normalize`` without any spaces: the form used for whole-string equality."""
    return normalize(text).replace(" ", "")


def words(text: str) -> list[str]:
    return normalize(text).split()


def is_hangul(ch: str) -> bool:
    return _SBASE <= ord(ch) <= _SLAST or 0x3131 <= ord(ch) <= 0x318E


def is_latin(text: str) -> bool:
    return bool(text) and all(ch.isascii() for ch in text)


def to_jamo(text: str) -> str:
    """Decompose every Hangul syllable into its jamo (conjoining, via NFD); other characters pass through.

    '처' → 'ᄎ'+'ᅥ', '쳐' → 'ᄎ'+'ᅧ': a wrong vowel is one edit. Use :func:`to_compat_jamo` for display.
    """
    return unicodedata.normalize("NFD", text)


def to_compat_jamo(text: str) -> str:
    """Like :func:`to_jamo` but with compatibility jamo (ㄱ, ㅏ …) that print as standalone letters."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if _SBASE <= code <= _SLAST:
            idx = code - _SBASE
            out.append(_CHO[idx // 588])
            out.append(_JUNG[(idx % 588) // 28])
            jong = _JONG[idx % 28]
            if jong:
                out.append(jong)
        else:
            out.append(ch)
    return "".join(out)


def fuzzy_budget(jamo: str) -> int:
    """How many jamo edits this (decomposed) string may absorb and still count as the same word.

    Short Latin strings get none: 'sqld' vs 'sqlp' or 'java' vs 'jave' are different names, not typos.
    """
    jamo_len = len(jamo)
    if jamo_len <= 3 or (jamo.isascii() and jamo_len <= 4):
        return 0
    if jamo_len <= 8:
        return 1
    if jamo_len <= 15:
        return 2
    return 3


_MAJOR_SUFFIXES = (("학과", "학"), ("학부", "학"), ("전공", ""))


def strip_major_suffix(key: str) -> str:
    """'컴퓨터공학과' → '컴퓨터공학', '경영학부' → '경영학', '회계전공' → '회계' (compact forms)."""
    for suffix, repl in _MAJOR_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)] + repl
    return key


def _mecab() -> Any:
    """The NLU's tagger (python-mecab-ko): one per process, as each maps the whole dictionary."""
    from nlu.tokenize import shared_tagger

    return shared_tagger()


def _pos(text: str) -> list[tuple[str, str]]:
    """(surface, full tag) pairs. Reads mecab's text output directly, which is about three times faster
    than ``MeCab.pos`` (no per-morpheme feature objects); falls back to the public API if that fails."""
    tagger = _mecab()
    try:
        import _mecab as raw

        lattice = raw.Lattice()
        lattice.add_request_type(raw.MECAB_ALLOCATE_SENTENCE)
        lattice.set_sentence(text)
        if not tagger._tagger.parse(lattice):
            raise RuntimeError("mecab parse failed")
        out = []
        for line in lattice.to_string().split("\n"):
            if not line or line == "EOS":
                break
            surface, feature = line.split("\t", 1)
            out.append((surface, feature.split(",", 1)[0]))
        return out
    except (ImportError, AttributeError, RuntimeError, ValueError):
        return tagger.pos(text)


@lru_cache(maxsize=131072)
def analyze(text: str) -> tuple[tuple[str, str], ...]:
    """Morphemes of normalised text as (surface, first tag). Latin-only words skip mecab."""
    if not text:
        return ()
    if is_latin(text) and " " not in text:
        return ((text, "SL"),)
    return tuple((surface.casefold(), tag.split("+", 1)[0]) for surface, tag in _pos(text))


def is_noise_tag(tag: str) -> bool:
    return tag.startswith(NOISE_PREFIXES)


def content_morphs(word: str) -> list[str]:
    """Content morphemes of one normalised word ('파이썬을' → ['파이썬'])."""
    return [s for s, tag in analyze(word) if tag in CONTENT_TAGS]


def strip_trailing_noise(word: str) -> str:
    """Drop particles and endings at the end of a word ('파이썬을' → '파이썬', '개발자가' → '개발자')."""
    morphs = analyze(word)
    end = len(morphs)
    while end > 0 and morphs[end - 1][1].startswith(("J", "E", "VCP", "SF", "SP")):
        end -= 1
    if end == len(morphs) or end == 0:
        return word
    # Rebuild from the surface; mecab surfaces concatenate back to the word for these tags.
    kept = "".join(s for s, _ in morphs[:end])
    return kept if word.startswith(kept) else word
