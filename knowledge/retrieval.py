"""Finding the fact that answers a question.

Korean chat spacing is unreliable ("재맞고신청방법알려줘"), so questions and facts are compared as
character n-grams of the text with spaces removed. Each way of asking a fact (``ask``) is its own
document and a fact scores as its best match, which is how FAQ retrieval stays precise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.schema import Fact

#: How much a match on each part of a fact counts.
_WEIGHTS = {"ask": 1.0, "title": 0.9, "text": 0.6}
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: the form facts are compared in."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True, slots=True)
class Hit:
    fact: Fact
    score: float


class FactIndex:
    """TF-IDF over character 2-3-grams of every fact's questions, title and text."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self._facts: list[Fact] = []
        owners: list[int] = []
        weights: list[float] = []
        docs: list[str] = []
        for fact in facts:
            slot = len(self._facts)
            self._facts.append(fact)
            parts = [("ask", q) for q in fact.ask] + [("title", fact.title or ""), ("text", fact.text)]
            for kind, value in parts:
                if squash(value):
                    owners.append(slot)
                    weights.append(_WEIGHTS[kind])
                    docs.append(squash(value))
        self._owners = np.asarray(owners, dtype=np.int64)
        self._weights = np.asarray(weights)
        self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform(docs) if docs else None

    def search(self, question: str, *, intents: set[str] | None = None, limit: int = 3) -> list[Hit]:
        """Best facts first; with ``intents``, only facts tagged with one of them."""
        query = squash(question)
        if not query or self._matrix is None:
            return []
        sims = (self._matrix @ self._vectorizer.transform([query]).T).toarray().ravel() * self._weights
        best: dict[int, float] = {}
        for row in np.argsort(-sims)[: 40 * limit]:
            score = float(sims[row])
            if score <= 0:
                break
            owner = int(self._owners[row])
            fact = self._facts[owner]
            if intents is not None and fact.intent not in intents:
                continue
            if score > best.get(owner, 0.0):
                best[owner] = score
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [Hit(self._facts[i], s) for i, s in ranked]
