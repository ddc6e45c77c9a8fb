"""Cutting one message into what it asks: a greeting before the question, and up to three questions.

People write "안녕하세요~ 수당 얼마 받을수 있나요" or "수당은 얼마고 언제 신청해요?". The greeting must not
swallow the question, and the second question must not be lost. Cuts are made at sentence ends, at
joining words between spaces ("그리고", "또") and after a ``-고`` clause that already holds a question
word ("얼마고", "어떻게 하고", typed "어디서 하구"), and between two things asked with one predicate
("센터 위치랑 홈페이지 주소 둘 다 알려줘"). The cuts are only proposals: the answering keeps them when
each part finds its own answer (see ``knowledge.answering.answerer``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from knowledge.answering.lexicon import AnswerLexicon, asks
from knowledge.occupations.text import analyze
from knowledge.retrieval import squash

MAX_QUESTIONS = 3
_SENTENCE_END = re.compile(r"[?？!！。\n]+|(?<=[가-힣a-zA-Z])\.(?=\s|$)")
_SHORT_GREETING = 3
#: morpheme tags a noun phrase starts with, and those it may consist of (nouns, numbers, foreign
#: words, pronouns, noun suffixes, particles)
_NOUN_START = ("NN", "NP", "NR", "SL", "SN", "SH", "XR", "XPN")
_NOUN_PARTS = (*_NOUN_START, "XSN", "J")


def strip_greeting(text: str, lex: AnswerLexicon) -> str | None:
    """The text after a leading greeting and what else only opens the question ("안녕하세요 ^^
    문의드립니다. …"); "" if there is nothing else; ``None`` when the text opens with neither."""
    rest = _strip_opener(text, lex)
    while rest:
        more = _strip_opener(rest, lex)
        if more is None:
            break
        rest = more
    return rest


def strip_thanks(text: str, lex: AnswerLexicon) -> str | None:
    """The rest of a message opening with thanks when it asks something ("감사합니다 … 근데 IAP가
    뭐예요?"); ``None`` when it opens with no thanks or asks nothing (thanks alone, or "고마워요 덕분에 잘
    끝냈어요", is small talk for the dialogue)."""
    rest = _strip_opener(text, lex, lex.thanks)
    return rest if rest and asks(rest, lex) else None


def question_start(text: str, lex: AnswerLexicon, keep: Callable[[str], object] = lambda _: False) -> str:
    """``text`` from its first sentence that asks, when that sentence opens with a joining word that
    turns to another topic ("덕분에 가입 잘 했어요! 근데 IAP가 뭐예요?" -> "IAP가 뭐예요?"): what was said
    before it, after a greeting or thanks, is small talk. Without such a word the sentences before
    are the question's topic ("프로필 쓰다가 로그아웃돼서 날아갔어요. 다음엔 어떻게 안 날리죠?") and
    stay, as does one ``keep`` holds (saying who asks: it sets the audience)."""
    start = 0
    for match in _SENTENCE_END.finditer(text + "\n"):
        sentence = text[start : match.end()]
        if sentence.strip():
            if keep(sentence.strip()):
                return text
            if asks(sentence, lex):
                rest = text[start:].strip()
                cut = _strip_joiner(rest, lex)
                return cut if start and cut != rest else text
        start = match.end()
        if start >= len(text):
            break
    return text


def _strip_joiner(text: str, lex: AnswerLexicon) -> str:
    first, _, rest = text.partition(" ")
    return rest.strip() if rest and first.rstrip(",~") in lex.joiners else text


def _strip_opener(text: str, lex: AnswerLexicon, openers: tuple[str, ...] | None = None) -> str | None:
    lowered = text.lower()
    for greeting in lex.greetings if openers is None else openers:
        index = _prefix_end(lowered, greeting)
        if index is None:
            continue
        rest = text[index:]
        boundary = not rest or rest[0] in lex.grammar.after_greeting
        if len(greeting) < _SHORT_GREETING and not boundary:
            continue
        return rest.lstrip(lex.grammar.after_greeting).strip()
    return None


def _prefix_end(text: str, squashed: str) -> int | None:
    """Where ``text`` stops once its squashed prefix spells ``squashed``; ``None`` if it does not."""
    built = ""
    for index, ch in enumerate(text):
        piece = squash(ch)
        if not piece:
            if built:
                continue
            return None
        built += piece
        if built == squashed:
            return index + 1
        if not squashed.startswith(built):
            return None
    return None


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with the mark that ends it (``?``, ``!``, a full stop, a line
    break): "…나빠요? 그 숫자는 …" is two sentences, the first still asking."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[start : match.end()])
        start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip(" \t\n?？!！。.")]


def split_questions(text: str, lex: AnswerLexicon, limit: int = MAX_QUESTIONS) -> list[str]:
    """The questions in ``text`` in order, at most ``limit`` (the rest stays with the last one)."""
    parts: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for clause in _split_joiners(sentence, lex):
            for piece in _split_go_clauses(clause, lex):
                parts += _split_pair(piece, lex)
    parts = [p.strip(" ,~") for p in parts if len(squash(p)) >= 2]
    if len(parts) > limit:
        parts = [*parts[: limit - 1], " ".join(parts[limit - 1 :])]
    return parts or [text.strip()]


