"""Ranking facts for a question in its context.

The words decide first: every fact's phrasings are matched as character n-grams (``FactIndex``),
after everyday words are mapped to the facts' own ("돈" -> 수당). Then the conversation counts: a
fact of the guide being walked, of the audience the person belongs to (student, mid-career,
operator, centre visitor, JobCare user — the content area a fact comes from), written for the kind
of person they said they are (lexicon ``people``: a 공공근로 participant, a first-time job seeker), of a
recently answered topic, or of the topic the NLU heard, gains a fixed bonus. The audience's bonus grows by ``W_OWN``
when the audience's own facts use (most of) the question's words, question words aside: a generic
"승인은 누가 해요?" from an operator stays with the operator's facts, while "통합포털 계정 승인"
from a student still reaches them. So "신청은 어디서 하나요?" inside the 생애경력설계 guide reaches
that guide's answer, while a question that names its topic ("통합포털 계정 승인") needs no context
at all. The weights were chosen on the development questions (``tests/answers/data/dev_questions.yml``)
and are checked on the held-out set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from knowledge.answering import derived, learned
from knowledge.answering.lexicon import AnswerLexicon, asks
from knowledge.answering.words import Words
from knowledge.retrieval import squash
from knowledge.schema import Fact

#: the tags of what a question can be about that the facts may lack (nouns, foreign words)
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
#: character n-gram lengths compared (spacing ignored)
CHAR_NS = (2, 3)
#: share of the character n-gram score in the lexical score (the rest is morphemes)
W_CHARS = 0.5

#: bonus for a fact of the guide the person is in (or just left)
W_GUIDE = 0.25
#: bonus for a fact of the person's audience (content area)
W_AUDIENCE = 0.15
#: bonus for a fact whose guide was answered in the last turns
W_RECENT = 0.06
#: bonus for a fact of a guide that says the person's guide in more detail ("학교명은 직접 쳐요?" in the
#: short 잡케어 path is answered by the 상세입력 guide)
W_DETAIL = 0.15
#: bonus for a fact said for the person's case, and as much off for one said for another case
W_CASE = 0.3
#: bonus for a fact written for the kind of person someone said they are ("공공근로 하는 중인데요" -> the
#: public workers' consultations), and as much off for one written for another kind (lexicon ``people``)
W_PERSON = 0.3
#: the slot the kind of person someone said they are is kept in
PERSON_SLOT = "person"
#: bonus for the fact answered last ("찾아가는 일자리상담실이 뭐예요" -> "어디어디서 해요?")
W_LAST = 0.10
#: bonus for a step where the person just said they are, or one of the few after it
W_NEAR = 0.15
#: bonus per unit of NLU confidence for a fact tagged with the intent the NLU heard
W_INTENT = 0.20
#: bonus for covering the question's words anywhere in the fact (IDF-weighted share of its morphemes)
W_COVER = 0.40
#: the ages the mid-career service is for (만 40-60, source 05); an age said in years ("52세"), a
#: leading self-description ("운영기관 담당자인데") and a sentence saying only that are lexicon grammar
MID_CAREER_AGES = (40, 64)
#: shortest question left after a self-description is taken off
MIN_TOPIC = 4
#: questions with fewer own words than this lean on the context, by W_SHORT per missing word
SHORT_TERMS = 3
W_SHORT = 0.25
#: a word at least this rare (IDF over phrasings) is what a question is about
KEY_IDF = 5.0
#: how many recent texts' lexical scores are kept (one turn asks several times)
MEMO = 256
#: how many recent rankings (question and context) are kept: about one turn's
RANKED = 32
#: how many lexical candidates are re-ranked
POOL = 40
#: a statement names a guide step when one of its best STEP_POOL candidates matches at least STEP_AT
STEP_POOL = 3
STEP_AT = 0.2
#: share of the learned ranker's score in the lexical score (the rest is nearest phrasing)
W_LEARNED = 1.0
#: how many of the learned ranker's best facts join the candidates
LEARNED_POOL = 10
#: a question whose words the audience's own facts all use (IDF-weighted share at least this) can be
#: asked of that audience ("승인은 누가 해요?" from an operator): the audience then decides by W_OWN
OWN_COVER = 0.6
W_OWN = 0.35
#: a noun at most AREA_RARE of the audience's facts use, which at least ELSEWHERE_USED facts of other areas
#: use, names another area's topic ("잡케어" asked by a 50대): the audience then gives no bonus
AREA_RARE = 1
ELSEWHERE_USED = 8


@dataclass(frozen=True)
class AnswerContext:
    """What the conversation says about a question: where the person is and who they are."""

    guide: str | None = None
    audience: str | None = None
    recent: tuple[str, ...] = ()
    intent: str | None = None
    confidence: float = 0.0
    #: what the conversation knows of the person's case (grade, support_type, program_type ...)
    slots: Mapping[str, str] = field(default_factory=dict)
    #: the guide steps where the person just said they are, and the few after (fact ids)
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    fact: Fact
    score: float
    lexical: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    #: the score without the learned ranker's share: what the answer thresholds were set against
    base: float = 0.0
    #: the learned ranker's margin mapped to [0, 1] (0.5: undecided; 1: put like one of its phrasings)
    taught: float = 0.0
    #: the IDF-weighted share of the question's words the fact uses somewhere
    cover: float = 0.0


def char_grams(text: str) -> Counter[str]:
    """Character n-grams of the squashed text (``CHAR_NS``)."""
    key = squash(text)
    return Counter(key[i : i + n] for n in CHAR_NS for i in range(len(key) - n + 1))


def _rank_key(question: str, context: AnswerContext) -> tuple[object, ...] | None:
    """What a ranking depends on, hashable (mappings as their items); ``None`` if a field cannot be."""
    try:
        key = (question, *(frozenset(v.items()) if isinstance(v, Mapping) else v
                           for v in (getattr(context, f.name) for f in fields(context))))
        hash(key)
    except TypeError:
        return None
    return key


#: shortest word that can be a question's missing key
MIN_KEY = 2


class FactRanker:
    """Lexical candidates re-ranked by context. Only small caches change after construction (dict
    operations, safe across threads): share it freely."""

    def __init__(self, facts: Iterable[Fact], areas: Mapping[str, str], guides: Mapping[str, str],
                 lexicon: AnswerLexicon, cache_dir: Path | None = None,
                 conditions: Mapping[str, Mapping[str, list[str]]] | None = None,
                 details: Mapping[str, Iterable[str]] | None = None) -> None:
        self.words = Words(lexicon)
        self.morph_terms, self.expand = self.words.terms, self.words.expand
        self._lexical_memo: dict[str, dict[str, tuple[Fact, float, float]]] = {}
        self._rank_memo: dict[tuple[object, ...], list[Candidate]] = {}
        self.facts = {f.id: f for f in facts}
        self.areas = dict(areas)
        self.guides = dict(guides)
        #: guide -> the guides that say its steps in more detail (the student's short 잡케어 path -> 상세입력)
        self.details = {g: frozenset(d) for g, d in (details or {}).items()}
        self.conditions = dict(conditions or {})
        self.lex = lexicon
        # the indexes and the learned model: read from every phrasing once per content (knowledge.answering.derived)
        found = derived.derive(self.facts, self.words, char_grams, cache_dir)
        self.index, self.terms, self.fact_terms, self.model = found.index, found.terms, found.fact_terms, found.model
        self.idf = self.terms.idf
        self.asking = frozenset(squash(w) for w in (*lexicon.question_words, *lexicon.generic_nouns))
        #: fact id -> the kind of person it is written for (its title, first line or source section says so)
        self.written_for = {fid: name for fid, f in self.facts.items() if (name := self.person_in(
            squash(f"{f.title or ''} {f.text.strip().splitlines()[0]} {f.source or ''}"), lexicon.people_for))}
        self.area_terms: dict[str, set[str]] = {}
        #: term -> area -> how many of that area's facts use it
        self.term_areas: dict[str, Counter[str]] = {}
        for fid, terms in self.fact_terms.items():
            area = self.areas.get(fid, "general")
            self.area_terms.setdefault(area, set()).update(terms)
            for term in terms:
                self.term_areas.setdefault(term, Counter())[area] += 1

    @staticmethod
    def person_in(key: str, people_for: Iterable[tuple[str, tuple[str, ...]]]) -> str | None:
        return next((name for name, words in people_for if any(w in key for w in words)), None)

    def person_of(self, text: str) -> str | None:
        """The kind of person a message says someone is ("졸업하고 처음 취업 준비하는데" -> newcomer), if any."""
        key = squash(text)
        return next((name for cue, name in self.lex.people_cues if cue in key), None)

    def about_asker(self, text: str) -> bool:
        """Whether a question asks about the asker themself ("저 같은 사람한테도 쓸모가 있을까요")."""
        key = squash(text)
        return any(w in key for w in self.lex.self_words)

    def fits_person(self, fact_id: str, person: str | None) -> int:
        """+1 when the fact is written for the kind of person someone is, -1 when for another kind."""
        written = self.written_for.get(fact_id)
        return 0 if person is None or written is None else (1 if written == person else -1)

    def names_elsewhere(self, terms: Iterable[str], audience: str) -> bool:
        """Whether the question names a topic of another area than ``audience``: a noun the audience's
        facts barely use and other areas' facts often do ("50대 중반입니다. 잡케어라는 게 뭔지 …")."""
        for term in terms:
            used = self.term_areas.get(term)
            if (used is None or term in self.asking or term in self.lex.aspect_nouns
                    or self.idf.get(term, 0.0) < KEY_IDF):
                continue
            own = used.get(audience, 0)
            if own <= AREA_RARE and sum(used.values()) - own >= ELSEWHERE_USED:
                return True
        return False

    def coverage(self, terms: Counter[str], fact_id: str) -> float:
        """The IDF-weighted share of the question's morphemes that the fact uses somewhere."""
        return self.coverer(terms)(fact_id)

    def coverer(self, terms: Counter[str]) -> Callable[[str], float]:
        """``coverage`` of ``terms`` as a function of the fact, the weights read once (a ranking asks it
        of every candidate); the same sums in the same order, so the same numbers."""
        weights = [(t, self.idf.get(t, 0.0)) for t in terms]
        total = sum(w for _, w in weights)
        if total <= 0:
            return lambda _fact_id: 0.0
        fact_terms, empty = self.fact_terms, frozenset()

        def covered(fact_id: str) -> float:
            have = fact_terms.get(fact_id, empty)
            return sum(w for t, w in weights if t in have) / total
        return covered

    def key_term(self, question: str) -> str | None:
        """The question's most telling word (rarest over the phrasings, at least ``KEY_IDF``), if any: a
        noun when one is telling enough ("학력은 어떤 것 중에 고를 수 있어요" is about 학력, not 고르다,
        whose inflected forms are all rare)."""
        topic = self.topic_of(question)
        for tags in (NOUN_TAGS, None):
            terms = [t for t in (self.morph_terms(topic, tags) if tags else self.morph_terms(topic))
                     if self.idf.get(t, 0.0) >= KEY_IDF and t not in self.lex.generic_nouns]
            if terms:
                return max(terms, key=lambda t: self.idf[t])
        return None

    def uses(self, candidate: Candidate, term: str) -> bool:
        return term in self.fact_terms.get(candidate.fact.id, frozenset())

    def missing_key(self, question: str, candidates: list[Candidate]) -> str | None:
        """The question's most telling known word when none of ``candidates`` uses it ("주차", "예약"):
        the facts found are about the topic, not about what was asked."""
        # "선생님": whom, not what; one syllable ("전", "앞", "담") is too short to name what is asked
        terms = [t for t in self.morph_terms(self.topic_of(question), NOUN_TAGS)
                 if self.idf.get(t, 0.0) >= KEY_IDF and t not in self.lex.generic_nouns and len(t) >= MIN_KEY]
        if not terms or not candidates:
            return None
        key = max(terms, key=lambda t: self.idf[t])
        if any(key in self.fact_terms.get(c.fact.id, frozenset()) for c in candidates):
            return None
        # a fragment of a word the fact says ("업무권한정보" cut as 업무권 + 한 + 정보) is said
        if any(key in squash(f"{c.fact.title or ''} {c.fact.text}") for c in candidates):
            return None
        return key

    def own_cover(self, terms: Counter[str], area: str | None) -> float:
        """The IDF-weighted share of the question's morphemes that ``area``'s facts use somewhere:
        1.0 means the question can be asked of that audience as it stands."""
        terms = Counter({t: n for t, n in terms.items() if t not in self.asking})  # "얼마", "어디": how, not what
        total = sum(self.idf.get(t, 0.0) for t in terms)
        if not area or total <= 0:
            return 0.0
        have = self.area_terms.get(area, set())
        return sum(self.idf.get(t, 0.0) for t in terms if t in have) / total

    def lexical(self, question: str) -> dict[str, tuple[Fact, float, float]]:
        """Fact id -> (fact, lexical score, learned score): the nearest phrasing (characters and
        morphemes, each a cosine in [0, 1]) and the learned ranker's margin mapped to [0, 1]."""
        memo = self._lexical_memo.get(question)
        if memo is None:
            if len(self._lexical_memo) >= MEMO:
                self._lexical_memo.clear()
            memo = self._lexical_memo[question] = self._lexical(question)
        return dict(memo)

    def _lexical(self, question: str) -> dict[str, tuple[Fact, float, float]]:
        near: dict[str, float] = {}
        for weight, hits in ((W_CHARS, self.index.search(self.expand(question), limit=POOL)),
                             (1 - W_CHARS, self.terms.search(question, limit=POOL))):
            for hit in hits:
                near[hit.fact.id] = near.get(hit.fact.id, 0.0) + weight * hit.score
        margins = self.model.margins(learned.featurize(question, self.expand, self.morph_terms))
        pool = set(near) | set(sorted(margins, key=margins.__getitem__, reverse=True)[:LEARNED_POOL])
        return {fid: (self.facts[fid], near.get(fid, 0.0), min(1.0, max(0.0, (margins[fid] + 1.0) / 2.0)))
                for fid in pool}

    def without(self, text: str, cues: Iterable[str]) -> str | None:
        """``text`` with the first of ``cues`` it contains taken out (compared squashed), or None."""
        key = squash(text)
        cue = next((c for c in cues if c in key), None)
        return None if cue is None else key.replace(cue, " ", 1).strip()

    def steps_at(self, said: str, context: AnswerContext, steps: Mapping[str, object]) -> list[str]:
        """The guide steps a statement describes ("이력서 등록하기 누르고 동의까지 했어요"), best first:
        those of ``steps`` (fact ids) among the best candidates that match well."""
        if not self.morph_terms(said):
            return []
        return [c.fact.id for c in self.rank(said, context, limit=STEP_POOL)
                if c.fact.id in steps and c.lexical >= STEP_AT]

    def fits_case(self, fact_id: str, slots: Mapping[str, str]) -> int:
        """+1 when the fact is said for the person's known case (서비스참여형's 5 areas for someone
        who is 서비스참여형), -1 when for another case, 0 when it does not depend on one."""
        verdict = 0
        for slot, values in self.conditions.get(fact_id, {}).items():
            if slot in slots:
                if slots[slot] not in values:
                    return -1
                verdict = 1
        return verdict

    def audience_of(self, text: str) -> str | None:
        """The audience a message names ("운영기관인데요", "50대예요", "52세"), if any."""
        key = squash(text)
        found = next((area for cue, area in self.lex.audience_cues if cue in key), None)
        age = self.lex.grammar.age.search(key)
        if found is None and age and MID_CAREER_AGES[0] <= int(age.group(1)) <= MID_CAREER_AGES[1]:
            found = "midcareer"
        return found

    def describes_self(self, text: str) -> str | None:
        """The audience of a sentence that only says who is asking ("중장년 구직자입니다"), if it is one."""
        if not self.lex.grammar.self_sentence.match(text.strip()) or self.asks(text):
            return None
        return self.audience_of(text)

    def topic_of(self, question: str) -> str:
        """The question without a leading self-description that names an audience ("운영기관 담당자인데",
        "저 50대 재직자예요,"): that says who asks, not what."""
        match = self.lex.grammar.self_description.match(question)
        if match and self.audience_of(match.group(0)) and len(squash(question[match.end():])) >= MIN_TOPIC:
            return question[match.end():]
        return question

    def question_word(self, text: str) -> bool:
        """Whether a message has a question word of its own ("몇", "어디"), not just a question mark."""
        key = squash(text)
        return any(w in key for w in self.lex.question_words)

    def asks(self, text: str) -> bool:
        """Whether a message asks something (a question mark or a question word), rather than says
        something ("저 올해 52세 직장인이에요")."""
        return asks(text, self.lex)

    def rank(self, question: str, context: AnswerContext = AnswerContext(), limit: int = 5) -> list[Candidate]:
        """The best ``limit`` facts for ``question`` in ``context``, best first. One turn ranks the same
        question in the same context several times (the decision, its preferences, the follow-ups): the
        last few rankings are kept whole and cut to ``limit``."""
        key = _rank_key(question, context)
        ranked = self._rank_memo.get(key) if key is not None else None
        if ranked is None:
            ranked = self._ranked(question, context, limit=len(self.facts) + 1)
            if key is not None:
                if len(self._rank_memo) >= RANKED:
                    self._rank_memo.clear()
                self._rank_memo[key] = ranked
        return ranked[:limit]

    def _ranked(self, question: str, context: AnswerContext = AnswerContext(), limit: int = 5) -> list[Candidate]:
        described = self.audience_of(question)
        audience = described or context.audience
        # who someone says they are, asking nothing yet, is answered from their own facts
        about_self = described is not None and not self.asks(question)
        person = self.person_of(question) or context.slots.get(PERSON_SLOT)
        # a question about the asker themself ("저 같은 사람도 …?") leans on who they said they are twice
        for_person = W_PERSON * (2 if person and self.about_asker(question) else 1)
        question = self.topic_of(question)
        recent_guides = {self.guides.get(f) for f in context.recent} - {None}
        terms = self.morph_terms(question)
        if (described and self.audience_of(question) != described
                and self.names_elsewhere(self.morph_terms(question, NOUN_TAGS), described)):
            audience = None  # the topic named wins over who says they ask (unless it names their own)
        # the fewer words a question has of its own ("승인은 누가 해요?"), the more the context decides
        lean = 1.0 + W_SHORT * max(0, SHORT_TERMS - len(terms))
        # ... and the fewer the words, the less the learned ranker (which knows only words) can say
        taught_weight = W_LEARNED * min(1.0, len(terms) / SHORT_TERMS)
        # a question the audience's own facts can answer word for word is theirs to answer
        own = audience is not None and (about_self or self.own_cover(terms, audience) >= OWN_COVER)
        out = []
        last = context.recent[-1] if context.recent else None
        found = self.lexical(question)
        if last in self.facts and last not in found:
            found[last] = (self.facts[last], 0.0, 0.0)
        coverage = self.coverer(terms)
        for fact, lexical, taught in found.values():
            covered = coverage(fact.id)
            cover, reasons = W_COVER * covered, []
            bonus = 0.0
            if fact.id == last:
                bonus += W_LAST
                reasons.append("last")
            if fact.id in context.near:
                bonus += W_NEAR
                reasons.append("near")
            guide = self.guides.get(fact.id)
            if context.guide and guide == context.guide:
                bonus += W_GUIDE
                reasons.append("guide")
            elif guide in recent_guides:
                bonus += W_RECENT
                reasons.append("recent")
            elif context.guide and guide in self.details.get(context.guide, ()):
                bonus += W_DETAIL
                reasons.append("detail")
            if audience and self.areas.get(fact.id) == audience:
                bonus += W_AUDIENCE + (W_OWN if own else 0.0)
                reasons.append("audience")
            case, fit = self.fits_case(fact.id, context.slots), self.fits_person(fact.id, person)
            if case or fit:
                bonus += W_CASE * case + (for_person if fit > 0 else -W_PERSON) * abs(fit)
                reasons.append("case" if (case or fit) > 0 else "other case")
            if context.intent and fact.intent == context.intent:
                cover += W_INTENT * context.confidence
                reasons.append("intent")
            base = lexical + cover + lean * bonus
            out.append(Candidate(fact, base + taught_weight * taught, lexical, tuple(reasons), base, taught, covered))
        out.sort(key=lambda c: -c.score)
        return out[:limit]
