"""Finding the fact that answers a question.

Korean chat spacing is unreliable ("재맞고신청방법알려줘"), so questions and facts are compared as
character 2-3-grams of the text with spaces removed, weighted by TF-IDF. Each way of asking a fact
(``ask``) is its own document and a fact scores as its best match, which is how FAQ retrieval stays
precise. An inverted index of numpy arrays answers in well under a millisecond for thousands of
phrasings, and the server process stays free of scikit-learn's and SciPy's memory.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from knowledge.schema import Fact

#: How much a match on each part of a fact counts.
_WEIGHTS = {"ask": 1.0, "title": 0.9, "text": 0.6}
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: the form facts are compared in. One answer squashes
    the same texts (the question, its characters, facts' sentences) hundreds of times: the last ones
    are kept (bounded, thread-safe)."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def _grams(text: str) -> Counter[str]:
    return Counter(text[i : i + n] for n in (2, 3) for i in range(len(text) - n + 1))


def char_grams(text: str) -> Counter[str]:
    """The default analyser: character 2-3-grams of the squashed text."""
    return _grams(squash(text))


@dataclass(frozen=True, slots=True)
class Hit:
    fact: Fact
    score: float


def _postings(documents: list[Counter[str]]) -> tuple[dict[str, float], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """IDF of every gram, and per gram the documents that have it with their normalised weights.

    Computed as whole arrays (this runs for thousands of phrasings at every start-up), with the same
    float operations in the same order as ``FactIndex._vector``, so a document's weights equal what
    a question with the same grams gets."""
    vocab: dict[str, int] = {}
    grams_of, counts, lengths = [], [], []
    for grams in documents:
        grams_of.extend(vocab.setdefault(g, len(vocab)) for g in grams)
        counts.extend(grams.values())
        lengths.append(len(grams))
    n = len(documents)
    gram = np.array(grams_of, np.intp)
    doc = np.repeat(np.arange(n, dtype=np.intp), lengths)
    df = np.bincount(gram, minlength=len(vocab))
    idf = {g: math.log((1 + n) / (1 + int(df[i]))) + 1.0 for g, i in vocab.items()}
    idf_of = np.fromiter(idf.values(), np.float64, len(vocab))
    count = np.array(counts, np.intp)
    sublinear = np.array([0.0, *(1.0 + math.log(c) for c in range(1, int(count.max(initial=0)) + 1))])
    raw = sublinear[count] * idf_of[gram]
    norm = np.sqrt(np.bincount(doc, raw * raw, minlength=n))
    norm[norm == 0.0] = 1.0
    value = raw / norm[doc]
    order = np.argsort(gram, kind="stable")  # documents stay in order within a gram
    ends = np.cumsum(df)
    doc, value = doc[order], value[order]
    postings = {g: (doc[ends[i] - df[i]:ends[i]], value[ends[i] - df[i]:ends[i]]) for g, i in vocab.items()}
    return idf, postings


class FactIndex:
    """Cosine similarity of sublinear TF-IDF vectors (smooth IDF, as scikit-learn computes it)."""

    def __init__(self, facts: Iterable[Fact], analyzer: Callable[[str], Counter[str]] = char_grams) -> None:
        self._analyze = analyzer
        self._facts: list[Fact] = []
        documents: list[tuple[int, float, Counter[str]]] = []
        for fact in facts:
            slot = len(self._facts)
            self._facts.append(fact)
            parts = [("ask", q) for q in fact.ask] + [("title", fact.title or ""), ("text", fact.text)]
            for kind, value in parts:
                grams = analyzer(value)
                if grams:
                    documents.append((slot, _WEIGHTS[kind], grams))
        self._owner = np.array([slot for slot, _, _ in documents], np.intp)
        self._weight = np.array([weight for _, weight, _ in documents], np.float64)
        self._idf, self._postings = _postings([grams for _, _, grams in documents])
        self._recent: dict[str, np.ndarray] = {}

    def state(self) -> dict[str, object]:
        """What the index derived from the facts, for ``from_state`` in a later process: the facts
        named by id (the live ones are used again), the postings as two long arrays (one array
        each would take longer to unpickle than to compute)."""
        postings = list(self._postings.values())
        return {"ids": [f.id for f in self._facts], "owner": self._owner, "weight": self._weight,
                "idf": self._idf, "grams": list(self._postings),
                "sizes": np.array([len(d) for d, _ in postings], np.intp),
                "docs": np.concatenate([d for d, _ in postings]) if postings else np.zeros(0, np.intp),
                "values": np.concatenate([v for _, v in postings]) if postings else np.zeros(0)}

    @classmethod
    def from_state(cls, state: Mapping[str, Any], facts: Mapping[str, Fact],
                   analyzer: Callable[[str], Counter[str]] = char_grams) -> FactIndex:
        """The index ``state`` describes, over ``facts`` (the same facts it was built from)."""
        index = cls.__new__(cls)
        index._analyze, index._facts = analyzer, [facts[i] for i in state["ids"]]
        index._owner, index._weight, index._idf, index._recent = state["owner"], state["weight"], state["idf"], {}
        ends = np.cumsum(state["sizes"]).tolist()
        docs, values = state["docs"], state["values"]
        index._postings = {g: (docs[end - size:end], values[end - size:end])
                           for g, size, end in zip(state["grams"], state["sizes"].tolist(), ends, strict=True)}
        return index

    @property
    def idf(self) -> dict[str, float]:
        """Inverse document frequency of every term the index knows (documents are phrasings)."""
        return self._idf

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        raw = {g: (1.0 + math.log(c)) * self._idf[g] for g, c in grams.items() if g in self._idf}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {g: v / norm for g, v in raw.items()}

    def _scores(self, question: str) -> np.ndarray:
        """Cosine of the question with every document; one turn asks for the same text several times."""
        key = question[:2000]
        cached = self._recent.get(key)
        if cached is not None:
            return cached
        scores = np.zeros(len(self._owner), np.float64)
        for gram, q in self._vector(self._analyze(key)).items():
            posting = self._postings.get(gram)
            if posting is not None:
                scores[posting[0]] += q * posting[1]  # a gram occurs once per document's vector
        if len(self._recent) >= 256:
            self._recent.clear()
        self._recent[key] = scores
        return scores

    def search(self, question: str, *, intents: set[str] | None = None, limit: int = 3) -> list[Hit]:
        """Best facts first; with ``intents``, only facts tagged with one of them."""
        weighted = self._scores(question) * self._weight
        best = np.zeros(len(self._facts), np.float64)
        np.maximum.at(best, self._owner, weighted)
        if intents is not None:
            best[[i for i, f in enumerate(self._facts) if f.intent not in intents]] = 0.0
        top = [int(i) for i in np.argsort(-best, kind="stable")[:limit] if best[i] > 0.0]
        return [Hit(self._facts[i], float(best[i])) for i in top]
