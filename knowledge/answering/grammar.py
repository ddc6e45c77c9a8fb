"""The Korean grammar the answering reads text by, built from the ``grammar:`` lists of lexicon.yml.

The endings and particles ("…한 뒤", "-고", "인데요") are content like any other word list, so they
live in the lexicon; this module only knows the shape of each pattern (what comes before and after
a word) and compiles it once at load time. A list that is missing, empty, or makes a pattern that
does not compile fails the load with the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.loader import ContentError

_Words = Field(min_length=1)
#: the fields whose entries each stand for one syllable (or jamo) in a character class
_SINGLE = ("after_syllables", "past_syllables", "quote_syllables", "infinitive_syllables",
           "past_exceptions", "past_tails", "greeting_trail_jamo", "trailing_jamo")


class GrammarWords(BaseModel):
    """The ``grammar:`` section of lexicon.yml, as written (the YAML comments say what each is)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after_syllables: list[str] = _Words
    after_words: list[str] = _Words
    after_particles: list[str] = _Words
    finish_conditions: list[str] = _Words
    past_syllables: list[str] = _Words
    past_conditions: list[str] = _Words
    go_ends: list[str] = _Words
    not_go_ends: list[str] = _Words
    condition_ends: list[str] = _Words
    quote_syllables: list[str] = _Words
    statement_joins: list[str] = _Words
    hearsay_joins: list[str] = _Words
    infinitive_syllables: list[str] = _Words
    infinitive_joins: list[str] = _Words
    past_exceptions: list[str] = _Words
    past_tails: list[str] = _Words
    question_closers: list[str] = _Words
    greeting_trail_jamo: list[str] = _Words
    trailing_jamo: list[str] = _Words
    age_units: list[str] = _Words
    self_endings: list[str] = _Words
    doing_nouns: list[str] = _Words
    profile_glued_ends: list[str] = _Words
    profile_glued_joiners: list[str] = _Words

    @field_validator("*")
    @classmethod
    def _not_blank(cls, words: list[str]) -> list[str]:
        if any(not w.strip() for w in words):
            raise ValueError("an entry is blank")
        return words

    @field_validator(*_SINGLE)
    @classmethod
    def _one_character(cls, words: list[str]) -> list[str]:
        if any(len(w) != 1 for w in words):
            raise ValueError("each entry must be one character")
        return words


@dataclass(frozen=True)
class Grammar:
    """The compiled patterns and endings (see lexicon.yml ``grammar:`` for what each list means)."""

    #: where a guide step's sentence is cut before its action ("…한 뒤", "마치면", "…하고")
    lead_in: re.Pattern[str]
    #: a condition on what appears ("창이 뜨면")
    on_screen: re.Pattern[str]
    #: where a statement is cut into what was done in turn ("…누르고", "…들어가니까")
    statement_join: re.Pattern[str]
    #: the end of a clause telling what one heard or was told to do ("…처음 들었는데", "…하라고 하는데")
    hearsay_join: re.Pattern[str]
    past_exceptions: frozenset[str]
    past_tails: frozenset[str]
    question_closers: tuple[str, ...]
    go_ends: tuple[str, ...]
    not_go_ends: tuple[str, ...]
    #: characters that may follow a greeting before the question starts
    after_greeting: str
    #: punctuation and crying jamo at the end of a word ("상세입력은요?ㅠ")
    trailing_marks: re.Pattern[str]
    #: an age said in years ("52세")
    age: re.Pattern[str]
    #: a leading clause saying who is asking ("운영기관 담당자인데"), and a sentence saying only that
    self_description: re.Pattern[str]
    self_sentence: re.Pattern[str]
    #: a sentence that says what one is doing or about to do ("… 생각 중이에요"), not who one is
    doing_sentence: re.Pattern[str]
    #: in a profile answer, where a clause ending or joiner glued to a word cuts two items
    profile_glued: str


def _alt(words: Iterable[str]) -> str:
    """An alternation in the order written (order decides which of two overlapping words is found)."""
    return "|".join(re.escape(w) for w in words)


def _chars(words: Iterable[str]) -> str:
    return "".join(re.escape(w) for w in words)


def _compile(path: Path, fields: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ContentError(path, f"grammar.{fields}", f"makes no valid pattern: {exc}") from exc


def build_grammar(words: GrammarWords, path: Path) -> Grammar:
    """Compile the patterns once; the same regular expressions the code used to spell out."""
    w = words
    lead_in = (rf"(?:(?<=[{_chars(w.after_syllables)}])\s*(?:{_alt(w.after_words)})(?:{_alt(w.after_particles)})?"
               rf"|(?:{_alt(w.finish_conditions)})|(?<=[{_chars(w.past_syllables)}])(?:{_alt(w.past_conditions)})"
               rf"|(?<=[가-힣])(?:{_alt(w.go_ends)}))(?=[,\s])")
    statement_join = (rf"(?:(?<=[가-힣])(?:(?<![{_chars(w.quote_syllables)}])(?:{_alt(w.go_ends)})"
                      rf"|{_alt(w.statement_joins)})"
                      rf"|(?<=[{_chars(w.infinitive_syllables)}])(?:{_alt(w.infinitive_joins)}))[,\s]+")
    self_ending = rf"^[^?!.]{{0,30}}?(?:{_alt(w.self_endings)})"
    glued = rf"(?<={_alt(w.profile_glued_ends)})\s+|(?<=\S)(?:{_alt(w.profile_glued_joiners)})\s+"
    _compile(path, "profile_glued_ends/profile_glued_joiners", glued)  # lookbehind words must be one length
    return Grammar(
        lead_in=_compile(path, "after_syllables/after_words/finish_conditions/past_conditions/go_ends", lead_in),
        on_screen=_compile(path, "condition_ends", rf"(?<=[가-힣])(?:{_alt(w.condition_ends)})(?=[,\s])"),
        statement_join=_compile(path, "statement_joins/infinitive_joins", statement_join),
        hearsay_join=_compile(path, "hearsay_joins", rf"(?:{_alt(w.hearsay_joins)})[,\s]+"),
        past_exceptions=frozenset(w.past_exceptions),
        past_tails=frozenset(w.past_tails),
        question_closers=tuple(w.question_closers),
        go_ends=tuple(w.go_ends),
        not_go_ends=tuple(w.not_go_ends),
        after_greeting=" \t~!.,?^;:…-" + "".join(w.greeting_trail_jamo),
        trailing_marks=_compile(path, "trailing_jamo", rf"[?？!.~{_chars(w.trailing_jamo)}]+$"),
        age=_compile(path, "age_units", rf"(?<![0-9])([1-9][0-9])(?:{_alt(w.age_units)})"),
        self_description=_compile(path, "self_endings", self_ending + r"[,.!~\s]+"),
        self_sentence=_compile(path, "self_endings", self_ending + r"[,.!~\s]*$"),
        doing_sentence=_compile(path, "doing_nouns/self_endings",
                                rf"(?:^|\s)(?:{_alt(w.doing_nouns)})(?:{_alt(w.self_endings)})[,.!~\s]*$"),
        profile_glued=glued,
    )
