""""그다음은요?": the step after where someone says they are.

People walking a procedure on another screen report where they are ("사이렌24 실명등록은 끝냈어요",
"이력서 등록하기 누르고 동의까지 했어요", "간편인증 하고 있어요") and ask what comes next. Where they
are is the guide step that this message ("인증 끝났는데 그담엔?") or the one before describes, else
the step last answered. What comes next depends on what the statement says of that step:

* it is being done ("…하고 있어요"): the step after it;
* what was done last is a lead-in of the step ("워크넷 로그인 했어요" before "로그인한 뒤 [고용복지정책]
  탭에서 …를 눌러요"): that step itself, its action still to do (``knowledge.answering.position``);
* it is finished: the step after everything the statement's topic covers — "실명등록은 끝냈어요"
  finishes the 실명등록 step, the ID question and its branches, so the phone login is next.

"Next" skips the other branches of a choice and steps for another case (``Domain.following_fact``).
"""

from __future__ import annotations

from dataclasses import replace

from flows import told as where
from flows.context import TurnContext
from flows.situation import answers_situation
from flows.told import asked_ahead, asked_near, heads, locate, placed, telling_nouns, told_position, up_to, up_to_word
from knowledge.answering import AnswerContext, FactRanker
from knowledge.answering.answerer import Answerer
from knowledge.answering.position import before_action, last_clause, says_appeared, says_done
from knowledge.answering.ranker import NOUN_TAGS, Candidate
from knowledge.retrieval import squash
from knowledge.schema import Fact

#: a "what next" question with more words of its own than this asks about something else
#: ("다음 일 잡는 데이 날짜 언제예요")
NEXT_TERMS = 2
#: how many steps after where someone said they are count as near it
NEAR = 3
#: a statement's words this rare (IDF over phrasings) name the activity it finished ("실명", "준비도")
TOPIC_IDF = 4.5
#: a question with at most this many telling nouns of its own may ask about the topic of the message before
CARRY_NOUNS = 1
#: an NLU this sure that a question asks the person's own progress keeps it from carrying a topic over
OWN_PROGRESS_SURE = 0.9
#: a step belongs to that activity when its text uses one of them, or at least this share of its phrasings
TOPIC_ASKS = 0.5


def next_fact(ctx: TurnContext, ranker: FactRanker, text: str, context: AnswerContext) -> Fact | None:
    """The following step's fact when ``text`` asks what comes next (or a step ahead, ``asked_near``), else None."""
    lex = ranker.lex
    rest = ranker.without(text, lex.next_words)
    if rest is None:  # no "what next", yet asked of the steps ahead of a told position ("사이트엔 어떻게 올려요")
        # or of the screen after a choice ("회원가입 누르면 뭐 골라요?")
        near = where.asked_after_choice(ctx, ranker, text, context) or asked_near(ctx, ranker, text, context)
        return ctx.k.fact(near) if near else None
    statement = ranker.without(rest, lex.done_words)
    if len(ranker.morph_terms(statement if statement is not None else rest)) > NEXT_TERMS:
        return None
    own = before_cue(text, lex.next_words) if statement is not None else None
    told = told_position(ctx, ranker, context)
    following = None
    for said, anchor in ((own, step_done(ctx, ranker, own, context) if own else None), told or (None, None)):
        if said and anchor:
            following = step_after(ctx, ranker, said, anchor)
            break
    else:
        if context.recent and context.recent[-1] in ctx.domain.fact_places:
            following = ctx.domain.following_fact(context.recent[-1], ctx.state.slots)
    if following and statement is None:  # "이제 어디 눌러요?": the step ahead that says where to press
        following = asked_ahead(ctx, ranker, rest, following)
    following = where.past_intro(ctx, ranker, following)
    return ctx.k.fact(following) if following else None


