"""What the answer path keeps between the calls of one turn (rankings, coverage weights, squashed and
expanded texts, the NLU classifier's weights as Python numbers) gives exactly what computing afresh
gives, and stays bounded."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

import numpy as np
import pytest

from flows.answers import build_answerer
from knowledge.answering import AnswerContext
from knowledge.answering import ranker as ranking
from knowledge.answering.answerer import Answerer
from knowledge.answering.lexicon import load_lexicon
from knowledge.answering.split import split_questions
from knowledge.answering.words import MEMO, Words
from knowledge.retrieval import squash
from nlu import model as nlu_model

QUESTIONS = ["승인은 누가 해요?", "재맞고 신청 어디서 해요", "수당 얼마예요", "안녕하세요 잡케어가 뭐예요?"]
CONTEXTS = [
    AnswerContext(),
    AnswerContext(audience="operator"),
    AnswerContext(audience="student", intent="ask_detail", confidence=0.4, slots={"grade": "4"}),
]


@pytest.fixture(scope="module")
def answerer(domain) -> Answerer:
    return build_answerer(domain)


def test_a_kept_ranking_is_the_ranking_computed_afresh_for_every_limit(answerer: Answerer) -> None:
    ranker = answerer.ranker
    for question in QUESTIONS:
        for context in CONTEXTS:
            fresh = ranker._ranked(question, context, limit=len(ranker.facts) + 1)
            for limit in (1, 3, 40):
                assert ranker.rank(question, context, limit=limit) == fresh[:limit]
                assert ranker.rank(question, context, limit=limit) == fresh[:limit]  # now from the memo
    assert len(ranker._rank_memo) <= ranking.RANKED


def test_a_ranking_is_kept_per_context_not_per_question(answerer: Answerer) -> None:
    ranker = answerer.ranker
    alone = ranker.rank("승인은 누가 해요?", AnswerContext(), limit=1)
    operator = ranker.rank("승인은 누가 해요?", AnswerContext(audience="operator"), limit=1)
    assert alone == ranker._ranked("승인은 누가 해요?", AnswerContext(), limit=1)
    assert operator == ranker._ranked("승인은 누가 해요?", AnswerContext(audience="operator"), limit=1)
    assert ranker.areas[operator[0].fact.id] == "operator"


def test_a_context_that_cannot_be_a_key_is_ranked_without_the_memo(answerer: Answerer) -> None:
    odd = AnswerContext(slots={"grade": ["4"]})  # type: ignore[dict-item]  # an unhashable value
    assert ranking._rank_key("수당 얼마예요", odd) is None
    assert answerer.ranker.rank("수당 얼마예요", odd, limit=2) == answerer.ranker._ranked("수당 얼마예요", odd, limit=2)
    assert ranking._rank_key("수당 얼마예요", AnswerContext(slots={"grade": "4"})) is not None


def test_coverage_read_once_per_ranking_is_the_idf_weighted_share(answerer: Answerer) -> None:
    ranker = answerer.ranker
    terms = ranker.morph_terms("재맞고 수당 신청 기간이 언제예요")
    covered = ranker.coverer(terms)
    total = sum(ranker.idf.get(t, 0.0) for t in terms)
    for fact_id in list(ranker.facts)[:60]:
        have = ranker.fact_terms.get(fact_id, frozenset())
        expected = sum(ranker.idf.get(t, 0.0) for t in terms if t in have) / total
        assert covered(fact_id) == expected == ranker.coverage(terms, fact_id)
    assert ranker.coverer(Counter())("anything") == 0.0


def test_squash_kept_is_squash_computed() -> None:
    for text in ["재맞고 신청, 어디서?", "ＡＢＣ  수당!!", "", "  IAP 상담 "]:
        assert squash(text) == re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text).lower())
    assert squash.cache_info().maxsize is not None  # bounded


def test_expand_kept_is_expand_computed_and_bounded() -> None:
    words = Words(load_lexicon())
    for i in range(MEMO + 10):
        text = f"돈 얼마 받아요 {i}"
        assert words.expand(text) == words._expand(text)
    assert words.expand("돈 얼마 받아요") == words.expand("돈 얼마 받아요") == words._expand("돈 얼마 받아요")
    assert len(words._expanded) <= MEMO


def test_the_joiners_pattern_built_once_splits_as_before() -> None:
    lex = load_lexicon()
    assert len(split_questions("수당은 얼마고 신청은 어디서 해요?", lex)) == 2
    assert split_questions("수당은 얼마예요?", lex) == ["수당은 얼마예요"]


def _reference(model: nlu_model.CompiledModel, features: dict[str, float]) -> tuple[list[int], list[float], float]:
    """``vectorize`` as first written: the numpy arrays read one element at a time."""
    idx, val, sumsq, known, total = [], [], [0.0] * len(nlu_model.GROUPS), 0, 0
    for feat, count in features.items():
        ev = nlu_model._is_evidence(feat)
        total += ev
        i = model.vocab.get(feat)
        if i is None:
            continue
        known += ev
        v = (1.0 + math.log(count)) * float(model.idf[i])
        idx.append(i)
        val.append(v)
        sumsq[model.groups[i]] += v * v
    scale = [(w / math.sqrt(s)) if s > 0 else 0.0 for w, s in zip(model.group_weights, sumsq, strict=True)]
    values = np.array([v * scale[model.groups[i]] for i, v in zip(idx, val, strict=True)], np.float32)
    return idx, values.tolist(), known / total if total else 0.0


def _model(idf: list[float]) -> nlu_model.CompiledModel:
    vocab = {"w:수당": 0, "c:수당": 1, "t:NNG": 2, "l:service": 3}
    groups = np.array([nlu_model.group_of(f) for f in vocab], np.int8)
    return nlu_model.CompiledModel(classes=["a", "b"], vocab=vocab, idf=np.array(idf, np.float32), groups=groups,
                                   coef_t=np.ones((4, 2), np.float32), intercept=np.zeros(2, np.float32))


def test_the_classifiers_weights_read_as_python_numbers_give_the_same_vector() -> None:
    features = {"w:수당": 2, "c:수당": 1, "c:^수": 1, "t:NNG": 3, "l:service": 1, "j:ㅅㅜ": 1}
    for idf in ([1.1, 2.3, 0.7, 1.9], [3.0, 0.1, 2.2, 1.234567]):
        model = _model(idf)  # a new model (even at a reused address) reads its own weights
        ia, va, evidence = model.vectorize(features)
        idx, values, expected = _reference(model, features)
        assert ia.tolist() == idx and va.tolist() == values and evidence == expected
    assert len(nlu_model._TABLES) <= 4


def test_one_edit_finds_what_extract_one_finds() -> None:
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from knowledge.answering.occupation_names import OneEdit

    rnd = random.Random(8)
    letters = "ㄱㄴㄷㅏㅓㅗ"
    strings = ["".join(rnd.choice(letters) for _ in range(rnd.randint(1, 7))) for _ in range(300)]
    near = OneEdit(strings)
    pieces = {"".join(rnd.choice(letters) for _ in range(rnd.randint(0, 8))) for _ in range(2000)} | set(strings)
    for piece in pieces:
        found = process.extractOne(piece, strings, scorer=Levenshtein.distance, score_cutoff=1)
        assert near.best(piece) == (tuple(found) if found is not None else None), piece
