"""Normalisation and Hangul helpers."""

from __future__ import annotations

import unicodedata

from nlu.hangul import choseong, skeleton, to_jamo
from nlu.normalize import normalize


def test_full_width_and_case_are_folded() -> None:
    assert normalize("Ｗｏｒｋｎｅｔ 가입").text == "worknet 가입"


def test_repeated_characters_are_squeezed() -> None:
    assert normalize("ㅋㅋㅋㅋㅋ 감사해요ㅠㅠㅠㅠ!!!!").text == "ㅋㅋ 감사해요ㅠㅠ!"
    assert normalize("10000원").text == "10000원"  # digits are never squeezed


def test_emoji_are_dropped_or_mapped() -> None:
    assert normalize("😀😀😀").text == ""
    assert normalize("잡케어 😀 하는법").text == "잡케어 하는법"
    assert normalize("👍").text == "좋아요"


def test_controls_and_whitespace() -> None:
    assert normalize("\x00워크넷\u200b\t\n가입  \x07").text == "워크넷 가입"
    assert normalize("\ud800").text == ""  # a lone surrogate must not survive to the tagger


def test_decomposed_hangul_is_composed_and_compat_jamo_kept() -> None:
    nfd = unicodedata.normalize("NFD", "잡케어")
    assert normalize(nfd).text == "잡케어"
    assert normalize("ㄱㅅ").text == "ㄱㅅ"  # NFKC would turn these into conjoining jamo


def test_offsets_point_into_the_original_text() -> None:
    original = "😀 Ｗｏｒｋｎｅｔㅋㅋㅋㅋ 가입"
    n = normalize(original)
    start = n.text.index("가입")
    s, e = n.original_span(start, start + 2)
    assert original[s:e] == "가입"
    s, e = n.original_span(0, len("worknet"))
    assert original[s:e] == "Ｗｏｒｋｎｅｔ"


def test_long_input_is_bounded() -> None:
    assert len(normalize("가" * 10_000, max_chars=1000).text) <= 1000


def test_keystroke_jamo_make_typos_one_edit_apart() -> None:
    assert to_jamo("웤넷") == "ㅇㅜㅓㅋㄴㅔㅅ"
    assert to_jamo("워크넷") == "ㅇㅜㅓㅋㅡㄴㅔㅅ"
    assert to_jamo("잡캐어") == "ㅈㅏㅂㅋㅐㅇㅓ"
    assert to_jamo("worknet") == "worknet"


def test_skeleton_matches_chosung_shorthand() -> None:
    assert skeleton("감사") == "ㄱㅅ"
    assert choseong("ㄳ") == "ㄱㅅ"
    assert skeleton("ok 감사") == "   ㄱㅅ"
