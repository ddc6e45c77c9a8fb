"""Conversational query expansion: a question whose own words are too generic to name what it is about
("여기서 고를 수 있는 게 뭐예요", "하나하나 다 눌러야 돼요?", "이제 보고서는 어케 만듦") is read together
with what the person said just before ("인터넷참여자인증 탭에서 참여자인증번호 눌러서 자기소개 봤어요"),
which names the screen or the topic.

The question is ranked twice: alone, in its context (guide, audience, facts answered last), and joined
to the message before it (the words of both, the NLU's intent left out: it heard only the question). A
fact's combined score is the sum of its two scores, so the fact chosen must suit the question's own words
*and* the topic the message before named; a fact only one reading finds counts the other reading's
lowest score there. The combined reading decides only when

* the question is under-specified: at most ``MAX_OWN`` telling words of its own, or a word pointing at
  the conversation (여기, 그거, 이제, 그럼 …: ``lexicon.deictic_words``) with at most ``MAX_OWN_POINTING``;
* and its best leads the answer the question alone got (or, with none, its runner-up) by ``LEAD`` — or,
  for a question that points, the joined reading prefers it among the facts the question alone ranks
  near its best (``POINTED_NEAR``): the question says what is asked, the message before where "여기" is.

A question that names its own topic ("IAP 상담은 어디서 신청해요?") has telling words of its own and keeps
its answer, whatever was said before; so does one whose own word the answer it got in the conversation's
topic uses ("학교명은 직접 쳐요?" while writing the 상세입력 profile), unless it points at what was said.
Pure: the dialogue gives the messages and the decision so far.
"""

from __future__ import annotations

from dataclasses import replace

from knowledge.answering.answerer import ACTING_SURE, Answerer, Decision
from knowledge.answering.preferences import ANSWER_AT, TOPIC_TIES, measure
from knowledge.answering.ranker import KEY_IDF, NOUN_TAGS, POOL, AnswerContext, Candidate, FactRanker
from knowledge.retrieval import squash

#: acting intents too generic to act on when the question points at the conversation ("여기서 고를 수 있는 게
#: 뭐예요" heard as "help"): the message before says what "여기" is
POINTED_ACTS = frozenset({"help", "out_of_scope"})
#: a question with at most this many telling nouns (rare, not generic) names no topic of its own
MAX_OWN = 1
#: ... and one with a pointing word ("여기서", "그럼") at most this many
MAX_OWN_POINTING = 2
#: a pointing question's answer is the joined reading's best of the facts the question alone ranks this
#: close to its own best
POINTED_NEAR = 0.3
#: the combined reading's best must lead the question-alone answer by this much (sum of two scores;
#: chosen on every development set: 0.5 lets in more wrong pulls than right ones, 0.7 loses right ones)
LEAD = 0.6


def telling_words(ranker: FactRanker, text: str) -> list[str]:
    """The nouns of ``text`` that name a topic: rare over the phrasings (at least ``KEY_IDF``), not
    generic ("것", "방법"); a leading self-description is left out."""
    return [t for t in ranker.morph_terms(ranker.topic_of(text), NOUN_TAGS)
            if ranker.idf.get(t, 0.0) >= KEY_IDF and t not in ranker.lex.generic_nouns]


def points(ranker: FactRanker, text: str) -> bool:
    """Whether a message has a word pointing at what the conversation is on ("여기서", "그거", "이제")."""
    key = squash(text)
    return any(w in key for w in ranker.lex.deictic_words)


def under_specified(ranker: FactRanker, text: str) -> bool:
    """Whether a question's own words are too few or too generic to say what it is about."""
    own = len(telling_words(ranker, text))
    return own <= MAX_OWN or (own <= MAX_OWN_POINTING and points(ranker, text))


def combined(alone: list[Candidate], joined: list[Candidate]) -> dict[str, tuple[Candidate, float]]:
    """Fact id -> (candidate, combined score): the sum of the fact's scores in both readings, a reading
    that did not find the fact counting its lowest score (the joined reading's candidate is kept: its
    reasons and lexical score are the ones the combined reading stands on)."""
    low_alone = min((c.score for c in alone), default=0.0)
    low_joined = min((c.score for c in joined), default=0.0)
    by_alone = {c.fact.id: c for c in alone}
    by_joined = {c.fact.id: c for c in joined}
    return {fid: (by_joined.get(fid) or by_alone[fid],
                  (by_alone[fid].score if fid in by_alone else low_alone)
                  + (by_joined[fid].score if fid in by_joined else low_joined))
            for fid in by_alone.keys() | by_joined.keys()}


