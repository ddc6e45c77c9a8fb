"""The ``grammar:`` lists of lexicon.yml: built into the patterns the answering reads text by, and a
missing or bad list fails the load naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.answering.lexicon import LEXICON_FILE, load_lexicon
from knowledge.loader import ContentError


def _write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    change(data["grammar"])
    path = tmp_path / "lexicon.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_patterns_read_the_grammar() -> None:
    grammar = load_lexicon().grammar
    assert grammar.lead_in.search("워크넷에 로그인한 뒤 탭을 눌러요")
    assert grammar.statement_join.split("신청 누르고 저장했어요") == ["신청 누르", "저장했어요"]
    assert grammar.self_sentence.match("중장년 구직자입니다.")
    assert grammar.age.search("52세").group(1) == "52"


def test_a_sentence_of_what_one_is_doing_is_told_from_one_of_who_one_is() -> None:
    grammar = load_lexicon().grammar
    assert grammar.doing_sentence.search("프리랜서로 일해볼까 생각 중이에요")
    assert grammar.doing_sentence.search("다음 달에 신청할 예정입니다.")
    assert not grammar.doing_sentence.search("저 올해 52세 직장인이에요")
    assert not grammar.doing_sentence.search("은퇴 준비 중인 50대예요")


def test_missing_list_names_file_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda g: g.pop("self_endings"))
    with pytest.raises(ContentError, match=r"lexicon\.yml: grammar\.self_endings"):
        load_lexicon(path)


def test_syllable_list_takes_single_characters(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda g: g.update(past_exceptions=["있", "없다"]))
    with pytest.raises(ContentError, match=r"grammar\.past_exceptions"):
        load_lexicon(path)


def test_pattern_that_does_not_compile_names_the_field(tmp_path: Path) -> None:
    # a lookbehind needs words of one length
    path = _write(tmp_path, lambda g: g.update(profile_glued_ends=["이고", "준비중이고"]))
    with pytest.raises(ContentError, match=r"grammar\.profile_glued_ends"):
        load_lexicon(path)
