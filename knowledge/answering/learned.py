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
a fingerprint of the phrasings); scoring needs only numpy, as the NLU's compiled model does. A process
that has not imported scikit-learn yet (a server whose NLU was trained beforehand) trains in a child
process, so scikit-learn and SciPy never enter its memory (about 100 MB of RSS that stayed, measured).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.retrieval import squash
from knowledge.schema import Fact
from nlu.cache import read_pickle, write_pickle

#: character n-gram lengths (single characters help with one-syllable words: "돈", "폰")
CHAR_NS = (1, 2, 3)
#: features seen in fewer phrasings than this are dropped (one phrasing's typos)
MIN_DF = 2
#: the classifier's regularisation (chosen on the development questions)
C = 1.0
#: lines of a fact's text shorter than this are not phrasings ("①", "※")
MIN_LINE = 4
SEED = 8
#: bump when the features, the training or the stored form change, so that cached models are not reused
VERSION = 3
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
    """The compiled classifier: vocabulary, IDF weights and each feature's nonzero weights per fact.

    The weights are stored by feature, sparse (rows of a CSR matrix): feature ``i`` weighs
    ``weights[starts[i]:starts[i + 1]]`` for the facts at ``columns[starts[i]:starts[i + 1]]``. About
    12% of the dense (features x facts) matrix is nonzero, so this is 4 MB instead of 21 MB.
    """

    fact_ids: list[str]
    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,) float32
    groups: np.ndarray  # (n_features,) int8, index into GROUPS
    starts: np.ndarray  # (n_features + 1,) int64
    columns: np.ndarray  # (nonzero,) int16 (int32 past 32,767 facts): the fact of each weight
    weights: np.ndarray  # (nonzero,) float32
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
            first, counts = self.starts[ia], self.starts[ia + 1] - self.starts[ia]
            # the positions of all the question's features' weights, row after row, in one array
            at = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            products = self.weights[at].astype(np.float64) * np.repeat(va, counts)
            scores = scores + np.bincount(self.columns[at], products, minlength=len(self.fact_ids))
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
    model = cached(key, cache_dir) or (_fit(docs) if "sklearn" in sys.modules else _fit_in_child(docs))
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
        starts=np.zeros(len(kept) + 1, np.int64),
        columns=np.zeros(0, np.int16),
        weights=np.zeros(0, np.float32),
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
    coef_t = clf.coef_.T.astype(np.float32)  # (features, facts)
    rows, cols = np.nonzero(coef_t)  # row by row, as the CSR layout needs
    model.starts = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(kept))))).astype(np.int64)
    model.columns = cols.astype(np.int16 if len(fact_ids) < 2**15 else np.int32)
    model.weights = coef_t[rows, cols]
    model.intercept = clf.intercept_.astype(np.float32)
    return model


def _fit_in_child(docs: list[tuple[str, Counter[str]]]) -> PhrasingModel:
    """``_fit`` in a child process (the documents in, the model out, pickled); here if that fails."""
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    code = "import sys, pickle; from knowledge.answering.learned import _fit; " \
           "sys.stdout.buffer.write(pickle.dumps(_fit(pickle.load(sys.stdin.buffer))))"
    try:
        done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(docs), capture_output=True,
                              env=env, timeout=600, check=True)
        model = pickle.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, EOFError, AttributeError):
        model = None
    return model if isinstance(model, PhrasingModel) else _fit(docs)


def _fingerprint(docs: list[tuple[str, Counter[str]]]) -> str:
    h = hashlib.sha256(f"v{VERSION} C{C} df{MIN_DF} numpy{np.__version__}".encode())
    for fid, features in docs:
        h.update(fid.encode())
        h.update(repr(sorted(features.items())).encode())
    return h.hexdigest()


def _load(path: Path) -> PhrasingModel | None:
    model = read_pickle(path)
    return model if isinstance(model, PhrasingModel) else None


def _save(path: Path, model: PhrasingModel) -> None:
    with contextlib.suppress(OSError):  # a read-only or full disk only loses the cache
        write_pickle(path, model, stale="phrasings-*.pkl")