def held_in_topic(decision: Decision) -> Candidate | None:
    """The answer the question alone got, when the conversation's topic (the guide talked about or one
    saying it in more detail, the steps near where someone is, the fact just said) is what put it there."""
    if decision.kind != "answers" or not decision.answers:
        return None
    candidate = decision.answers[0].candidate
    return candidate if set(candidate.reasons) & (TOPIC_TIES | {"detail"}) else None


def rereadable(answerer: Answerer, text: str, context: AnswerContext, decision: Decision) -> bool:
    """Whether the question, as the answerer decided it, may be read with the message before: it asks,
    names no topic of its own, and got one answer, a choice, or nothing that an act heard surely owns."""
    ranker = answerer.ranker
    if decision.kind == "none":
        if (context.intent not in answerer.informing and context.confidence >= ACTING_SURE
                and not (context.intent in POINTED_ACTS and points(ranker, text))):
            return False  # an act heard surely ("메뉴 보여줘") is the dialogue's
    elif not (decision.kind == "choose" or (decision.kind == "answers" and len(decision.answers) == 1)):
        return False  # "not in the guide", several questions answered: what the question itself said
    # (a gap the question alone was answered with may be its words too few to find the fact)
    return answerer.requests(text) and under_specified(ranker, text)


def reread(answerer: Answerer, text: str, before: str, context: AnswerContext, decision: Decision) -> Decision | None:
    """The decision for ``text`` read with the message ``before`` it, when that reading should decide
    (see the module docstring); None keeps ``decision``."""
    ranker = answerer.ranker
    if not before or squash(before) in squash(text) or not rereadable(answerer, text, context, decision):
        return None
    held = decision.answers[0].candidate.fact.id if decision.answers else None
    alone = ranker.rank(text, context, limit=POOL)
    joined = ranker.rank(f"{before} {text}", replace(context, intent=None, confidence=0.0), limit=POOL)
    pointing = points(ranker, text)
    best = summed_best(alone, joined, held) or (pointed_best(alone, joined) if pointing else None)
    if best is None or best.fact.id == held or measure(best, acting=False) < ANSWER_AT:
        return None
    kept = None if pointing else held_in_topic(decision)  # "거기선 …" asks about what was said before
    if kept is not None and any(ranker.uses(kept, t) and not ranker.uses(best, t) for t in telling_words(ranker, text)):
        # the question alone found, in the conversation's topic, a fact that uses its own word ("학교명은
        # 직접 쳐요?" while writing the 상세입력 profile): that word says what is asked of the topic
        return None
    return Decision("answers", [answerer.answer(text, best)], text, decision.greeted)


def summed_best(alone: list[Candidate], joined: list[Candidate], held: str | None) -> Candidate | None:
    """The best of the summed readings when it leads the answer held (with none, its runner-up) by
    ``LEAD``."""
    scores = combined(alone, joined)
    if not scores:
        return None
    order = sorted(scores, key=lambda fid: (-scores[fid][1], fid))
    best, score = scores[order[0]]
    if held is not None:
        rival = scores[held][1] if held in scores else min(c.score for c in alone) + min(c.score for c in joined)
    else:
        rival = scores[order[1]][1] if len(order) > 1 else 0.0
    return best if score - rival >= LEAD else None


def pointed_best(alone: list[Candidate], joined: list[Candidate]) -> Candidate | None:
    """For a question pointing at what was said ("여기서 뭘 볼 수 있어요?"): of the facts the question
    alone ranks within ``POINTED_NEAR`` of its best — what it asks — the one the joined reading ranks
    highest — where "여기" is."""
    if not alone or not joined:
        return None
    near = [c for c in alone if c.score >= alone[0].score - POINTED_NEAR]
    rank = {c.fact.id: c.score for c in joined}
    low = min(rank.values())
    return max(near, key=lambda c: (rank.get(c.fact.id, low), c.score))
