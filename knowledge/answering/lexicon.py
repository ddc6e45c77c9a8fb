"""The answering vocabulary (``knowledge/content/answering/lexicon.yml``), loaded and checked once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.answering.grammar import Grammar, GrammarWords, build_grammar
from knowledge.loader import CONTENT_DIR, validate_file
from knowledge.retrieval import squash

LEXICON_FILE = CONTENT_DIR / "answering" / "lexicon.yml"


class _Aspect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ask: list[str] = Field(min_length=1)
    evidence: list[str] = Field(min_length=1)

    @field_validator("evidence")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)  # a bad pattern fails the load with its path and field
        return patterns


class _Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    say: list[str] = Field(min_length=1)
    written_for: list[str] = Field(min_length=1, alias="for")


class _LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    greetings: list[str] = Field(default_factory=list)
    openers: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    joiners: list[str] = Field(default_factory=list)
    clause_ends: list[str] = Field(default_factory=list)
    pair_joiners: list[str] = Field(default_factory=list)
    each_words: list[str] = Field(default_factory=list)
    pair_keep: list[str] = Field(default_factory=list)
    request_words: list[str] = Field(default_factory=list)
    person_words: list[str] = Field(default_factory=list)
    wondering: list[str] = Field(default_factory=list)
    question_words: list[str] = Field(default_factory=list)
    question_ends: list[str] = Field(default_factory=list)
    indefinites: list[str] = Field(default_factory=list)
    self_words: list[str] = Field(default_factory=list)
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    audiences: dict[str, list[str]] = Field(default_factory=dict)
    gap_markers: list[str] = Field(default_factory=list)
    pointers: list[str] = Field(default_factory=list)
    generic_nouns: list[str] = Field(default_factory=list)
    occupation_views: dict[str, list[str]] = Field(default_factory=dict)
    occupation_fillers: list[str] = Field(default_factory=list)
    occupation_suffixes: list[str] = Field(default_factory=list)
    occupation_ambiguous: list[str] = Field(default_factory=list)
    occupation_cues: list[str] = Field(min_length=1)
    stage_words: dict[str, list[str]] = Field(default_factory=dict)
    stage_parts: dict[str, list[list[str]]] = Field(default_factory=dict)
    stage_up_to: list[str] = Field(default_factory=list)
    done_words: list[str] = Field(default_factory=list)
    not_done_words: list[str] = Field(default_factory=list)
    profile_joiners: list[str] = Field(default_factory=list)
    stop_terms: list[str] = Field(default_factory=list)
    profile_preparing: list[str] = Field(default_factory=list)
    profile_tails: list[str] = Field(default_factory=list)
    next_words: list[str] = Field(default_factory=list)
    first_words: list[str] = Field(default_factory=list)
    ordinal_words: dict[int, list[str]] = Field(default_factory=dict)
    ordinal_nouns: dict[str, str] = Field(default_factory=dict)
    doing_words: list[str] = Field(default_factory=list)
    appeared_words: list[str] = Field(default_factory=list)
    press_words: list[str] = Field(default_factory=list)
    chosen_words: list[str] = Field(default_factory=list)
    press_steps: list[str] = Field(default_factory=list)
    aspects: dict[str, _Aspect] = Field(default_factory=dict)
    topic_aspects: dict[str, _Aspect] = Field(default_factory=dict)
    subject_aspects: dict[str, _Aspect] = Field(default_factory=dict)
    contrast_particles: list[str] = Field(default_factory=list)
    word_particles: list[str] = Field(default_factory=list)
    aspect_nouns: list[str] = Field(default_factory=list)
    deictic_words: list[str] = Field(default_factory=list)
    part_heads: list[str] = Field(default_factory=list)
    question_joins: list[str] = Field(default_factory=list)
    people: dict[str, _Person] = Field(default_factory=dict)
    grammar: GrammarWords


@dataclass(frozen=True)
class AnswerLexicon:
    """Word lists in the squashed form questions are compared in (no spaces, lower case)."""

    greetings: tuple[str, ...]
    joiners: tuple[str, ...]
    question_words: tuple[str, ...]
    #: squashed variant -> canonical word, longest variants first
    variants: tuple[tuple[str, str], ...]
    #: squashed cue -> audience (content area)
    audience_cues: tuple[tuple[str, str], ...]
    gap_markers: tuple[str, ...]
    pointers: tuple[str, ...]
    generic_nouns: frozenset[str]
    #: the endings and particles the answering reads text by, compiled (knowledge.answering.grammar)
    grammar: Grammar
    #: casual spellings of a clause-joining -고 ("하구", "있구"): a question may end there
    clause_ends: tuple[str, ...] = ()
    #: endings that ask without a question mark ("있나요", "고를까")
    question_ends: tuple[str, ...] = ()
    #: "뭔가 하고 싶어요": a question word meaning "some" when another word follows it (raw, alternation)
    indefinite: re.Pattern[str] | None = None
    #: "저 같은 사람", "저한테": a question asked of the asker themself (squashed)
    self_words: tuple[str, ...] = ()
    #: "…랑": joins two things asked with one predicate; "각각", "둘 다": each is wanted; "차이", "같이":
    #: the two are asked about together (all squashed)
    pair_joiners: tuple[str, ...] = ()
    each_words: tuple[str, ...] = ()
    pair_keep: tuple[str, ...] = ()
    #: "감사합니다", "고마워요": thanks that may open a message whose question comes after it (squashed)
    thanks: tuple[str, ...] = ()
    #: "알려 주세요": a request that asks as a question word does
    request_words: tuple[str, ...] = ()
    #: "상담사", "담당자": a person someone may ask to be connected to
    person_words: tuple[str, ...] = ()
    #: "모르겠어요", "궁금해요": saying one wonders leads to the question, it is not one of its own
    wondering: tuple[str, ...] = ()
    #: squashed view word -> view (report, requirements, details), longest first
    occupation_views: tuple[tuple[str, str], ...] = ()
    occupation_fillers: tuple[str, ...] = ()
    occupation_suffixes: tuple[str, ...] = ()
    occupation_ambiguous: tuple[str, ...] = ()
    #: "직업": says an occupation is meant (raw, as written)
    occupation_cues: tuple[str, ...] = ()
    #: squashed stage word -> stage id, longest first
    stage_words: tuple[tuple[str, str], ...] = ()
    #: squashed part word -> (stage id, part number), longest first; a stage made of parts
    stage_parts: tuple[tuple[str, tuple[str, int]], ...] = ()
    #: (stage id, how each of its parts is shown: "취업준비도검사", …)
    part_labels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: "까지" after a part: the parts before it are done too
    stage_up_to: tuple[str, ...] = ()
    done_words: tuple[str, ...] = ()
    not_done_words: tuple[str, ...] = ()
    stop_terms: frozenset[str] = frozenset()
    #: raw (unsquashed) words: profile items keep their spacing
    profile_joiners: tuple[str, ...] = ()
    profile_preparing: tuple[str, ...] = ()
    profile_tails: tuple[str, ...] = ()
    #: "그다음은요", "이제 뭐 해요": asking for the step after the one someone is at
    next_words: tuple[str, ...] = ()
    #: "처음에 뭐부터 해요": asking for the first step of the guide someone named
    first_words: tuple[str, ...] = ()
    #: (squashed ordinal word, position; -1 the last), longest first
    ordinal_words: tuple[tuple[str, int], ...] = ()
    #: list noun -> the stage of ``stage_parts`` it names, or "" (the list is the context's)
    ordinal_nouns: tuple[tuple[str, str], ...] = ()
    #: "하고 있어요", "화면이에요": someone says which step of a guide they are at
    doing_words: tuple[str, ...] = ()
    #: "홈페이지 떴어요", "…라고 나와요": a screen or message someone sees now
    appeared_words: tuple[str, ...] = ()
    #: "검색 눌렀어요": a button pressed — the word before it names the button, not an activity finished
    press_words: tuple[str, ...] = ()
    #: "X 누르면 뭐 골라요?": a choice made, the question asked of the screen after it
    chosen_words: tuple[str, ...] = ()
    #: "'신청' 버튼을 눌러요": a step whose action is pressing a button
    press_steps: tuple[str, ...] = ()
    #: aspect -> (squashed ways of asking for it, what in a fact's text shows it)
    aspects: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = ()
    #: aspect -> (ways of asking for it, what shows it): what a follow-up may ask of the topic just talked
    #: about ("누가 승인해요?", "얼마예요?"); a fact of that topic that shows it answers, never a gap line
    topic_aspects: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = ()
    #: aspect -> (ways of asking for it, what shows it): things asked of a topic that are named by a noun of
    #: their own (수료증, 여권, 장학금): like ``aspects`` a fact not showing one is missing it, but the words
    #: name what is asked, so they stay in the question's topic
    subject_aspects: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = ()
    #: "…은요?", "…엔요?", "…에선": the endings that make a word the topic a follow-up contrasts (raw, longest first)
    contrast_particles: tuple[str, ...] = ()
    #: the particles a word of a message may end with ("남자가", "재취업쪽"), raw, longest first
    word_particles: tuple[str, ...] = ()
    #: "장소", "비용": what a question asks of the topic before it when it names none of its own
    aspect_nouns: frozenset[str] = frozenset()
    #: "여기", "그거", "이제", "그럼": words that point at what the conversation is on (squashed, longest first)
    deictic_words: tuple[str, ...] = ()
    #: nouns that ask about a thing rather than name it ("신청은 어디서 해요"): a later part of a message
    #: whose nouns are only these asks about the thing the part before named
    part_heads: frozenset[str] = frozenset()
    #: "-는데" endings that close a question before another ("뭔데", "어떻게 하는데"), raw, longest first
    question_joins: tuple[str, ...] = ()
    #: squashed words someone says who is one kind of person the sources write for -> that kind, longest first
    people_cues: tuple[tuple[str, str], ...] = ()
    #: kind of person -> squashed words of the facts written for them (in a fact's title or first line)
    people_for: tuple[tuple[str, tuple[str, ...]], ...] = ()


def asks(text: str, lex: AnswerLexicon) -> bool:
    """Whether a message asks something (a question mark or a question word), rather than says
    something ("저 올해 52세 직장인이에요", "취업했어요")."""
    if lex.indefinite is not None:
        text = lex.indefinite.sub(" ", text)
    key = squash(text)
    return "?" in text or any(w in key for w in lex.question_words) or key.endswith(lex.question_ends)


def _longest_first(words: list[str]) -> tuple[str, ...]:
    # ties in a fixed order: a set's order changes with each process's string hashing, and which of
    # two cues of one length is found first ("그다음" / "다음은") changed answers from run to run
    return tuple(sorted({squash(w) for w in words if squash(w)}, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> AnswerLexicon:
    data = validate_file(path, _LexiconFile)
    variants = sorted(
        ((squash(v), canonical) for canonical, values in data.synonyms.items() for v in values if squash(v)),
        key=lambda pair: len(pair[0]), reverse=True,
    )
    cues = sorted(
        ((squash(c), area) for area, words in data.audiences.items() for c in words if squash(c)),
        key=lambda pair: len(pair[0]), reverse=True,
    )
    return AnswerLexicon(
        greetings=_longest_first([*data.greetings, *data.openers]),
        joiners=tuple(w for w in data.joiners if w.strip()),
        thanks=_longest_first(data.thanks),
        question_words=_longest_first(data.question_words),
        clause_ends=_longest_first(data.clause_ends),
        question_ends=_longest_first(data.question_ends),
        indefinite=(re.compile(rf"(?:{'|'.join(re.escape(w) for w in data.indefinites)})(?=\s+\S)")
                    if data.indefinites else None),
        self_words=_longest_first(data.self_words),
        pair_joiners=_longest_first(data.pair_joiners),
        each_words=_longest_first(data.each_words),
        pair_keep=_longest_first(data.pair_keep),
        request_words=_longest_first(data.request_words),
        person_words=_longest_first(data.person_words),
        wondering=_longest_first(data.wondering),
        variants=tuple(variants),
        audience_cues=tuple(cues),
        gap_markers=_longest_first(data.gap_markers),
        pointers=_longest_first(data.pointers),
        generic_nouns=frozenset(squash(w) for w in data.generic_nouns),
        grammar=build_grammar(data.grammar, path),
        occupation_views=tuple(sorted(
            ((squash(w), view) for view, words in data.occupation_views.items() for w in words if squash(w)),
            key=lambda pair: len(pair[0]), reverse=True,
        )),
        occupation_fillers=_longest_first(data.occupation_fillers),
        occupation_suffixes=_longest_first(data.occupation_suffixes),
        occupation_ambiguous=_longest_first(data.occupation_ambiguous),
        occupation_cues=tuple(w for w in data.occupation_cues if w.strip()),
        stage_words=tuple(sorted(
            ((squash(w), stage) for stage, words in data.stage_words.items() for w in words if squash(w)),
            key=lambda pair: len(pair[0]), reverse=True,
        )),
        stage_parts=tuple(sorted(
            ((squash(w), (stage, n)) for stage, parts in data.stage_parts.items()
             for n, words in enumerate(parts) for w in words if squash(w)),
            key=lambda pair: len(pair[0]), reverse=True,
        )),
        stage_up_to=_longest_first(data.stage_up_to),
        part_labels=tuple((stage, tuple(words[0] for words in parts)) for stage, parts in data.stage_parts.items()),
        done_words=_longest_first(data.done_words),
        not_done_words=_longest_first(data.not_done_words),
        stop_terms=frozenset(squash(w) for w in data.stop_terms),
        profile_joiners=tuple(sorted(data.profile_joiners, key=len, reverse=True)),
        profile_preparing=_longest_first(data.profile_preparing),
        profile_tails=tuple(sorted(data.profile_tails, key=len, reverse=True)),
        next_words=_longest_first(data.next_words),
        first_words=_longest_first(data.first_words),
        ordinal_words=tuple(sorted(((squash(w), n) for n, words in data.ordinal_words.items() for w in words
                                    if squash(w)), key=lambda pair: len(pair[0]), reverse=True)),
        ordinal_nouns=tuple(sorted(((squash(k), v) for k, v in data.ordinal_nouns.items()),
                                   key=lambda pair: len(pair[0]), reverse=True)),
        doing_words=_longest_first(data.doing_words),
        appeared_words=_longest_first(data.appeared_words),
        press_words=_longest_first(data.press_words),
        chosen_words=_longest_first(data.chosen_words),
        press_steps=_longest_first(data.press_steps),
        aspects=tuple((name, _longest_first(a.ask), re.compile("|".join(f"(?:{e})" for e in a.evidence)))
                      for name, a in data.aspects.items()),
        topic_aspects=tuple((name, _longest_first(a.ask), re.compile("|".join(f"(?:{e})" for e in a.evidence)))
                            for name, a in data.topic_aspects.items()),
        subject_aspects=tuple((name, _longest_first(a.ask), re.compile("|".join(f"(?:{e})" for e in a.evidence)))
                              for name, a in data.subject_aspects.items()),
        contrast_particles=tuple(sorted(set(data.contrast_particles), key=lambda w: (-len(w), w))),
        word_particles=tuple(sorted(set(data.word_particles), key=lambda w: (-len(w), w))),
        aspect_nouns=frozenset(squash(w) for w in data.aspect_nouns),
        deictic_words=_longest_first(data.deictic_words),
        part_heads=frozenset(squash(w) for w in data.part_heads),
        question_joins=tuple(sorted(set(data.question_joins), key=lambda w: (-len(w), w))),
        people_cues=tuple(sorted({(squash(w), name) for name, p in data.people.items() for w in p.say if squash(w)},
                                 key=lambda pair: (-len(pair[0]), pair[0]))),
        people_for=tuple((name, _longest_first(p.written_for)) for name, p in data.people.items()),
    )