def steps_near(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> tuple[str, ...]:
    """The steps a statement of where someone is ("IAP 계획관리 등록 화면이에요", placed at ``anchor``)
    makes likely for their next question: the step they are at (or, finished, the one after) and the
    ``NEAR`` after it."""
    if not placed(said, ranker):
        return ()
    reached = says_done(said, ranker.lex) or says_appeared(said, ranker.lex)
    at = step_after(ctx, ranker, said, anchor) if reached else anchor
    near: list[str] = []
    while at and len(near) <= NEAR and at not in near:
        near.append(at)
        at = ctx.domain.following_fact(at, ctx.state.slots)
    return tuple(near)


def asked_of_before(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext) -> Fact | None:
    """A question with no words of its own ("어디어디서 해요?", "그럼 어떻게 해요?") asks about what the
    message before it was about: the two are ranked together, whatever intent the NLU heard in
    so few words (a progress question names progress: "어디까지 했어요?")."""
    best = candidate_asked_of_before(ctx, answerer, text, context)
    return best.fact if best is not None else None


def candidate_asked_of_before(ctx: TurnContext, answerer: Answerer, text: str,
                              context: AnswerContext) -> Candidate | None:
    """``asked_of_before``'s candidate, whose score and reasons the follow-ups weigh."""
    ranker = answerer.ranker
    before = what_was_told(ranker, ctx.said_before)
    if not before or not ctx.state.recent or not ranker.asks(text) or not topicless(ranker, text):
        return None
    return answerer.best(f"{before} {text}", replace(context, intent=None, confidence=0.0))


def what_was_told(ranker: FactRanker, said: str | None) -> str | None:
    """A message before without what only says who is asking: "저 올해 52세 직장인이에요" tells none
    (it sets the audience, not the topic), "저 성동구 사는 58세인데요 경비 일 알아보고 있어요" the rest."""
    if not said or ranker.asks(said):
        return said
    grammar = ranker.lex.grammar
    if grammar.self_sentence.match(said.strip()) and not grammar.doing_sentence.search(said.strip()):
        return None
    return ranker.topic_of(said)


def carried_topic(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext) -> Candidate | None:
    """A question that names no topic of its own ("몇 회 운영했어요?", "언제 나와요?": at most one telling
    noun, which the answer must use) after a message that named one ("2015년 일자리발굴단 실적이
    궁금해요"): the topic carries over, so the two are ranked together — whatever the NLU heard in so
    few words. Someone who said where they are in a guide ("선발 메뉴에서 검색했는데 안 나와요") asks,
    with no noun of their own ("왜 안 보이죠?"), about that step or the few after it. When the message
    before carries nothing ("직무에 필요한 능력이 뭔지 알고싶어요" names no programme), it is read after
    the statement before it ("재취업 알아보고 있어요"): the topic may have been said two messages back."""
    ranker = answerer.ranker
    before = what_was_told(ranker, ctx.said_before)
    found = _carried_topic(ctx, answerer, text, context, before, before == ctx.said_before)
    earlier = what_was_told(ranker, getattr(ctx, "said_earlier", None))
    if found is None and earlier and before and not ranker.asks(earlier):
        found = _carried_topic(ctx, answerer, text, context, f"{earlier} {before}",
                               before == ctx.said_before and earlier == ctx.said_earlier)
    return found


def _carried_topic(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext,
                   before: str | None, situation: bool = True) -> Candidate | None:
    ranker = answerer.ranker
    if context.intent == "progress_status" and context.confidence >= OWN_PROGRESS_SURE:
        return None  # "다음에 뭐 해야 돼?" asks the person's own checklist, whatever was said before
    own = telling_nouns(ranker, text) if before else []
    if not before or not ranker.asks(text) or len(own) > CARRY_NOUNS:
        return None
    if not set(telling_nouns(ranker, before)) - set(own):
        return None
    asked, plain = f"{before} {text}", replace(context, intent=None, confidence=0.0)
    best = answerer.best(asked, plain)
    if best is None or not all(ranker.uses(best, t) for t in own):
        return None  # the question's own word ("이용", "도움") says what is asked of the topic
    # the fact said to a statement of the person's situation, found again clearly when the question is
    # read with it ("선발관리에서 비선발로 처리했는데 실수였어요" -> "되돌릴 수 있어요?"): it answers there
    # ("검색 눌렀어요" pressed the step's button: the person is past it, at the screen after)
    # (not one that said who the person is: the fact said to it was found for words of a self-description)
    situated = (situation and bool(context.recent) and best.fact.id == context.recent[-1]
                and ranker.without(last_clause(before), ranker.lex.press_words) is None
                and answers_situation(ctx, answerer, before, asked, best, plain))
    if context.near and (own or best.fact.id not in context.near) and not situated:
        # someone who said where they are asks of a word of their own ("활동 계획은 어떻게 써요") or
        # about that step or the next, not the one done
        return None
    if (context.recent and best.fact.id == context.recent[-1] and not answerer.gaps.states_asked(text, best.fact)
            and not situated):
        # the fact just said of the topic, again: only when the question alone finds it too, or it
        # states the aspect asked ("총 얼마예요?" of the 2016 budget); "얼마나 받아요?" after the
        # programme's introduction asks something that introduction does not say
        alone = ranker.rank(text, context, limit=1)
        if not alone or alone[0].fact.id != best.fact.id:
            return None
    return best


def topicless(ranker: FactRanker, text: str) -> bool:
    """Whether a question names no topic of its own: only question words, generic nouns and what may
    be asked of any topic ("장소가 어디예요?", "왜 그래요?")."""
    words = ranker.asking | ranker.lex.aspect_nouns
    return all(any(w.startswith(t) for w in words) for t in ranker.morph_terms(text))


def asks_an_aspect(ranker: FactRanker, text: str) -> bool:
    """Whether a question with no topic of its own names what it asks of one ("장소가 어디예요?"):
    that word alone would find any fact that uses it, whatever the conversation is about."""
    terms = ranker.morph_terms(text)
    return any(any(w.startswith(t) for w in ranker.lex.aspect_nouns) for t in terms) and topicless(ranker, text)


def step_done(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> str | None:
    """The step a statement says someone is at: the guide step it matches best."""
    return locate(ctx, ranker, said, context)


def step_after(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> str | None:
    """What comes after ``anchor`` for someone whose statement ``said`` placed them there."""
    slots = ctx.state.slots
    if only_chose_case(ctx, ranker, said, anchor):
        return anchor
    appeared = says_appeared(said, ranker.lex)
    if not (appeared or says_done(said, ranker.lex)):
        return ctx.domain.following_fact(anchor, slots)
    last = up_to(ctx, ranker, said, anchor)  # "보안서약서까지 다 작성했어요": past the 보안서약서 step
    if last is not None and last != anchor:
        return ctx.domain.following_fact(last, slots)
    if not (last and heads(ctx, ranker, said, anchor)) and before_action(
            said, ctx.k.fact(anchor).text, ranker.morph_terms, ranker.idf, on_screen=appeared):
        return anchor
    if not last and not appeared and where.not_pressed(ctx, ranker, said, anchor):
        return anchor  # "신청서 다 썼어요" at the step that says to press '신청'
    named = up_to_word(said, ranker) if last else None  # "사업관리기관까지 선택했어요": the item, not "선택"
    return ctx.domain.following_fact(end_of_topic(ctx, ranker, said, anchor, named), slots)


def only_chose_case(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str) -> bool:
    """Whether a finished statement only says which case was chosen, at the step for that case
    ("주민등록증으로 선택했구요" at "주민등록증이면 '주민등록증 발급일자'를 입력해요"): it names the option
    the step is for and no telling word of what the step says to do, so the step is still to do —
    while "주민등록증 발급일자 넣었어요" names its action and is past it."""
    place = ctx.domain.fact_places.get(anchor)
    if place is None:
        return False
    step = next((s for s in ctx.domain.flows[place[0]].steps if s.key == place[1]), None)
    clause = last_clause(said)
    named = ctx.domain.cases_named(clause)
    if step is None or not any(named.get(k) in v for k, v in step.when.items()):
        return False
    labels = [squash(label) for label, slot, value in ctx.domain.slot_cues() if named.get(slot) == value]
    step_terms = set(ranker.morph_terms(ctx.k.fact(anchor).text))
    rest = [t for t in ranker.morph_terms(clause, NOUN_TAGS)
            if not any(squash(t) in label for label in labels) and ranker.idf.get(t, 0.0) >= TOPIC_IDF]
    return not any(t in step_terms for t in rest)


def end_of_topic(ctx: TurnContext, ranker: FactRanker, said: str, anchor: str, named: str | None = None) -> str:
    """The last step, from ``anchor`` on, of the activity a finished statement names: the steps that
    use its rare words (or whose phrasings mostly do), a choice's branches going with the choice. The
    thing ``named`` with "까지" ("사업관리기관까지") is that activity, all of its rare words used."""
    flow_id, key = ctx.domain.fact_places[anchor]
    steps = ctx.domain.flows[flow_id].steps
    text_terms = set(ranker.morph_terms(ctx.k.fact(anchor).text))
    topic: set[str] = set()
    # the thing finished is named last ("…에서 준비도검사 끝냈어요")
    for word in [named] if named else reversed(last_clause(said).split()):
        topic = {t for t in ranker.morph_terms(word, NOUN_TAGS) if ranker.idf.get(t, 0.0) >= TOPIC_IDF} & text_terms
        if topic:
            break
    at = [s.key for s in steps].index(key)
    if not topic or ranker.without(last_clause(said), ranker.lex.press_words) is not None:
        return anchor  # "검색 눌렀어요" names a button pressed, not an activity finished

    chosen: set[str] = set()  # slots asked by a step of the activity: their branches belong to it too
    slots = ctx.state.slots
    for step in steps[at + 1:]:
        if any(k in slots and slots[k] not in v for k, v in step.when.items()):
            continue  # a step for another case (인턴형's, for a 프로젝트형 programme) is no part of it
        if step.when and set(step.when) <= chosen:
            pass
        elif not uses_topic(ranker, ctx.k.fact(step.fact_id), topic, whole=bool(named)):
            break
        if step.slot_name:
            chosen.add(step.slot_name)
        anchor = step.fact_id
    return anchor


def uses_topic(ranker: FactRanker, fact: Fact, topic: set[str], whole: bool = False) -> bool:
    def meets(terms: set[str] | frozenset[str]) -> bool:
        return topic <= terms if whole else bool(topic & terms)

    if meets(set(ranker.morph_terms(fact.text))):
        return True
    asks = _ask_terms(ranker, fact)
    return bool(asks) and sum(meets(terms) for terms in asks) >= TOPIC_ASKS * len(asks)


#: each fact's phrasings read once (the content's words do not change in a process): reading them
#: again per question costs milliseconds
_ASKS: dict[tuple[str, tuple[str, ...]], list[frozenset[str]]] = {}


def _ask_terms(ranker: FactRanker, fact: Fact) -> list[frozenset[str]]:
    key = (fact.id, tuple(fact.ask))
    if key not in _ASKS:
        _ASKS[key] = [frozenset(ranker.morph_terms(ask)) for ask in fact.ask]
    return _ASKS[key]


def before_cue(text: str, cues: tuple[str, ...]) -> str:
    """``text`` up to the first of ``cues`` (compared squashed), its own spacing kept:
    "폰으로 인증 끝났는데 그담엔?" -> "폰으로 인증 끝났는데"."""
    key = squash(text)
    at = min((key.find(c) for c in cues if c in key), default=-1)
    if at <= 0:
        return "" if at == 0 else text
    seen = 0
    for i, ch in enumerate(text):
        if squash(ch):
            if seen == at:
                return text[:i].strip()
            seen += 1
    return text
