"""The learned ranker over the facts' phrasings: trained once per content, cached, scored with numpy."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from knowledge.answering import learned
from knowledge.schema import Fact


@pytest.fixture(scope="module", autouse=True)
def _scikit_learn_here() -> None:
    """The tests below fit in this process (scikit-learn imported once), as a process that trained
    the NLU does; a process without it fits in a child (one test below, on purpose): a child per
    test cost ~1.3 s of CPU each, for what only that one test is about."""
    import sklearn.svm  # noqa: F401

def _terms(text: str) -> Counter[str]:
    return Counter(text.split())


def _facts() -> list[Fact]:
    return [
        Fact(id="a.pay", text="수당은 월 최대 20만원이에요.", ask=["수당 얼마예요", "돈 얼마 줘요", "수당 금액"],
             source="test"),
        Fact(id="a.where", text="워크넷에서 신청해요.", ask=["어디서 신청해요", "신청 어디서 해요", "신청하는 곳"],
             source="test"),
        Fact(id="a.who", text="컨설턴트가 승인해요.", ask=["승인 누가 해요", "누가 승인해요", "승인자"],
             source="test"),
    ]


def _docs(facts: list[Fact]) -> list:
    return [(f.id, learned.featurize(p, lambda s: s, _terms)) for f in facts for p in learned.phrasings(f)]


def test_a_question_put_like_a_facts_phrasings_scores_that_fact_first(tmp_path: Path) -> None:
    model = learned.train(_facts(), lambda s: s, _terms, tmp_path)
    margins = model.margins(learned.featurize("수당 얼마 줘요", lambda s: s, _terms))
    assert max(margins, key=margins.get) == "a.pay"
    margins = model.margins(learned.featurize("승인은 누가", lambda s: s, _terms))
    assert max(margins, key=margins.get) == "a.who"


def test_the_model_is_cached_on_disk_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    learned.train(_facts(), lambda s: s, _terms, tmp_path)
    assert list((tmp_path / "answers").glob("phrasings-*.pkl"))
    learned._MEMORY.clear()

    def no_training(docs):  # a second process finds the file and trains nothing
        raise AssertionError("trained again")

    monkeypatch.setattr(learned, "_fit", no_training)
    assert learned.train(_facts(), lambda s: s, _terms, tmp_path).fact_ids == ["a.pay", "a.where", "a.who"]


def test_changed_phrasings_train_a_new_model(tmp_path: Path) -> None:
    first = learned.train(_facts(), lambda s: s, _terms, tmp_path)
    facts = _facts()
    facts[0] = facts[0].model_copy(update={"ask": [*facts[0].ask, "수당 언제 들어와요"]})
    second = learned.train(facts, lambda s: s, _terms, tmp_path)
    assert second is not first
    # the earlier content's model is gone from the cache: only the current one stays
    assert [p.name for p in (tmp_path / "answers").glob("phrasings-*.pkl")] == [
        f"phrasings-{learned._fingerprint(_docs(facts))[:16]}.pkl"]


def test_a_broken_cache_file_is_retrained_not_fatal(tmp_path: Path) -> None:
    learned.train(_facts(), lambda s: s, _terms, tmp_path)
    for path in (tmp_path / "answers").glob("phrasings-*.pkl"):
        path.write_bytes(b"not a pickle")
    learned._MEMORY.clear()
    assert learned.train(_facts(), lambda s: s, _terms, tmp_path).fact_ids


def test_a_process_without_scikit_learn_fits_in_a_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    docs = _docs(_facts())
    here = learned._fit(docs)
    question = learned.featurize("수당 얼마 줘요", lambda s: s, _terms)

    def not_here(docs):  # the child's own _fit must do it (a failing child falls back to this one)
        raise AssertionError("fitted in this process")

    monkeypatch.setattr(learned, "_fit", not_here)
    child = learned._fit_in_child(docs)
    assert child.fact_ids == here.fact_ids and child.margins(question) == pytest.approx(here.margins(question))
    children: list[int] = []
    monkeypatch.setattr(learned, "_fit_in_child", lambda docs: children.append(1) or here)
    monkeypatch.delitem(sys.modules, "sklearn")  # as in a server that loaded a cached NLU model
    learned._MEMORY.clear()
    assert learned.train(_facts(), lambda s: s, _terms, tmp_path) is here and children == [1]
