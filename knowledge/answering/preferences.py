"""The order of close candidates: which of the ranker's near-equals answers, by what the question
asks (its most telling word, the aspect it asks, the topic it follows up) rather than by score alone.

Pure, like the answerer that uses it; the margins were chosen on the development questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from knowledge.answering.gaps import GapFinder
from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.ranker import KEY_IDF, NOUN_TAGS, AnswerContext, Candidate, FactRanker
from knowledge.retrieval import squash

#: lowest score that answers a question on its own
ANSWER_AT = 0.30
#: the words must match at least this well whatever the context adds
MIN_LEXICAL = 0.15
#: ... and this well when nothing in the conversation points to the fact
MIN_LEXICAL_ALONE = 0.28
#: a fact uses (nearly) every word of the question: it may answer in context however long it is
FULL_COVER = 0.99
#: the most candidates offered as buttons
CHOICES = 3
#: a runner-up this close to the best that uses the question's most telling word, which the best
#: lacks, answers instead ("검사 다시 볼 수 있나요" -> the fact about doing a test again)
KEY_MARGIN = 0.12
#: a runner-up this close to the best that states the aspect asked (where, how long …), which the best
#: does not, answers instead
ASPECT_MARGIN = 0.25

#: what ties a candidate to the conversation's topic: the fact just answered, the guide talked about or
#: one recently answered from, the steps near where someone said they are, the person's audience
IN_TOPIC = frozenset({"last", "near", "guide", "recent", "detail", "audience"})
#: ... of which these tie it to the guide talked about itself
TOPIC_TIES = frozenset({"last", "near", "guide"})
#: how many candidates a follow-up's aspect is looked for among
TOPIC_POOL = 10


class Preferences:
    """The rules that put a close runner-up before the best."""

    def __init__(self, ranker: FactRanker, gaps: GapFinder, lexicon: AnswerLexicon) -> None:
        self.ranker, self.gaps, self.lex = ranker, gaps, lexicon

    def words_first(self, text: str, ranked: list[Candidate], acting: bool, need: float) -> list[Candidate]:
        """A best that only the context put first, whose words match nothing of the question (the fact
        just answered, for "잡케어 같은 것도 저한테 도움이 될까요?"), gives way to the first runner-up
        that the words clearly support (at least ``MIN_LEXICAL_ALONE``) with the question's most
        telling word, and that answers on its own."""
        if not ranked or measure(ranked[0], acting) >= need or ranked[0].lexical >= MIN_LEXICAL:
            return ranked
        # the thing asked about, a noun ("잡케어"): a rare verb ("바꿔요") names no topic
        nouns = [t for t in self.ranker.morph_terms(self.ranker.topic_of(text), NOUN_TAGS)
                 if self.ranker.idf.get(t, 0.0) >= KEY_IDF]
        key = max(nouns, key=self.ranker.idf.__getitem__) if nouns else None
        for i, c in enumerate(ranked[1:], start=1):
            if (key is not None and self.ranker.uses(c, key) and c.lexical >= MIN_LEXICAL_ALONE
                    and measure(c, acting) >= need):
                return [c, *ranked[:i], *ranked[i + 1:]]
        return ranked

    def prefer_key(self, text: str, ranked: list[Candidate]) -> list[Candidate]:
        """The close runner-up that uses the question's most telling word first, when the best does not."""
        key = self.ranker.key_term(text)
        if key is None or self.ranker.uses(ranked[0], key):
            return ranked
        for i, c in enumerate(ranked[1:CHOICES], start=1):
            if "case" in ranked[0].reasons and "other case" in c.reasons:
                continue  # the words of another case's fact do not make it this person's answer
            if ranked[0].score - c.score < KEY_MARGIN and self.ranker.uses(c, key) and measure(c, False) >= ANSWER_AT:
                return [c, *ranked[:i], *ranked[i + 1:]]
        return ranked

    def prefer_stated(self, text: str, ranked: list[Candidate]) -> list[Candidate]:
        """A close runner-up that states the aspect asked (where, how long, a cost …) first, when the
        best does not: "희망일자리센터 어디에 있어요" is answered by the fact with its floor, not the
        one introducing the centre."""
        if self.gaps.unstated(text, ranked[0].fact) is None or self.gaps.admits(text, ranked[0].fact):
            return ranked  # a best that says the sources are silent on what is asked answers just so
        for i, c in enumerate(ranked[1:CHOICES], start=1):
            if "case" in ranked[0].reasons and "other case" in c.reasons:
                continue
            if (ranked[0].score - c.score < ASPECT_MARGIN and self.gaps.unstated(text, c.fact) is None
                    and measure(c, False) >= ANSWER_AT):
                return [c, *ranked[:i], *ranked[i + 1:]]
        return ranked

    def keep_topic(self, text: str, ranked: list[Candidate], context: AnswerContext, acting: bool,
                   need: float) -> list[Candidate]:
        """A follow-up that asks an aspect of the topic talked about ("승인은 누가 해줘요?", "총 얼마예요?",
        "돈 내야 돼요?": who, an amount, a cost …) is answered by a fact of that topic (``IN_TOPIC``) that shows
        the aspect, when the best is from elsewhere, or is of the topic but does not show it and one that
        does is close (``ASPECT_MARGIN``). A question that names a topic of its own (a telling noun the
        topic's fact does not use: "재맞고 신청은 어디서 해요?") is not pulled back."""
        if acting or not ranked:
            return ranked
        asked = self.gaps.asked(text)
        if not asked:
            return ranked

        def shows(c: Candidate) -> bool:
            return any(evidence.search(f"{c.fact.title or ''}\n{c.fact.text}") for _, evidence in asked)

        best = ranked[0]
        own = IN_TOPIC.intersection(best.reasons)
        if own and shows(best):
            return ranked
        # the question's words besides how it asks the aspect ("수료증은 어디서 받아요?" -> 수료증, 받다): a
        # fact of the topic must use them at least as much as the best does, else the question has a topic
        # of its own
        rest = without_cues(self.ranker.topic_of(text),
                             [a for _, asks, _ in (*self.lex.aspects, *self.lex.topic_aspects) for a in asks])
        terms = self.ranker.morph_terms(rest)
        nouns = [t for t in self.ranker.morph_terms(rest, NOUN_TAGS)
                 if self.ranker.idf.get(t, 0.0) >= KEY_IDF and t not in self.lex.generic_nouns]
        covered = self.ranker.coverage(terms, best.fact.id)
        # in the topic already, the best gives way only to the guide's own fact that shows the aspect
        ties, margin = (TOPIC_TIES, ASPECT_MARGIN) if own else (IN_TOPIC, float("inf"))
        for c in self.ranker.rank(text, context, limit=TOPIC_POOL):
            if c.fact.id == best.fact.id or best.score - c.score >= margin:
                continue
            if "case" in best.reasons and "other case" in c.reasons:
                continue
            if (ties.intersection(c.reasons) and shows(c) and c.base >= need
                    and all(self.ranker.uses(c, t) for t in nouns)
                    and self.ranker.coverage(terms, c.fact.id) >= covered):
                # chosen for the aspect it shows, not for words the question lacks ("돈 내야 돼요?")
                c = replace(c, reasons=(*c.reasons, "aspect"))
                return [c, *[r for r in ranked if r.fact.id != c.fact.id]]
        return ranked