def _split_joiners(sentence: str, lex: AnswerLexicon) -> list[str]:
    if not lex.joiners:
        return [sentence]
    pieces = _joiners_pattern(tuple(lex.joiners)).split(sentence)
    return [p for p in pieces if p and p.strip()]


@lru_cache(maxsize=8)
def _joiners_pattern(joiners: tuple[str, ...]) -> re.Pattern[str]:
    """A joining word between clauses, or a comma: built once per lexicon, not at every question."""
    words = "|".join(re.escape(w) for w in sorted(joiners, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s,]+)(?:{words})(?:[\s,]+|$)|,\s+")


def _split_go_clauses(clause: str, lex: AnswerLexicon) -> list[str]:
    """Cut after a word ending in 고 ("얼마고", "어디서 하고"), or in a question's ending with no
    question mark ("몇학년이에요 수당은…"), when the clause so far asks something."""
    words = clause.split()
    out: list[str] = []
    start = 0
    for i, word in enumerate(words[:-1]):
        bare = word.rstrip(",~")
        # "몇학년이에요 수당은 얼마예요" (no "?"); "뭘 해야 될지 모르겠어요 …" only leads to the question
        ends = (bare.endswith(lex.grammar.question_closers) and not bare.endswith(lex.wondering)
                and len(words) - i > 1)
        go = ((bare.endswith(lex.grammar.go_ends) and not bare.endswith(lex.grammar.not_go_ends))
              or bare.endswith(lex.clause_ends))
        # "IAP가 뭔데 어디서 써요", "가입은 어떻게 하는데 …": -는데 right after a question word closes a question
        joins = (bool(lex.question_joins) and bare.endswith(lex.question_joins) and not bare.endswith(lex.wondering)
                 and any(q in squash(" ".join(words[max(start, i - 1) : i + 1])) for q in lex.question_words))
        if not ends and not go and not joins:
            continue
        so_far = squash(" ".join(words[start : i + 1]))
        if any(q in so_far for q in (*lex.question_words, *lex.request_words)):  # "주소 알려주고 …"
            out.append(" ".join(words[start : i + 1]).rstrip(",~"))
            start = i + 1
    out.append(" ".join(words[start:]))
    return out


def _split_pair(clause: str, lex: AnswerLexicon) -> list[str]:
    """Two things asked with one predicate: "센터 위치랑 홈페이지 주소 둘 다 알려줘" -> "센터 위치",
    "홈페이지 주소 알려줘". Cut after the first word joined by "랑" when the message says each is
    wanted (각각, 둘 다) or the thing before it is a phrase of its own and the rest asks; a single word
    before it gets the rest's words but the first ("창업이랑 귀농 연계서비스 각각" -> "창업 연계서비스").
    Not when the two are compared or taken together ("…랑 뭐가 달라요", "…랑 같이")."""
    key = squash(clause)
    if not lex.pair_joiners or any(w in key for w in lex.pair_keep):
        return [clause]
    each = [w for w in lex.each_words if w in key]
    words = clause.split()
    for i, word in enumerate(words[:-1]):
        bare = word.rstrip(",~")
        joiner = next((j for j in lex.pair_joiners if bare.endswith(j) and len(bare) > len(j)), None)
        if joiner is None:
            continue
        rest = [w for w in words[i + 1:] if squash(w) not in each]
        asking = any(q in squash(" ".join(rest)) for q in (*lex.question_words, *lex.request_words))
        if not rest or not _noun_phrase(rest[0]) or not (each or (i >= 1 and asking)):
            return [clause]  # "전문가랑 상담하고 싶으면": with someone, not two things
        left = [*words[:i], bare[: -len(joiner)]]
        if i == 0:
            left += rest[1:]
        return [" ".join(left), " ".join(rest)]
    return [clause]


def _noun_phrase(word: str) -> bool:
    """Whether a word is a noun with its particles ("홈페이지", "누가"), not a verb ("상담하고")."""
    tags = [tag for _, tag in analyze(word.lower())]
    return bool(tags) and tags[0].startswith(_NOUN_START) and all(t.startswith(_NOUN_PARTS) for t in tags)


def subject(text: str, lex: AnswerLexicon) -> str:
    """What a question is about, as its first words name it: the words before its first word marked by a
    particle ("재맞고 수당은 얼마예요" -> "재맞고", "IAP 상담 신청은 어디서 하고" -> "IAP 상담"), or that word
    itself when it comes first ("수당은 얼마고" -> "수당"); "" when a question word or the predicate comes
    first."""
    named: list[str] = []
    words = text.split()
    for word in words[:-1]:
        bare = word.strip(",~?!.")
        if not bare or asks(bare, lex):
            break
        stem = next((bare[: -len(p)] for p in lex.word_particles if bare.endswith(p) and len(bare) > len(p)), None)
        if stem is not None and _noun_phrase(bare):
            return " ".join(named) if named else stem
        named.append(bare)
    return ""
