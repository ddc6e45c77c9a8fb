"""Where a guide starts: "처음에 뭐부터 해요?" after "간편입력으로 해보려구요" asks the first step of the guide
the conversation named — by its own name, not by the fact last said (the 간편입력 guide, not the step
that compares 간편입력 with 상세입력)."""

from __future__ import annotations

import re

from flows.context import TurnContext
from flows.next_step import NEXT_TERMS
from knowledge.answering import FactRanker
from knowledge.answering.position import says_appeared, says_done
from knowledge.retrieval import squash
from knowledge.schema import Fact


def first_of_named_guide(ctx: TurnContext, ranker: FactRanker, text: str) -> Fact | None:
    """"처음에 뭐부터 해요?" after "간편입력으로 해보려구요": the first step of the one guide the question
    or one of the two messages before it names by its own name (the distinctive first word of its
    title: 간편입력, 상세입력 — a word no other guide's title has), else None."""
    rest = ranker.without(text, ranker.lex.first_words)
    if rest is None:
        return None
    names = guide_names(ctx, ranker)
    for name in names:  # the guide's own name is no word of another topic
        rest = rest.replace(name, " ")
    if len(ranker.morph_terms(rest)) > NEXT_TERMS:
        return None
    for said in (text, ctx.said_before, ctx.said_earlier):
        key = squash(said or "")
        named = {flow for name, flow in names.items() if name in key}
        if named and said != text and (says_done(said or "", ranker.lex) or says_appeared(said or "", ranker.lex)):
            return None  # "상세입력에 프로필 작성 눌렀어요" is past the start: the step it names decides
        if len(named) == 1:
            first = ctx.domain.following_fact(ctx.domain.flows[named.pop()].about, ctx.state.slots)
            return ctx.k.fact(first) if first else None
        if named:
            return None
    return None


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