def own_case_first(ranked: list[Candidate], conditions: Mapping[str, Mapping[str, list[str]]]) -> list[Candidate]:
    """A best fact said for another case gives way to its alternative for the person's case (the
    1·2학년 참여 유형 for a 2학년), however much nearer its words: they differ in the case only."""
    if not ranked or "other case" not in ranked[0].reasons:
        return ranked
    slots = set(conditions.get(ranked[0].fact.id, {}))
    for i, c in enumerate(ranked[1:], start=1):
        if "case" in c.reasons and slots & set(conditions.get(c.fact.id, {})):
            return [c, *ranked[:i], *ranked[i + 1:]]
    return ranked


def without_cues(text: str, cues: list[str]) -> str:
    """``text`` without the words that make up any of ``cues`` (squashed): "돈 내야 돼요?" less "돈 내" is
    "돼요?", "상담 받으려면 어디로 가면 돼요" less "어디로 가" is "상담 받으려면 돼요"."""
    words = text.split()
    spans, at = [], 0
    for word in words:
        n = len(squash(word))
        spans.append((at, at + n))
        at += n
    key = squash(text)
    dropped: set[int] = set()
    for cue in cues:
        start = key.find(cue)
        while start >= 0:
            end = start + len(cue)
            dropped |= {i for i, (a, b) in enumerate(spans) if a < end and start < b}
            start = key.find(cue, start + 1)
    return " ".join(w for i, w in enumerate(words) if i not in dropped)


def measure(candidate: Candidate, acting: bool) -> float:
    """Against an intent that acts only the words count; otherwise the context does too."""
    # a context's fact that uses every word of the question ("태블릿으로도 되나요?") matches, however long
    covered = candidate.reasons and candidate.cover >= FULL_COVER or "aspect" in candidate.reasons
    if not covered and candidate.lexical < (MIN_LEXICAL if candidate.reasons else MIN_LEXICAL_ALONE):
        return 0.0
    return candidate.lexical if acting else candidate.base
