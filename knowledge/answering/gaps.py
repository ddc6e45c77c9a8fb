"""Telling when the sources do not say: "not in the guide" is an answer, not the nearest card.

Two signs, both read from the content rather than listed by hand:

* the fact that matches best says, in the sentence that matches the question best, that the
  sources are silent ("예약을 바꾸는 방법은 이 안내서에 나와 있지 않아요") — a *gap sentence*;
* the question asks about something no fact mentions at all (세금, 입금일, 대학원생) while the rest
  of it is about the guides: its topic is covered, that aspect is not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.lexicon import asks as asks_something
from knowledge.occupations.text import CONTENT_TAGS, analyze
from knowledge.retrieval import squash
from knowledge.schema import Fact

#: a sentence ends at . ! ? before a space, but not at a date's or a number's dot ("2016.1.15. 1층에서")
_SENTENCE = re.compile(r"(?<=[.!?。])(?<!\d\.)\s+|\n+")
#: shortest noun that counts as a topic of its own
MIN_NOUN = 2
#: morpheme tags (a number, a determiner such as 몇) after which a glued noun is a counter
COUNTED_AFTER = frozenset({"SN", "MM"})


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _grams(text: str) -> set[str]:
    key = squash(text)
    return {key[i : i + n] for n in (2, 3) for i in range(len(key) - n + 1)}


class GapFinder:
    """Knows every word the facts use and which fact sentences admit a gap."""

    def __init__(self, facts: Iterable[Fact], lexicon: AnswerLexicon) -> None:
        self.lex = lexicon
        parts: list[str] = []
        facts_list = list(facts)
        for fact in facts_list:
            parts += [fact.title or "", fact.text, *fact.ask]
        self._sentences = [squash(s) for fact in facts_list for s in sentences(fact.text)]
        self._rarity: dict[str, float] = {}
        # the lexicon's own words ("그담엔" for what comes next) are words the guides understand
        words = [w for variant, canonical in lexicon.variants for w in (variant, canonical)] + list(lexicon.next_words)
        self.corpus = squash(" ".join(parts + words))
        self._synonyms = frozenset(w for variant, canonical in lexicon.variants for w in (variant, squash(canonical)))
        #: every aspect a fact may fail to state: how it is asked (``aspects``) and what it names
        #: (``subject_aspects``: a certificate, a passport, a scholarship), its ways of asking one pattern
        self.missable = tuple((name, _any_of(asks), evidence)
                              for name, asks, evidence in (*lexicon.aspects, *lexicon.subject_aspects))
        self._askable = tuple((name, _any_of(asks), evidence)
                              for name, asks, evidence in (*lexicon.aspects, *lexicon.topic_aspects))
        self._stated: dict[tuple[str, str, str], str] = {}

    def is_gap_sentence(self, sentence: str) -> bool:
        key = squash(sentence)
        return any(marker in key for marker in self.lex.gap_markers)

    def gap_answer(self, question: str, fact: Fact) -> bool:
        """Whether the part of ``fact`` that answers ``question`` is a sentence saying the sources are silent."""
        parts = sentences(fact.text)
        if not any(self.is_gap_sentence(s) for s in parts):
            return False
        asked = _grams(question)
        nouns = [squash(m) for m, tag in analyze(question.lower()) if tag in CONTENT_TAGS]
        if not asked:
            return False
        if self.key_unsaid(nouns, fact) or self.asks_as_gap(question, parts):
            return True
        scored = []
        for i, sentence in enumerate(parts):
            key = squash(sentence)
            # on a tie the earlier sentence: a fact says its answer first, what it lacks after
            scored.append((sum(self.rarity(n) for n in nouns if n in key) + 0.01 * len(asked & _grams(sentence)), -i))
        flags = [self.is_gap_sentence(s) for s in parts]
        for i, sentence in enumerate(parts):  # "… 나와 있지 않아요. 컨설턴트에게 확인해 주세요." belong together
            flags[i] = flags[i] or (i > 0 and flags[i - 1] and any(p in squash(sentence) for p in self.lex.pointers))
        return flags[-max(scored)[1]] or flags[0]

    def asks_as_gap(self, question: str, parts: list[str]) -> bool:
        """Whether a gap sentence of the fact asks what the question asks, in its words: a question word
        and the two syllables after it ("어떤 파일을 올려요?" and "어떤 파일을 첨부하는지는 … 나와 있지
        않아요")."""
        key = squash(question)
        asked = {key[i : i + len(q) + 2] for q in self.lex.question_words for i in _finds(key, q)}
        asked = {a for a in asked if len(a) > 2}
        return any(any(a in squash(s) for a in asked) for s in parts if self.is_gap_sentence(s))

    def key_unsaid(self, nouns: list[str], fact: Fact) -> bool:
        """Whether the fact, which admits a gap, was written to be asked with the question's most telling
        noun, which no fact's text ever says: "대학원생도 돼요?" of a fact on who may apply, asked
        "대학원생도 되나요" among its phrasings, whose text names 재학·휴학·수료 and says other cases are
        not in the guide. A word the fact says with an ending (휴학생: 휴학) is said; an everyday word
        (폰 -> 휴대폰) never counts."""
        told = [n for n in nouns if len(n) >= MIN_NOUN and n not in self.lex.generic_nouns and n not in self._synonyms]
        if not told:
            return False
        key = max(told, key=self.rarity)
        said = squash(f"{fact.title or ''} {fact.text}")
        return (key in squash(" ".join(fact.ask)) and key not in said and not any(key in s for s in self._sentences)
                and not (len(key) > MIN_NOUN and key[:-1] in said))

    def rarity(self, word: str) -> float:
        """How telling a word is: log inverse frequency over the facts' sentences."""
        value = self._rarity.get(word)
        if value is None:
            df = sum(word in s for s in self._sentences)
            value = self._rarity[word] = math.log((1 + len(self._sentences)) / (1 + df))
            if len(self._rarity) > 4096:
                self._rarity.clear()
        return value

    def unstated(self, question: str, fact: Fact) -> str | None:
        """The aspect ``question`` asks of its topic (its cost, how long, a phone number ...) that
        ``fact`` does not state, if any: "직업심리검사 비용 있어요?" of a fact with no cost in it."""
        key = squash(question)
        text = self.stated_text(fact)
        for name, asks, evidence in self.missable:
            if asks.search(key) and not evidence.search(text):
                return name
        return None

    def stated_text(self, fact: Fact) -> str:
        """What ``fact`` states: its title and the sentences that do not say the sources are silent
        ("전화번호는 문서에 없어요" states no phone number)."""
        key = (fact.id, fact.title or "", fact.text)
        text = self._stated.get(key)
        if text is None:
            text = "\n".join([fact.title or "", *(s for s in sentences(fact.text) if not self.is_gap_sentence(s))])
            if len(self._stated) > 4096:
                self._stated.clear()
            self._stated[key] = text
        return text

    def admits(self, question: str, fact: Fact) -> bool:
        """Whether a sentence of ``fact`` saying the sources are silent speaks of the aspect ``question``
        asks ("신청 주소와 연락처는 문서에 없으니 …" for "주소 알려주세요"): the fact answers that it is not
        said."""
        key = squash(question)
        silent = "\n".join(s for s in sentences(fact.text) if self.is_gap_sentence(s))
        return bool(silent) and any(asks.search(key) and evidence.search(silent) for _, asks, evidence in self.missable)

    def states_asked(self, question: str, fact: Fact) -> bool:
        """Whether ``question`` asks an aspect (where, how long …) that ``fact`` states: then its words
        for that aspect ("장소", "기간") need not be the fact's own."""
        key = squash(question)
        text = self.stated_text(fact)
        return any(asks.search(key) and evidence.search(text) for _, asks, evidence in self.missable)

    def asked(self, question: str) -> list[tuple[str, re.Pattern[str]]]:
        """Every aspect ``question`` asks (its name and what shows it in a fact), those a fact may lack
        (``aspects``) and those only a follow-up's topic decides (``topic_aspects``): "승인은 누가 해줘요?"
        asks who."""
        key = squash(question)
        return [(name, evidence) for name, asks, evidence in self._askable if asks.search(key)]

    def uncovered(self, question: str) -> list[str]:
        """Nouns of the question that appear in no fact (nor as an everyday synonym). A leading clause
        that only says who asks ("학부모입니다.", "40대 주부에요") names no topic the guide lacks, and a
        noun glued to a number or a determiner ("몇개야", "몇개임") is a counter with an ending, not a
        thing asked about."""
        text = self.asked_part(question).lower()
        out, counted = [], self.counters(text)
        for surface, tag in analyze(text):
            if tag not in CONTENT_TAGS or len(surface) < MIN_NOUN or surface in counted:
                continue
            key = squash(surface)
            if key in self.lex.generic_nouns or key in self.corpus:
                continue
            out.append(surface)
        return out

    def counters(self, question: str) -> set[str]:
        """Nouns glued to a number or a determiner ("몇개야", "몇개임", "5회"): counters with an ending."""
        text = question.lower()
        out, at, previous = set(), 0, ""
        for surface, tag in analyze(text):
            found = text.find(surface, at)
            if found > 0 and not text[found - 1].isspace() and previous in COUNTED_AFTER and tag in CONTENT_TAGS:
                out.add(surface)
            previous = tag
            if found >= 0:
                at = found + len(surface)
        return out

    def asked_part(self, question: str) -> str:
        """The question without a leading clause that says who asks and asks nothing itself."""
        match = self.lex.grammar.self_description.match(question)
        if match is None or asks_something(match.group(0), self.lex) or not question[match.end():].strip():
            return question
        return question[match.end():]


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any of ``words`` (squashed) in a squashed text; none matches nothing."""
    return re.compile("|".join(re.escape(w) for w in words) or r"(?!)")


def _finds(text: str, word: str) -> list[int]:
    """Where ``word`` starts in ``text``, every time."""
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out
