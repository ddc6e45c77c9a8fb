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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from knowledge.schema import Fact

#: How much a match on each part of a fact counts.
_WEIGHTS = {"ask": 1.0, "title": 0.9, "text": 0.6}
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: the form facts are compared in."""
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
        df = Counter(g for _, _, grams in documents for g in grams)
        n = len(documents)
        self._idf = {g: math.log((1 + n) / (1 + count)) + 1.0 for g, count in df.items()}
        self._owner = np.array([slot for slot, _, _ in documents], np.intp)
        self._weight = np.array([weight for _, weight, _ in documents], np.float64)
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for doc, (_, _, grams) in enumerate(documents):
            for gram, value in self._vector(grams).items():
                docs, values = postings[gram]
                docs.append(doc)
                values.append(value)
        self._postings = {g: (np.array(d, np.intp), np.array(v, np.float64)) for g, (d, v) in postings.items()}
        self._recent: dict[str, np.ndarray] = {}

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
