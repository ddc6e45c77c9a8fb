"""Where someone told us they are in a guide, remembered turn by turn.

A person walking a procedure on another screen tells where they are in one message ("잡케어 상세입력으로
프로필 쓰는중이에요"), adds to it in the next ("학력사항 다 썼어요"), and then asks what comes next. Each
turn reads the message before it once and records in the state what that message did: the statement
that placed the person (``ConversationState.told``) and the guide step it placed them at
(``ConversationState.told_at``). A later statement that places them nowhere by itself ("설명이랑
주요업무 확인했고요") keeps that place; a question clears it (what comes after a question is what
comes after its answer).

A statement is located among the steps of the guide the person was last placed in, else the
conversation's guide; of the steps that match it, one just after where they were comes first.
"X까지 다 했어요" is past X: past the last matching step that names X ("보안서약서까지 다 작성했어요" is
past the 보안서약서 step, not at the step that lists the form's items up to it), and past X only
("사업관리기관까지 선택했어요"). A question with a word of its own asked at a told position is answered
by the step ahead that uses it ("이제 어디 눌러요?", "사이트엔 어떻게 올려요?").
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.context import TurnContext
from knowledge.answering import AnswerContext, FactRanker
from knowledge.answering.position import before_action, says_appeared, says_done
from knowledge.answering.ranker import KEY_IDF, NOUN_TAGS
from knowledge.retrieval import squash

#: how many steps after the one someone was last placed at count as where they may have got to
AHEAD = 4
#: a step's heading: a few words before a colon that opens it ("'사업관리기관' 항목: ")
_HEAD = re.compile(r"([^:.\n]{1,30}):\s")
#: how many steps from the next one a "what next" question with a word of its own looks at: the next
#: step and, when that is a check to make first, the one after it
ASKED_AHEAD = 2
#: a guide's first step that shares this much of its words with the guide's summary only introduces it
INTRO_SHARE = 0.95
#: a word before "까지" this rare (IDF over phrasings) names a thing of the guide ("보안서약서")
UP_TO_IDF = 4.5


def told_position(ctx: TurnContext, ranker: FactRanker, context: AnswerContext) -> tuple[str, str] | None:
    """(statement, step) where the messages so far placed the person, read once per turn and recorded."""
    if getattr(ctx, "told_read", False):
        return ctx.told
    ctx.told_read = True
    state, said = ctx.state, ctx.said_before
    found: tuple[str, str] | None = None
    if said and not ranker.asks(said):
        found = _locate_pair(ctx, ranker, said, context)
        earlier = ctx.said_earlier
        if found is None and earlier and not ranker.asks(earlier) and not state.told_at:
            found = _locate_pair(ctx, ranker, f"{earlier} {said}", context)
        if found is None and state.told and state.told_at in ctx.domain.fact_places:
            found = (state.told, state.told_at)  # a statement adding nothing of place keeps the place
    state.told, state.told_at = found if found else (None, None)
    ctx.told = found
    return found


def _locate_pair(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> tuple[str, str] | None:
    at = locate(ctx, ranker, said, context)
    return (said, at) if at else None


def locate(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> str | None:
    """The guide step a statement says someone is at, read in the guide they were last placed in (else
    the conversation's): of the steps it matches, one just after where they were first."""
    guide = guide_of(ctx, ctx.state.told_at) or context.guide
    found = ranker.steps_at(said, replace(context, guide=guide), ctx.domain.fact_places)
    if not found:
        return None
    ahead = window(ctx, ctx.state.told_at)
    return next((f for f in found if f in ahead), found[0])


def guide_of(ctx: TurnContext, fact_id: str | None) -> str | None:
    place = ctx.domain.fact_places.get(fact_id or "")
    return place[0] if place else None


def window(ctx: TurnContext, fact_id: str | None) -> tuple[str, ...]:
    """The step ``fact_id`` and the ``AHEAD`` after it (the person's next statement is likely about them)."""
    out: list[str] = []
    at = fact_id if fact_id in ctx.domain.fact_places else None
    while at and len(out) <= AHEAD and at not in out:
        out.append(at)
        at = ctx.domain.following_fact(at, ctx.state.slots)
    return tuple(out)


def up_to(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> str | None:
    """For a finished "X까지" statement placed at ``anchor``, the step, among those the statement matches
    in ``anchor``'s guide, that comes last and names all of X's rare words: the person has done everything
    up to it ("신청서 보안서약서까지 다 작성했어요" matches the step listing the form's items up to
    보안서약서 best, and is past the 보안서약서 step itself). None when there is no such statement or step."""
    word = up_to_word(said, ranker)
    if not word or not says_done(said, ranker.lex) or anchor not in ctx.domain.fact_places:
        return None
    topic = {t for t in ranker.morph_terms(word, NOUN_TAGS) if ranker.idf.get(t, 0.0) >= UP_TO_IDF}
    if not topic:
        return None
    flow_id = ctx.domain.fact_places[anchor][0]
    order = [s.fact_id for s in ctx.domain.flows[flow_id].steps]
    matched = ranker.steps_at(said, AnswerContext(guide=flow_id, slots=ctx.state.slots), ctx.domain.fact_places)
    naming = [f for f in {anchor, *matched} if f in order
              and topic <= set(ranker.morph_terms(ctx.k.fact(f).text))]
    return max(naming, key=order.index) if naming else None


def up_to_word(said: str, ranker: FactRanker) -> str | None:
    """X of the last "X까지" in a statement ("신청서 보안서약서까지 다 작성했어요" -> 보안서약서)."""
    cue = "|".join(map(re.escape, ranker.lex.stage_up_to))
    words = re.findall(rf"(\S+?)(?:{cue})", said) if cue else []
    return words[-1] if words else None


def heads(ctx: TurnContext, ranker: FactRanker, said: str, step: str) -> bool:
    """Whether the X of "X까지" is what ``step`` is headed with ("'사업관리기관' 항목: …"): done up to the
    step's own item, the step is done, whichever of its words the statement's verb shares."""
    word, text = up_to_word(said, ranker), ctx.k.fact(step).text
    head = _HEAD.match(text)
    return bool(word and head and set(ranker.morph_terms(word, NOUN_TAGS)) <= set(ranker.morph_terms(head.group(1))))


def placed(said: str, ranker: FactRanker) -> bool:
    """Whether a statement says where someone is: something finished, appeared or being done."""
    lex = ranker.lex
    return says_done(said, lex) or says_appeared(said, lex) or ranker.without(said, lex.doing_words) is not None


def asked_ahead(ctx: TurnContext, ranker: FactRanker, rest: str, following: str) -> str:
    """A "what next" question with a word of its own ("이제 어디 눌러요?" -> 눌러요) asks for the first step,
    of ``following`` and the one after it (``ASKED_AHEAD``), whose text uses that word (its first two
    syllables): "신청서 화면 오른쪽 위의 '신청' 버튼을 눌러요", not the check to make before it. Else
    ``following``: a step further on that happens to use the word ("프린트 버튼을 누르고") is not next."""
    own = [t[:2] for t in ranker.morph_terms(rest) if not any(w.startswith(t) for w in ranker.asking)]
    if not own:
        return following
    for step in window(ctx, following)[:ASKED_AHEAD]:
        terms = ranker.morph_terms(ctx.k.fact(step).text)
        if all(any(t.startswith(w) for t in terms) for w in own):
            return step
    return following


def asked_near(ctx: TurnContext, ranker: FactRanker, text: str, context: AnswerContext) -> str | None:
    """A question after a told position ("IAP 계획서 다 썼어요, DOOR에 사진도 냈고" -> "이제 사이트엔 어떻게
    올려요") whose telling nouns the best-ranked fact does not use but a step just ahead does ("…재학생
    맞춤형고용서비스 사이트에 접속해…"): that step, the nearest such; else None."""
    if not context.near or not ranker.asks(text):
        return None
    own = set(telling_nouns(ranker, text))
    if not own:
        return None
    best = ranker.rank(text, context, limit=1)
    if not best or best[0].fact.id in context.near or own <= set(ranker.morph_terms(best[0].fact.text)):
        return None
    return next((f for f in context.near if own <= set(ranker.morph_terms(ctx.k.fact(f).text))), None)


def telling_nouns(ranker: FactRanker, text: str) -> list[str]:
    """The nouns of ``text`` that name a topic: rare over the phrasings (at least ``KEY_IDF``) and not
    generic ("것", "방법"); a leading self-description is left out."""
    return [t for t in ranker.morph_terms(ranker.topic_of(text), NOUN_TAGS)
            if ranker.idf.get(t, 0.0) >= KEY_IDF and t not in ranker.lex.generic_nouns]


def asked_after_choice(ctx: TurnContext, ranker: FactRanker, text: str, context: AnswerContext) -> str | None:
    """A question asked of the screen after a choice ("웤넷 회원가입 누르면 뭐 골라야 돼요?", "운전면허증
    고르면 뭘 적어요?"): the step after the one that says to make it, the branch for the option chosen —
    not the step that lists the option. None unless the question alone would be answered by that step,
    the choice's last word is in it and the choice is its action, not a lead-in to it ("로그인하면 뭐
    눌러요?" asks that step itself)."""
    cues = ranker.lex.chosen_words
    at = min((i for i in (text.find(c) for c in cues) if i > 0), default=-1)
    if at < 0 or not ranker.asks(text[at:]):
        return None
    said = text[:at].strip()
    chosen = said.split()[-1] if said.split() else ""
    anchor = locate(ctx, ranker, said, context)
    topic = set(ranker.morph_terms(chosen, NOUN_TAGS))
    if not anchor or not topic or not topic <= set(ranker.morph_terms(ctx.k.fact(anchor).text)):
        return None
    if before_action(said, ctx.k.fact(anchor).text, ranker.morph_terms, ranker.idf):
        return None
    flow_id, key = ctx.domain.fact_places[anchor]
    step = ctx.domain.step(flow_id, key)
    if step is None or step.when or says_what_follows(ctx.k.fact(anchor).text, chosen, cues):
        # the step for the option chosen ("운전면허증이면 '면허번호'를 입력해요"), or one that says what
        # choosing does ("'상세보기'를 누르면 세부 보고서가 나와요"), answers itself
        return None
    best = ranker.rank(text, context, limit=1)
    if not best or best[0].fact.id != anchor:
        return None  # only where the step that says to make the choice would answer what comes after it
    slots = {**ctx.state.slots, **ctx.domain.cases_named(said)}
    following = ctx.domain.following_fact(anchor, slots)
    asking = _asks_slot(ctx, following)
    if asking and asking in slots:  # the question of which option, answered by the choice itself
        following = ctx.domain.following_fact(following or "", slots)
    return following


def _asks_slot(ctx: TurnContext, fact_id: str | None) -> str | None:
    place = ctx.domain.fact_places.get(fact_id or "")
    step = next((s for s in ctx.domain.flows[place[0]].steps if s.key == place[1]), None) if place else None
    return step.slot_name if step is not None and step.ask is not None else None


def past_intro(ctx: TurnContext, ranker: FactRanker, fact_id: str | None) -> str | None:
    """``fact_id``, or, when it is a guide's first step that only restates the guide's summary
    ("잡케어는 … 서비스예요. 지금부터 순서대로 해 볼게요."), the step after it: "next" after the last step
    of one guide asks the first thing to do in the next one, not what it is."""
    place = ctx.domain.fact_places.get(fact_id or "")
    if place is None:
        return fact_id
    flow = ctx.domain.flows[place[0]]
    if not flow.about or not flow.steps or flow.steps[0].fact_id != fact_id or len(flow.steps) < 2:
        return fact_id
    own = set(ranker.morph_terms(ctx.k.fact(fact_id).text))
    about = set(ranker.morph_terms(ctx.k.fact(flow.about).text))
    if not own or len(own & about) < INTRO_SHARE * len(own):
        return fact_id
    return ctx.domain.following_fact(fact_id, ctx.state.slots) or fact_id


_QUOTED = re.compile(r"'([^']+)'")


def not_pressed(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> bool:
    """Whether a finished statement placed at a step that says to press a button has not pressed it:
    it names no pressing and not the button ("신청서 다 썼어요" at "신청서 화면 오른쪽 위의 '신청' 버튼을
    눌러요": the form is filled, the button still to press). "'검색' 눌렀어요", "확인 누름" name it."""
    text, lex = ctx.k.fact(anchor).text, ranker.lex
    if not any(w in squash(text) for w in lex.press_steps) or ranker.without(said, lex.press_words) is not None:
        return False
    return not any(_names(said, label, lex.word_particles) for label in _QUOTED.findall(text))


def _names(said: str, label: str, particles: tuple[str, ...]) -> bool:
    """Whether ``said`` names ``label`` as a word of its own, spaced as it likes ("상세보고서 생성 완료" names
    '상세 보고서 생성'; "신청서" does not name '신청'): the match ends the word, or a particle follows."""
    pattern = r"\s*".join(map(re.escape, squash(label)))
    for found in re.finditer(pattern, said, re.IGNORECASE) if pattern else ():
        after = said[found.end():]
        if not after or not after[0].isalnum() or any(after.startswith(p) for p in particles):
            return True
    return False


def says_what_follows(step_text: str, chosen: str, cues: tuple[str, ...]) -> bool:
    """Whether a step says what choosing ``chosen`` leads to: a sentence of it goes on past the verb after
    the chosen word ("'상세보기'를 눌러 세부 보고서로 가요", "비선발 처리하면 '비선발관리' 탭으로 옮겨져요"),
    or says what happens when something is chosen ("…누르면 …"). "'회원가입'을 눌러요." says only to choose."""
    key = squash(chosen)
    for sentence in re.split(r"[.\n]+", step_text):
        words = sentence.split()
        at = next((i for i, w in enumerate(words) if key and key in squash(w)), None)
        if at is not None and len(words) - at - 1 > 1:
            return True
    return any(c in squash(step_text) for c in cues)
