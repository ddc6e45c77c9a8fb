"""A learned ranker over the facts' phrasings: one linear classifier, one class per fact.

Nearest-phrasing retrieval (``knowledge.retrieval``) scores a question by the single phrasing it
resembles most, so an everyday question that shares a word with one phrasing and a word with
another reaches neither. A linear model trained on all of a fact's phrasings (its ``ask`` lines,
its title and each line of its text) learns which words tell that fact from the others; on
questions written from the sources it put the right fact first far more often than the nearest
phrasing did (measured on ``tests/answers/data/dev2_*.yml``).

Features are those of the rest of the ranking: character 1-3-grams of the squashed question with
everyday words mapped to the facts' own, and content morphemes; each group is TF-IDF weighted and
L2-normalised. scikit-learn trains the model once per content (kept in memory and on disk, keyed by
a fingerprint of the phrasings); scoring needs only numpy, as the NLU's compiled model does.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.retrieval import squash
from knowledge.schema import Fact

#: character n-gram lengths (single characters help with one-syllable words: "돈", "폰")
CHAR_NS = (1, 2, 3)
#: features seen in fewer phrasings than this are dropped (one phrasing's typos)
MIN_DF = 2
#: the classifier's regularisation (chosen on the development questions)
C = 1.0
#: lines of a fact's text shorter than this are not phrasings ("①", "※")
MIN_LINE = 4
SEED = 8
#: bump when the features or the training change, so that cached models are not reused
VERSION = 1
GROUPS = ("c", "m")

Terms = Callable[[str], Counter[str]]
Expand = Callable[[str], str]


def phrasings(fact: Fact) -> list[str]:
    """The ways a fact is put: how people ask for it, its title, and each line of its text."""
    lines = [line for line in fact.text.split("\n") if len(line.strip()) >= MIN_LINE]
    return [p for p in (*fact.ask, fact.title or "", *lines) if p.strip()]


def featurize(text: str, expand: Expand, terms: Terms) -> Counter[str]:
    """``c:`` character n-grams of the squashed, expanded text and ``m:`` content morphemes."""
    key = squash(expand(text))
    out: Counter[str] = Counter(f"c:{key[i:i + n]}" for n in CHAR_NS for i in range(len(key) - n + 1))
    out.update({f"m:{t}": n for t, n in terms(text).items()})
    return out


@dataclass(slots=True)
class PhrasingModel:
    """The compiled classifier: vocabulary, IDF weights and one weight column per fact."""

    fact_ids: list[str]
    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,) float32
    groups: np.ndarray  # (n_features,) int8, index into GROUPS
    coef_t: np.ndarray  # (n_features, n_facts) float32
    intercept: np.ndarray  # (n_facts,) float32

    def vectorize(self, features: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF vector (indices, values), each feature group L2-normalised."""
        idx: list[int] = []
        val: list[float] = []
        sumsq = [0.0] * len(GROUPS)
        for feature, count in features.items():
            i = self.vocab.get(feature)
            if i is None:
                continue
            v = (1.0 + math.log(count)) * float(self.idf[i])
            idx.append(i)
            val.append(v)
            sumsq[self.groups[i]] += v * v
        scale = [1.0 / math.sqrt(s) if s > 0 else 0.0 for s in sumsq]
        ia = np.array(idx, np.intp)
        va = np.array([v * scale[self.groups[i]] for i, v in zip(idx, val, strict=True)], np.float64)
        return ia, va

    def margins(self, features: Mapping[str, int]) -> dict[str, float]:
        """Fact id -> the classifier's margin (about -1: not this fact; +1 and more: put like it)."""
        ia, va = self.vectorize(features)
        scores = self.intercept.astype(np.float64)
        if ia.size:
            scores = scores + va @ self.coef_t[ia].astype(np.float64)
        return dict(zip(self.fact_ids, scores.tolist(), strict=True))


def train(facts: Iterable[Fact], expand: Expand, terms: Terms, cache_dir: Path | None = None) -> PhrasingModel:
    """The model for these facts: from memory, from ``cache_dir``, or trained now (about 2 s)."""
    return keyed_train(facts, expand, terms, cache_dir)[0]


def keyed_train(facts: Iterable[Fact], expand: Expand, terms: Terms,
                cache_dir: Path | None = None) -> tuple[PhrasingModel, str]:
    """``train``, also giving the model's fingerprint, by which ``cached`` finds it again without
    reading every phrasing (what a process start-up would otherwise spend its time on)."""
    docs = [(fact.id, featurize(p, expand, terms)) for fact in facts for p in phrasings(fact)]
    key = _fingerprint(docs)
    model = cached(key, cache_dir) or _fit(docs)
    path = _path(key, cache_dir)
    if path is not None and not path.exists():
        _save(path, model)
    _remember(key, model)
    return model, key


def cached(key: str, cache_dir: Path | None) -> PhrasingModel | None:
    """The model trained under fingerprint ``key``, from memory or ``cache_dir``, if either has it."""
    path = _path(key, cache_dir)
    model = _MEMORY.get(key) or (_load(path) if path is not None else None)
    if model is not None:
        _remember(key, model)
    return model


def _path(key: str, cache_dir: Path | None) -> Path | None:
    return cache_dir / "answers" / f"phrasings-{key[:16]}.pkl" if cache_dir is not None else None


def _remember(key: str, model: PhrasingModel) -> None:
    if key not in _MEMORY and len(_MEMORY) >= 4:
        _MEMORY.clear()
    _MEMORY[key] = model


_MEMORY: dict[str, PhrasingModel] = {}


def _fit(docs: list[tuple[str, Counter[str]]]) -> PhrasingModel:
    from scipy import sparse
    from sklearn.svm import LinearSVC

    df: Counter[str] = Counter()
    for _, features in docs:
        df.update(features.keys())
    kept = sorted(f for f, n in df.items() if n >= MIN_DF)
    n = len(docs)
    fact_ids = list(dict.fromkeys(fid for fid, _ in docs))
    model = PhrasingModel(
        fact_ids=fact_ids,
        vocab={f: i for i, f in enumerate(kept)},
        idf=np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], np.float32),
        groups=np.array([GROUPS.index(f[0]) for f in kept], np.int8),
        coef_t=np.zeros((len(kept), len(fact_ids)), np.float32),
        intercept=np.zeros(len(fact_ids), np.float32),
    )
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for _, features in docs:
        ia, va = model.vectorize(features)
        indices.extend(ia.tolist())
        data.extend(va.tolist())
        indptr.append(len(indices))
    x = sparse.csr_matrix((data, indices, indptr), shape=(n, len(kept)), dtype=np.float64)
    labels = {fid: i for i, fid in enumerate(fact_ids)}
    clf = LinearSVC(C=C, random_state=SEED)
    clf.fit(x, [labels[fid] for fid, _ in docs])
    model.coef_t = np.ascontiguousarray(clf.coef_.T.astype(np.float32))
    model.intercept = clf.intercept_.astype(np.float32)
    return model


def _fingerprint(docs: list[tuple[str, Counter[str]]]) -> str:
    h = hashlib.sha256(f"v{VERSION} C{C} df{MIN_DF} numpy{np.__version__}".encode())
    for fid, features in docs:
        h.update(fid.encode())
        h.update(repr(sorted(features.items())).encode())
    return h.hexdigest()


def _load(path: Path) -> PhrasingModel | None:
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return model if isinstance(model, PhrasingModel) else None


def _save(path: Path, model: PhrasingModel) -> None:
    """Written to a temporary file and renamed: a process reading it never sees half a model. Models
    of earlier content are removed."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("phrasings-*.pkl"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
