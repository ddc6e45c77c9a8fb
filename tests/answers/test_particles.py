"""Particles by final consonant, and the template renderer every interface text goes through."""

from __future__ import annotations

import re

import pytest

from knowledge.loader import load_knowledge
from knowledge.particles import PAIRS, final_sound, particle, render


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("재맞고 신청", "이에요/예요", "이에요"),
        ("3가지 검사", "이에요/예요", "예요"),
        ("간호사", "을/를", "를"),
        ("회계사무원", "을/를", "을"),
        ("잡케어", "이/가", "가"),
        ("워크넷", "이/가", "이"),
        ("바리스타", "은/는", "는"),
        ("데이터분석가", "와/과", "와"),
        ("정보처리기사 자격증", "와/과", "과"),
        ("서울", "으로/로", "로"),
        ("집", "(으)로", "으로"),
        ("학교", "(으)로", "로"),
        ("IAP", "을/를", "를"),
        ("HTML", "은/는", "은"),
        ("3", "이에요/예요", "이에요"),
        ("2", "이에요/예요", "예요"),
        ("7", "으로/로", "로"),
        ("'워크넷'", "이/가", "이"),
        ("(잡케어)", "을/를", "를"),
    ],
)
def test_particle_follows_the_last_sound(word: str, pair: str, expected: str) -> None:
    assert particle(word, pair) == expected


def test_unknown_sound_keeps_both_forms() -> None:
    assert final_sound("🙂") is None
    assert particle("🙂", "을/를") == "을(를)"


def test_render_fills_values_and_particles() -> None:
    template = "다음 할 일은 '{stage}'{이에요/예요}. {name}{을/를} 담았어요."
    first = render(template, {"stage": "3가지 검사", "name": "간호사"})
    assert first == "다음 할 일은 '3가지 검사'예요. 간호사를 담았어요."
    second = render(template, {"stage": "재맞고 신청", "name": "회계사무원"})
    assert second == "다음 할 일은 '재맞고 신청'이에요. 회계사무원을 담았어요."


def test_render_refuses_missing_values_and_attribute_access() -> None:
    with pytest.raises(KeyError):
        render("{stage}{이/가}", {})
    with pytest.raises(KeyError):
        render("{stage.__class__}", {"stage": "x"})


def test_every_particle_token_in_the_content_is_a_known_pair() -> None:
    """A typo like ``{을/룰}`` would otherwise surface as a KeyError in somebody's conversation."""
    texts = load_knowledge().texts
    for text_id, template in texts.items():
        for token in re.findall(r"\{([^{}]*/[^{}]*)\}", template):
            assert token in PAIRS, f"{text_id}: unknown particle pair {{{token}}}"


def test_interface_texts_use_particle_tokens_not_both_forms() -> None:
    texts = load_knowledge().texts
    written_both = [tid for tid, t in texts.items() if re.search(r"\}'?(을\(를\)|와\(과\)|은\(는\)|이\(가\))", t)]
    assert written_both == []
