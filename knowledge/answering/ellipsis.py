"""Elliptical follow-ups: "자기주도형은요?" after "서비스참여형은 영역이 5개라던데" asks the same thing of
another case, place, year or group.

Such a question names only the thing it contrasts, marked as a topic ("…은요?", "…엔요?", "…에선
돼요?"); what is asked of it is the message before. That message names the thing contrasted with:
the word that shares its head with the new one (서비스참여**형** / 자기주도**형**, 2015**년** / 2016**년**,
내부**기관** / 타**기관**, 남**자** / 여**자**) — Korean compounds put the kind last —, else the word the
message made its topic ("재취업**은** 고령자인재은행 있다고 했죠" before "귀농귀촌은?"). Putting the new
word in its place gives the question asked in full ("자기주도형은 영역이 5개라던데 몇개"), which the
ranker reads like any other.

Pure text functions over the lexicon's particle lists; the dialogue decides when to use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.retrieval import squash

#: a follow-up with more words than this (joiners aside) is a question of its own
MAX_WORDS = 3
#: the shortest contrasted word (a single syllable such as "난" is no topic)
MIN_STEM = 2


def contrasted(question: str, lex: AnswerLexicon) -> tuple[str, list[str]] | None:
    """The word a follow-up contrasts and the words after it: "그럼 상세입력에선 돼요?" ->
    ("상세입력", ["돼요?"]); None when the question does not start with a topic-marked word."""
    words = question.split()
    joiners = {squash(j) for j in lex.joiners}
    while words and squash(words[0]) in joiners:
        words = words[1:]
    if not words or len(words) > MAX_WORDS:
        return None
    head = lex.grammar.trailing_marks.sub("", words[0])
    stem = _strip(head, lex.contrast_particles)
    if stem is None or len(stem) < MIN_STEM:
        return None
    return stem, words[1:]


def follow_up(question: str, before: str, lex: AnswerLexicon,
              has_topic: Callable[[str], bool] = lambda _: False,
              noun: Callable[[str], bool] = lambda _: True) -> str | None:
    """The message before with the follow-up's word in place of the word it contrasts with, and
    the follow-up's own tail ("몇개") after it; None when ``question`` is no elliptical follow-up
    (``has_topic`` says whether its tail names a topic of its own) or ``before`` has no such word
    (``noun`` says whether a word is a thing that can be contrasted, not "찾아가는")."""
    found = contrasted(question, lex)
    if found is None or not before.strip():
        return None
    stem, tail = found
    if has_topic(" ".join(tail)):
        return None
    tokens = before.split()
    at = parallel(stem, tokens, lex, noun)
    if at is None:
        return None
    index, old = at
    tokens[index] = stem + tokens[index][len(old):]
    return " ".join([*tokens, *tail])


def parallel(stem: str, tokens: list[str], lex: AnswerLexicon,
             noun: Callable[[str], bool] = lambda _: True) -> tuple[int, str] | None:
    """Which of ``tokens`` the word ``stem`` stands in for, and that token's own stem: the one that
    shares the longest ending with it (the same kind of thing), else the first topic-marked one.
    The last token is the predicate ("…라던데"), never a contrasted word."""
    best: tuple[int, int, str] | None = None  # (shared ending, index, stem)
    topic: tuple[int, str] | None = None
    for i, token in enumerate(tokens[:-1]):
        own = _strip(token, lex.word_particles) or token
        if squash(own) == squash(stem):
            return None  # the follow-up repeats the word: it contrasts nothing
        shared = _shared_ending(squash(own), squash(stem))
        if len(own) >= MIN_STEM and shared and (best is None or shared > best[0]) and noun(own):
            best = (shared, i, own)
        marked = _strip(token, lex.contrast_particles)
        if topic is None and marked and noun(marked):
            topic = (i, marked)
    if best is not None:
        return best[1], best[2]
    return topic


def _shared_ending(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _strip(word: str, particles: Iterable[str]) -> str | None:
    """``word`` without the longest of ``particles`` it ends with, or None when it ends with none."""
    for particle in particles:  # longest first
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return None
