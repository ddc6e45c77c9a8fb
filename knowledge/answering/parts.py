"""Reading a later question of one message with the question before it ("자기주도형은 영역 몇 개고
서비스참여형은 몇 개예요", "재맞고 수당은 얼마예요 그리고 신청은 어디서 해요", "… 장소는요?"): what the cut
part leaves out, the part before names."""

from __future__ import annotations

from knowledge.answering import ellipsis
from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.ranker import NOUN_TAGS, FactRanker
from knowledge.answering.split import subject
from knowledge.occupations.text import analyze
from knowledge.retrieval import squash


class PartReader:
    """The ranker's words and the lexicon, to read a part in the light of the part before."""

    def __init__(self, ranker: FactRanker, lexicon: AnswerLexicon) -> None:
        self.ranker, self.lex = ranker, lexicon

    def in_light_of(self, part: str, previous: str) -> tuple[str, bool]:
        """A later part of a message read with the part before it: one naming only one thing
        (``elliptic``); one contrasting a word of it ("자기주도형은 영역 몇 개고 서비스참여형은 몇 개예요" ->
        the part before asked of 서비스참여형); one naming only what is asked of a thing ("재맞고 수당은
        얼마예요 그리고 신청은 어디서 해요" -> "재맞고 신청은 어디서 해요": the thing the part before named).
        The text to rank, and whether it asks of another case what the part before asked."""
        if not previous:
            return part, False
        found = ellipsis.contrasted(part, self.lex)
        if found is not None and self.headless(" ".join(found[1]), False):
            tokens = previous.split()
            at = ellipsis.parallel(found[0], tokens, self.lex)
            # only a word of the same kind (서비스참여형 for 자기주도형): "신청은" does not stand for "수당은"
            if at is not None and squash(at[1])[-1:] == squash(found[0])[-1:]:
                tokens[at[0]] = found[0] + tokens[at[0]][len(at[1]):]
                return " ".join([*tokens, *found[1]]), True
        elliptic = self.elliptic(part, previous)
        if elliptic != part or not self.headless(part, True):
            return elliptic, False
        named = subject(previous, self.lex)
        return (f"{named} {part}" if named and squash(named) not in squash(part) else part), False

    def headless(self, text: str, heads: bool) -> bool:
        """Whether ``text`` names nothing of its own: only question words, what may be asked of any topic
        ("비용", "장소") and, with ``heads``, what asks about a thing rather than names it ("신청", "승인")."""
        words = self.ranker.asking | self.lex.aspect_nouns | (self.lex.part_heads if heads else frozenset())
        return all(t in self.lex.generic_nouns or any(w.startswith(t) for w in words)
                   for t in self.ranker.morph_terms(text, NOUN_TAGS))

    def elliptic(self, part: str, previous: str) -> str:
        """A part that only names one thing ("장소는요?"), with the previous part's nouns it lacks before
        it: "직업심리검사 대상은 누구예요? 장소는요?" asks the 장소 of 직업심리검사, and "생애경력설계 신청은
        어디서 해요? 비용은요?" its cost. A noun of the same kind as the part's own (인턴형 beside
        프로젝트형: the same last syllable) is what the part replaces, so it is left out. A part with a
        predicate of its own ("직원은 몇 명이에요?") is a question of its own."""
        own = [t for t in self.ranker.morph_terms(part, NOUN_TAGS) if t not in self.lex.generic_nouns]
        if not previous or len(own) != 1 or not names_only(part):
            return part
        carried = [t for t in self.ranker.morph_terms(previous, NOUN_TAGS)
                   if t not in own and t not in self.lex.generic_nouns and not any(t[-1] == o[-1] for o in own)]
        return " ".join([*carried, part]) if carried else part


def names_only(text: str) -> bool:
    """Whether a text only names something, with particles ("장소는요", "프로젝트형은요?"): no
    predicate, no question word of its own."""
    tags = [tag for _, tag in analyze(text.lower()) if not tag.startswith("S")]
    return bool(tags) and all(tag.startswith(("N", "J", "XSN", "XPN", "IC")) for tag in tags)
