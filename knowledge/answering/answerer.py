"""Deciding what a typed message gets from the facts: one answer, up to three, "not in the guide",
a choice between close candidates, or nothing (the dialogue's own handling then).

Pure: the dialogue gives the text, what the NLU heard and the conversation's context, and renders
the decision. The thresholds were chosen on the development questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from knowledge.answering.gaps import GapFinder
from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.parts import PartReader
from knowledge.answering.preferences import (
    ANSWER_AT,
    CHOICES,
    FULL_COVER,
    MIN_LEXICAL,
    MIN_LEXICAL_ALONE,
    Preferences,
    measure,
    own_case_first,
)
from knowledge.answering.ranker import NOUN_TAGS, AnswerContext, Candidate, FactRanker
from knowledge.answering.split import (
    question_start,
    split_questions,
    split_sentences,
    strip_greeting,
    strip_thanks,
)
from knowledge.retrieval import squash

#: shortest question (characters, spaces aside) left after a told clause is cut off it
MIN_ASKED = 4
#: lowest score for each part of a message cut into several questions
PART_AT = 0.36
#: a fact's words alone must match this well (plus SURE_INTENT x confidence) to outweigh an intent that acts
STRONG_AT = 0.75
#: how much more an acting intent's confidence asks of a fact (a sure "진행상황" stays progress)
SURE_INTENT = 0.30
#: candidates closer than this to the best, from another guide and not favoured by context, are offered
CLOSE = 0.02
#: whether a question's telling word missing from every close candidate means "not in the guide"
MISSING_KEY = True
#: an acting intent heard with less confidence than this leaves the message to the facts
ACTING_SURE = 0.7
#: ... and so does one whose words match this well a question with a question word of its own ("직종비교
#: 최대 몇 개" asks about the compare screen; "간호사랑 물리치료사 비교해줘" asks for a comparison)
ASKED_LEXICAL = 0.6
#: acting intents that give way to a fact of the guide being talked about, matched at least YIELD_AT
YIELDING = frozenset({"help", "out_of_scope", "center_info", "progress_status"})
YIELD_AT = 0.45
SMALL_TALK = frozenset({"greet", "goodbye", "thanks", "affirm", "deny"})
#: intents that ask for information: the topics the facts are tagged with, "not understood" and a
#: question about what the conversation is on ("그건 어디서 해요?"); every other intent acts (menu,
#: progress, occupations, opt-out …) and comes first unless a fact matches very well
INFORMING_EXTRA = frozenset({"nlu_fallback", "ask_detail"})

#: a fact the learned ranker is this sure of (margin 0.3) answers even against an acting intent
TAUGHT_SURE = 0.65
#: ... and so does one the learned ranker places in its class (margin above 0) when it leads the
#: runner-up by LEAD ("직종비교 하면 어떤 정보가 나와요?" is about the compare screen, not a compare)
TAUGHT_CLASS = 0.5
LEAD = 0.3
#: intents about the person's own checklist: what the facts say does not outrank them ("다음에 뭐해요")
OWN_PROGRESS = frozenset({"progress_status", "step_done"})
#: asking for a person ("상담사 연결 가능?") is never answered by a fact that mentions 상담사
ASKS_PERSON = frozenset({"human_handoff"})
#: intents whose action is a guess too costly on a question heard unsurely (a consultant called, the
#: menu or the checklist instead of an answer, a goodbye): below ACTING_SURE such a question is asked back
ASK_BACK = frozenset({"help", "greet", "goodbye", "thanks", "human_handoff", "progress_status"})

Kind = Literal["answers", "not_in_guide", "choose", "none"]


@dataclass(frozen=True)
class Answer:
    candidate: Candidate
    #: the sources are silent on what was asked: the answer says so first
    gap: bool = False


@dataclass(frozen=True)
class Decision:
    kind: Kind
    answers: list[Answer] = field(default_factory=list)
    #: the message after a leading greeting, if it had one
    question: str = ""
    greeted: bool = False


class Answerer:
    """Ranker + gap finder + the rules that turn their numbers into a decision."""

    def __init__(self, ranker: FactRanker, gaps: GapFinder, lexicon: AnswerLexicon) -> None:
        self.ranker, self.gaps, self.lex = ranker, gaps, lexicon
        self.prefer = Preferences(ranker, gaps, lexicon)
        self.parts = PartReader(ranker, lexicon)
        self.informing = frozenset(f.intent for f in ranker.facts.values() if f.intent) | INFORMING_EXTRA

    def decide(self, text: str, context: AnswerContext, *, acting_ok: bool = False) -> Decision:
        """``context.intent`` is what the NLU heard; ``acting_ok`` lets the facts answer an acting
        intent at the ordinary threshold (the context says the question is theirs)."""
        rest = strip_greeting(text, self.lex)
        if rest is None:
            rest = strip_thanks(text, self.lex)  # "감사합니다 … 근데 IAP가 뭐예요?": the question is asked
        if rest == "":
            return Decision("none")
        greeted = rest is not None
        if greeted:
            text = question_start(rest or "", self.lex, keep=self.ranker.describes_self)
            if context.intent not in self.informing:  # "greet", or an act: the question is the facts' to answer
                context = replace(context, intent=None, confidence=0.0)
        text = self.without_stranger(text)
        if (context.intent in SMALL_TALK and not greeted
                and (context.confidence >= ACTING_SURE or not self.ranker.asks(text))):
            return Decision("none")  # a question only half heard as "bye" ("몇 자까지 돼요") is still asked
        acting = (context.intent is not None and context.intent not in self.informing
                  and context.confidence >= ACTING_SURE and not acting_ok)
        need = STRONG_AT + SURE_INTENT * context.confidence if acting else ANSWER_AT
        if acting and (context.intent not in OWN_PROGRESS | ASKS_PERSON or self.asks_no_person(text, context)) \
                and self.asks_a_fact(text, context):
            # "AI 일자리추천은 뭘 보고 추천해요?" heard as "recommend me": the learned ranker is sure it asks
            # a fact (a statement such as "IAP 상담 예약했어요" still acts)
            acting, need = False, ANSWER_AT
        if acting and context.intent in YIELDING and context.guide:
            # "누가 쓸 수 있어요?" heard as "help" inside a guide: a fact of that guide may answer it
            top = self.ranker.rank(text, context, limit=1)
            if top and "guide" in top[0].reasons and (top[0].lexical >= YIELD_AT or _follows_up(top[0])
                                                      or "near" in top[0].reasons):
                acting, need = False, ANSWER_AT
        several = self.several(text, context, need, acting)
        if several:
            return Decision("answers", several, text, greeted)
        told = self.after_background(text, context, acting_ok=acting_ok)
        if told is not None:
            return replace(told, greeted=greeted)
        ranked = own_case_first(self.ranker.rank(text, context, limit=CHOICES + 1), self.ranker.conditions)
        ranked = self.prefer.words_first(text, ranked, acting, need)
        ranked = self.prefer.keep_topic(text, ranked, context, acting, need)
        if not ranked or measure(ranked[0], acting) < need:
            # a word no fact knows, or an aspect (its password, an English version) the nearest fact does not state
            uncovered = bool(self.gaps.uncovered(self.ranker.topic_of(text))) or (
                bool(ranked) and self.gaps.unstated(text, ranked[0].fact) is not None)
            topical = bool(ranked) and ranked[0].lexical >= ANSWER_AT / 2
            if uncovered and topical and (greeted or not acting):
                return Decision("not_in_guide", [], text, greeted)
            return Decision("none", [], text, greeted)
        ranked = self.prefer.prefer_stated(text, self.prefer.prefer_key(text, ranked))
        ranked = self.prefer.keep_topic(text, ranked, context, acting, need)
        best = self.answer(text, ranked[0])
        missing = MISSING_KEY and not best.gap and self.ranker.missing_key(text, ranked[:CHOICES])
        if (missing and missing not in self.gaps.counters(text)  # "몇개임": a count asked, not a thing
                and not self.gaps.states_asked(text, best.candidate.fact)):
            best = Answer(best.candidate, gap=True)
        close = self.close(ranked, context)
        if close and not best.gap:
            return Decision("choose", [Answer(c) for c in [ranked[0], *close]], text, greeted)
        return Decision("answers", [best], text, greeted)

    def after_background(self, text: str, context: AnswerContext, *, acting_ok: bool) -> Decision | None:
        """A message that tells something and then asks ("사용자계정 신청 넣었거든요. 승인은 어디서 해주는
        건가요?"): the question is the last sentence, asked as a follow-up to what was told, the way it
        would be in two messages: the told sentences set the audience and the topic (the guide of the
        fact they match). ``None`` unless the told part finds a fact and the question alone, so asked, is
        answered."""
        sentences = [s.strip() for s in split_sentences(text) if len(squash(s)) >= 2]
        if sentences:  # "잡케어라는 걸 처음 들었는데 나이 제한이 있나요?": what one heard is a told sentence too
            sentences[-1:] = self.background_clause(sentences[-1])
        if len(sentences) < 2 or not self.ranker.asks(sentences[-1]) \
                or any(self.ranker.asks(s) for s in sentences[:-1]):
            return None
        audience = self.ranker.audience_of(" ".join(sentences[:-1])) or context.audience
        # a sentence saying only who one is ("올해 쉰여섯 된 사람입니다.") tells no topic
        told, question = " ".join(s for s in sentences[:-1] if not self.says_who(s)), sentences[-1]
        if not told:
            return None
        if audience and self.ranker.names_elsewhere(self.ranker.morph_terms(told, NOUN_TAGS), audience):
            audience = None  # "52세 구직자예요. 잡케어라는 걸 처음 들었는데 …": the topic told is another area's
        ranked = self.ranker.rank(self.ranker.topic_of(told), replace(context, audience=audience), limit=1)
        if not ranked or ranked[0].lexical < MIN_LEXICAL_ALONE:
            return None
        fact = ranked[0].fact.id
        # what was told is the topic, not the answer: its guide counts, not the fact itself
        asked = replace(context, audience=audience, guide=context.guide or self.ranker.guides.get(fact))
        decision = self.decide(question, asked, acting_ok=acting_ok)
        if decision.kind != "answers" or any(a.gap for a in decision.answers):
            return None
        return replace(decision, question=text)

    def background_clause(self, sentence: str) -> list[str]:
        """A sentence cut after its last clause telling what one heard or was told ("잡케어라는 걸 처음
        들었는데 | 나이 제한이 있나요?"), when what follows asks about a thing it names; else the sentence
        whole. A clause saying what one does ("전공이 검색이 안 되는데 어떡해요") stays: its words are what
        is asked about."""
        cut = None
        for match in self.lex.grammar.hearsay_join.finditer(sentence):
            cut = match
        if cut is None:
            return [sentence]
        told, asked = sentence[: cut.end()].strip(), sentence[cut.end() :].strip()
        own = [t for t in self.ranker.morph_terms(asked, NOUN_TAGS) if t not in self.lex.generic_nouns]
        if len(squash(asked)) < MIN_ASKED or not own or not self.ranker.asks(asked) or self.ranker.asks(told):
            return [sentence]  # "…동의하라는데 해도 되는 거죠?" asks nothing of its own: the sentence is one question
        return [told, asked]

    def without_stranger(self, text: str) -> str:
        """``text`` without a leading sentence that only says who one is in words naming no audience
        ("올해 쉰여섯 된 사람입니다."): it tells neither who asks nor what, and its words are no topic the
        guide lacks. A sentence naming an audience stays: it sets the audience."""
        sentences = split_sentences(text)
        if len(sentences) < 2 or not self.says_who(sentences[0]) or self.ranker.describes_self(sentences[0]):
            return text
        return " ".join(sentences[1:])

    def says_who(self, sentence: str) -> bool:
        """Whether a sentence only says who one is ("중장년 구직자입니다", "올해 쉰여섯 된 사람입니다"),
        asking nothing, whether or not it names an audience the lexicon knows."""
        return bool(self.lex.grammar.self_sentence.match(sentence.strip())) and not self.ranker.asks(sentence)

    def ask_back(self, text: str, context: AnswerContext) -> bool:
        """Whether a question the facts did not answer, heard only unsurely as an acting intent, should be
        asked back (which of the likeliest was meant) rather than acted on."""
        return (context.intent in ASK_BACK and context.confidence < ACTING_SURE
                and strip_greeting(text, self.lex) is None and self.ranker.asks(text))

    def asks_a_fact(self, text: str, context: AnswerContext) -> bool:
        """Whether a question heard as an acting intent plainly asks one fact: it asks, names a telling
        word, and the learned ranker is sure of the fact or clearly prefers it to every other."""
        top = self.ranker.rank(text, context, limit=2)
        if not top or top[0].lexical < MIN_LEXICAL or not self.requests(text) or self.ranker.key_term(text) is None:
            return False
        lead = top[0].score - top[1].score if len(top) > 1 else top[0].score
        return (top[0].taught >= TAUGHT_SURE or (top[0].taught >= TAUGHT_CLASS and lead >= LEAD)
                or (top[0].lexical >= ASKED_LEXICAL and self.ranker.question_word(text)))

    def requests(self, text: str) -> bool:
        """Whether a message asks, or requests as a question does ("센터 위치 알려주세요")."""
        key = squash(text)
        return self.ranker.asks(text) or any(w in key for w in self.lex.request_words)

    def asks_no_person(self, text: str, context: AnswerContext) -> bool:
        """Whether a message heard as asking for a person asks, with a question word, what something is
        connected to, naming no person ("귀농하려는 사람한테는 뭐 연결해줘요?"): a fact the learned ranker
        is sure of answers it, rather than a consultant being called."""
        if context.intent not in ASKS_PERSON or not self.ranker.question_word(text):
            return False
        key = squash(text)
        return not any(p in key for p in self.lex.person_words)

    def answer(self, text: str, candidate: Candidate) -> Answer:
        gap = (self.gaps.gap_answer(self.ranker.expand(text), candidate.fact)
               or bool(self.gaps.uncovered(self.ranker.topic_of(text)))  # who asks is no word the guide lacks
               or self.gaps.unstated(text, candidate.fact) is not None)
        return Answer(candidate, gap)

    def close(self, ranked: list[Candidate], context: AnswerContext) -> list[Candidate]:
        """Runners-up too close to call: other guides' facts within ``CLOSE`` when no context chose."""
        best = ranked[0]
        if best.reasons:
            return []
        guide = self.ranker.guides.get(best.fact.id)
        return [c for c in ranked[1:CHOICES] if 0 <= best.score - c.score < CLOSE
                and self.ranker.guides.get(c.fact.id) != guide][: CHOICES - 1]

    def several(self, text: str, context: AnswerContext, need: float, acting: bool) -> list[Answer] | None:
        """Up to three questions in one message, each with its own answer; None unless two find one."""
        parts = split_questions(text, self.lex)
        if len(parts) < 2:
            return None
        answers: list[Answer] = []
        previous, before = "", set[str]()
        for said in parts:
            # "중장년 구직자입니다." says who asks, not what; "… 학생 말고 아무나 쓸 수 있는거에요?" asks
            if self.says_who(said) and not _questioned(said, text):
                context = replace(context, audience=self.ranker.describes_self(said) or context.audience)
                continue
            (part, other_case), previous = self.parts.in_light_of(said, previous), said
            ranked = self.ranker.rank(part, context, limit=CHOICES + len(before))
            if other_case:  # the part before asked of another case: what answered it does not answer this
                ranked = [c for c in ranked if c.fact.id not in before]
            ranked = ranked[:CHOICES]
            before = {ranked[0].fact.id} if ranked else set()
            ranked = self.prefer.prefer_stated(part, self.prefer.prefer_key(part, ranked)) if ranked else ranked
            before |= {ranked[0].fact.id} if ranked else set()
            # a part that plainly asks a fact is answered though the whole message was heard as an act
            own = acting and not self.asks_a_fact(part, context)
            if not ranked or measure(ranked[0], own) < max(need if own else ANSWER_AT, PART_AT):
                continue  # a part without its own answer ("그리고요") is left to the others
            if all(a.candidate.fact.id != ranked[0].fact.id for a in answers):
                answers.append(self.answer(part, ranked[0]))
            # the next part is asked in the light of this one ("가입할 때 인증은 뭘로 하고 로그인할 땐 뭐로 해요")
            context = replace(context, recent=(*context.recent, ranked[0].fact.id),
                              guide=context.guide or self.ranker.guides.get(ranked[0].fact.id))
        return answers if len(answers) >= 2 else None

    def best(self, text: str, context: AnswerContext) -> Candidate | None:
        """The best fact for a question whose topic is known (``context.intent``), if one is good enough."""
        ranked = own_case_first(self.ranker.rank(text, context, limit=CHOICES), self.ranker.conditions)
        if not ranked or measure(ranked[0], acting=False) < ANSWER_AT:
            return None
        return ranked[0] if context.intent is None or ranked[0].fact.intent == context.intent else None


def _questioned(part: str, text: str) -> bool:
    """Whether ``part`` of ``text`` was followed there by a question mark (cutting took it off)."""
    at = text.find(part)
    return at >= 0 and text[at + len(part):].lstrip()[:1] in ("?", "？")


def _follows_up(candidate: Candidate) -> bool:
    """A short question about the fact just answered, in its words ("자격조회 했어요" -> "뭘 확인하면 돼요?")."""
    return "last" in candidate.reasons and candidate.cover >= FULL_COVER and candidate.lexical >= MIN_LEXICAL
