"""Where someone told us they are in a guide, remembered turn by turn.

A person walking a procedure on another screen tells where they are in one message ("잡케어 상세입력으로
프로필 쓰는중이에요"), adds to it in the next ("학력사항 다 썼어요"), and then asks what comes next. Each
turn reads the message before it once and records in the state what that message did: the statement
that placed the person (``ConversationState.told``) and the guide step it placed them at
(``ConversationState.told_at``). A later statement that places them nowhere by itself ("설명이랑
주요업무 확인했고요") keeps that place; a question clears it (what comes after a question is what
comes after its answer).

A statement is located among the steps of the guide it is most likely about: the guide it names by its
own name ("상세입력"), else the guide of the step the person was last placed at, else the
conversation's guide. Among the steps that match it, those just after where the person was come first.
"X까지 다 했어요" places the person after the last step of that guide which names X ("보안서약서까지
다 작성했어요" is past the 보안서약서 step, not the step that lists the form's items up to it).
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.context import TurnContext
from knowledge.answering import AnswerContext, FactRanker
from knowledge.answering.position import says_appeared, says_done
from knowledge.answering.ranker import NOUN_TAGS
from knowledge.retrieval import squash

#: how many steps after the one someone was last placed at count as where they may have got to
AHEAD = 4
#: a word before "까지" this rare (IDF over phrasings) names a thing of the guide ("보안서약서")
UP_TO_IDF = 4.5


def told_position(ctx: TurnContext, ranker: FactRanker, context: AnswerContext) -> tuple[str, str] | None:
    """(statement, step) where the messages so far placed the person, read once per turn and recorded."""
    if ctx.told_read:
        return ctx.told
    ctx.told_read = True
    state, said = ctx.state, ctx.said_before
    found: tuple[str, str] | None = None
    if said and not ranker.asks(said):
        found = _locate_pair(ctx, ranker, said, context)
        earlier = ctx.said_earlier
        if found is None and earlier and not ranker.asks(earlier) and not state.told_at:
            found = _locate_pair(ctx, ranker, f"{earlier} {said}", context)
        named = named_guide(ctx, ranker, said) if found is None else None
        if named:  # "잡케어 상세입력으로 프로필 쓰는중이에요": in that guide, at no step yet
            state.told, state.told_at = said, ctx.domain.flows[named].about
            ctx.told = None
            return None
        if found is None and state.told and state.told_at in ctx.domain.fact_places:
            found = (state.told, state.told_at)  # a statement adding nothing of place keeps the place
    state.told, state.told_at = found if found else (None, None)
    ctx.told = found
    return found


def _locate_pair(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> tuple[str, str] | None:
    at = locate(ctx, ranker, said, context)
    return (said, at) if at else None


def locate(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> str | None:
    """The guide step a statement says someone is at, read in the guide it is most likely about."""
    named = named_guide(ctx, ranker, said)
    guide = named or guide_of(ctx, ctx.state.told_at) or context.guide
    found = ranker.steps_at(said, replace(context, guide=guide), ctx.domain.fact_places)
    if named:  # "상세입력으로 프로필 쓰는중" is at no step of another guide
        found = [f for f in found if guide_of(ctx, f) == guide]
    if not found:
        return None
    ahead = window(ctx, ctx.state.told_at)
    return next((f for f in found if f in ahead), found[0])


def guide_of(ctx: TurnContext, fact_id: str | None) -> str | None:
    """The guide of a step's fact, or of a guide's summary."""
    place = ctx.domain.fact_places.get(fact_id or "")
    return place[0] if place else ctx.domain.about_of.get(fact_id or "")


def window(ctx: TurnContext, fact_id: str | None) -> tuple[str, ...]:
    """The step ``fact_id`` and the ``AHEAD`` after it (the person's next statement is likely about them)."""
    out: list[str] = []
    at = fact_id if fact_id in ctx.domain.fact_places or fact_id in ctx.domain.about_of else None
    while at and len(out) <= AHEAD and at not in out:
        out.append(at)
        at = ctx.domain.following_fact(at, ctx.state.slots)
    return tuple(out)


def named_guide(ctx: TurnContext, ranker: FactRanker, text: str) -> str | None:
    """The one guide ``text`` names by its own name ("상세입력으로 프로필 쓰는중이에요" -> the 상세입력
    guide), else None."""
    key = squash(text)
    named = {flow for name, flow in guide_names(ctx, ranker).items() if name in key}
    return named.pop() if len(named) == 1 else None


def up_to(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> str | None:
    """For a finished "X까지" statement, the last step of ``anchor``'s guide, from ``anchor`` on, whose
    text names X's rare words: the person has done everything up to and including it ("사업관리기관까지
    선택했어요" is past that item, whatever the next item's phrasings share with it). None when there is
    no such statement or step."""
    if not says_done(said, ranker.lex) or anchor not in ctx.domain.fact_places:
        return None
    cue = "|".join(map(re.escape, ranker.lex.stage_up_to))
    words = re.findall(rf"(\S+?)(?:{cue})", said) if cue else []
    if not words:
        return None
    topic = {t for t in ranker.morph_terms(words[-1], NOUN_TAGS) if ranker.idf.get(t, 0.0) >= UP_TO_IDF}
    if not topic:
        return None
    flow_id, key = ctx.domain.fact_places[anchor]
    steps = ctx.domain.flows[flow_id].steps
    at = [s.key for s in steps].index(key)
    last = None
    for step in steps[at:]:
        if any(k in ctx.state.slots and ctx.state.slots[k] not in v for k, v in step.when.items()):
            continue
        if topic <= set(ranker.morph_terms(ctx.k.fact(step.fact_id).text)):
            last = step.fact_id
    return last


def placed(said: str, ranker: FactRanker) -> bool:
    """Whether a statement says where someone is: something finished, appeared or being done."""
    lex = ranker.lex
    return says_done(said, lex) or says_appeared(said, lex) or ranker.without(said, lex.doing_words) is not None


#: id(domain) -> (that domain, its guide names); the domain is kept so that its id is never reused
_NAMES: dict[int, tuple[object, dict[str, str]]] = {}


def guide_names(ctx: TurnContext, ranker: FactRanker) -> dict[str, str]:
    """Squashed guide name -> flow: the first word of a guide's title (before a particle, "·" or
    "("), of three syllables or more, that no other guide's title contains."""
    key = id(ctx.domain)
    if key not in _NAMES:
        titles = {fid: squash(ctx.flow_title(fid)) for fid in ctx.domain.flows}
        names: dict[str, str] = {}
        for fid in ctx.domain.flows:
            word = re.split(r"[\s·(/]", ctx.flow_title(fid).strip())[0]
            for particle in ranker.lex.word_particles:
                if word.endswith(particle) and len(word) > len(particle) + 2:
                    word = word[: -len(particle)]
                    break
            word = squash(word)
            if len(word) >= 3 and word.isalpha() and sum(word in t for t in titles.values()) == 1:
                names[word] = fid
        _NAMES[key] = (ctx.domain, names)
    return _NAMES[key][1]


def asked_ahead(ctx: TurnContext, ranker: FactRanker, rest: str, following: str) -> str:
    """A "what next" question with a word of its own ("이제 어디 눌러요?" -> 눌러요) asks for the first step,
    from ``following`` on (``AHEAD`` of them), whose text uses that word (its first two syllables): "신청서
    화면 오른쪽 위의 '신청' 버튼을 눌러요", not the check to make before it. Else ``following``."""
    own = [t[:2] for t in ranker.morph_terms(rest) if not any(w.startswith(t) for w in ranker.asking)]
    if not own:
        return following
    for step in window(ctx, following):
        terms = ranker.morph_terms(ctx.k.fact(step).text)
        if all(any(t.startswith(w) for t in terms) for w in own):
            return step
    return following
