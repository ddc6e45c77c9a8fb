"""Everyday occupation names: the data file, the matcher (typos, spacing) and what must not be hijacked."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answering.lexicon import load_lexicon
from knowledge.answering.occupation_names import OccupationNames
from knowledge.occupations import CatalogueError, default_catalogue
from knowledge.occupations.catalogue import load_everyday_names


@pytest.fixture(scope="module")
def names() -> OccupationNames:
    return OccupationNames(default_catalogue(), load_lexicon())


@pytest.mark.parametrize(("text", "name", "view"), [
    ("요리사 되려면 뭐 필요해요", "한식조리사", "requirements"),
    ("택시 기사는 뭐 하는 일이에요", "택시운전원", "details"),
    ("농부", "작물재배원", "details"),
    ("용접공 보고서", "용접원", "report"),
    ("환경미화원 되려면", "청소원", "requirements"),
    ("어린이집 선생님은 뭐하는 직업이에요?", "보육교사", "details"),
    ("회게사 되려면", "회계사", "requirements"),      # one jamo wrong
    ("바리스따 되려면?", "바리스타", "requirements"),
    ("게임 기회자", "게임프로그래머", "details"),
    ("트럭기사", "화물차운전원", "details"),
])
def test_everyday_names_open_the_occupation(names: OccupationNames, text: str, name: str, view: str) -> None:
    mention = names.find(text)
    assert mention is not None and (mention.name, mention.view) == (name, view)


@pytest.mark.parametrize("text", ["선발 대기자는 어떻게 처리해요", "상담 예약", "상담사 연결", "귀농도 생각중인데요",
                                  "3가지 검사 어떻게 해요", "선생님", "강사님 전화번호", "경비 처리는 어떻게 해요"])
def test_sentences_that_only_contain_a_name_are_not_hijacked(names: OccupationNames, text: str) -> None:
    assert names.find(text) is None


def test_a_bare_name_is_a_name_and_an_everyday_word_is_not(names: OccupationNames) -> None:
    assert names.is_name("프로그래머") and names.is_name("택시 기사")
    assert not names.is_name("선생님") and not names.is_name("프로그래머 되려면")


def test_an_unknown_target_fails_with_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "everyday_names.yml"
    path.write_text("names:\n  요리사: 한식조리사\n  우주비행사: 우주인\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_everyday_names(default_catalogue(), path)
    assert "everyday_names.yml: names.우주비행사:" in str(err.value)


def test_the_shipped_everyday_names_all_resolve() -> None:
    loaded = load_everyday_names(default_catalogue())
    assert len(loaded) >= 150


@pytest.mark.parametrize(("query", "name"), [("요리사", "한식조리사"), ("프로그래머", "응용소프트웨어개발자"),
                                             ("택시 기사", "택시운전원"), ("정비사", "자동차정비원")])
def test_the_occupation_search_puts_the_occupation_an_everyday_name_means_first(query: str, name: str) -> None:
    assert default_catalogue().index.search(query, limit=3)[0].name == name
