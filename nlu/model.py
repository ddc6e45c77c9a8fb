"""The compiled intent classifier: plain numpy arrays, so parsing never imports scikit-learn.

scikit-learn trains the model (``nlu.training``) and takes ~0.8 s to import; the parse path only
needs a vocabulary, IDF weights, a weight matrix and a temperature, which unpickle in milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from nlu.config import EVIDENCE_FULL, FEATURE_WEIGHTS

GROUPS: tuple[str, ...] = tuple(FEATURE_WEIGHTS)
_GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}
# Features that count as evidence that a message resembles the training data: morphemes and
# character bigrams/trigrams (single characters and jamo overlap with almost anything).
_EVIDENCE_PREFIXES = ("w:", "l:service", "l:stage", "l:assessment")


def group_of(feature: str) -> int:
    return _GROUP_INDEX[feature[0]]


def _is_evidence(feature: str) -> bool:
    if feature.startswith(_EVIDENCE_PREFIXES):
        return True
    if feature.startswith("c:"):
        body = feature[2:].strip("^$")
        return len(body) >= 2
    return feature.startswith("k:=")


#: feature -> whether it is evidence, for the last features seen (a message has hundreds)
_EVIDENCE: dict[str, bool] = {}
EVIDENCE_MEMO = 1 << 16
#: model (by id, kept beside them) -> its IDF weights and feature groups as Python numbers: reading
#: numpy scalars one by one cost more than the rest of ``vectorize``; the same values, so the same sums
_TABLES: dict[int, tuple[CompiledModel, list[float], list[int]]] = {}


def _tables(model: CompiledModel) -> tuple[list[float], list[int]]:
    found = _TABLES.get(id(model))
    if found is None or found[0] is not model:
        if len(_TABLES) >= 4:  # a few models at a time (tests train small ones)
            _TABLES.clear()
        found = _TABLES[id(model)] = (model, model.idf.tolist(), model.groups.tolist())
    return found[1], found[2]


@dataclass(slots=True)
class CompiledModel:
    """Everything needed to score a message; built by ``nlu.training.train_model``."""

    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,) float32
    groups: np.ndarray  # (n_features,) int8, index into GROUPS
    coef_t: np.ndarray  # (n_features, n_classes) float32, rows are contiguous per feature
    intercept: np.ndarray  # (n_classes,) float32
    temperature: float = 1.0
    group_weights: tuple[float, ...] = tuple(FEATURE_WEIGHTS.values())
    fingerprint: str = ""
    meta: dict = field(default_factory=dict)

    def vectorize(self, features: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, float]:
        """Sparse TF-IDF vector (indices, values), per-group L2-normalised and weighted, and the
        fraction of evidence features that the vocabulary knows."""
        idx: list[int] = []
        val: list[float] = []
        sumsq = [0.0] * len(GROUPS)
        known = total = 0
        vocab, (idf, groups), evidences = self.vocab, _tables(self), _EVIDENCE
        for feat, count in features.items():
            ev = evidences.get(feat)
            if ev is None:
                if len(evidences) >= EVIDENCE_MEMO:
                    evidences.clear()
                ev = evidences[feat] = _is_evidence(feat)
            total += ev
            i = vocab.get(feat)
            if i is None:
                continue
            known += ev
            v = (1.0 + math.log(count)) * idf[i]
            idx.append(i)
            val.append(v)
            sumsq[groups[i]] += v * v
        if not idx:
            return np.empty(0, np.intp), np.empty(0, np.float32), 0.0
        scale = [(w / math.sqrt(s)) if s > 0 else 0.0 for w, s in zip(self.group_weights, sumsq, strict=True)]
        ia = np.fromiter(idx, np.intp, len(idx))
        va = np.fromiter((v * scale[groups[i]] for i, v in zip(idx, val, strict=True)), np.float32, len(idx))
        evidence = known / total if total else 0.0
        return ia, va, evidence

    def decision(self, features: Mapping[str, float]) -> tuple[np.ndarray, float]:
        """Raw class scores (logits) and the evidence ratio."""
        ia, va, evidence = self.vectorize(features)
        scores = self.intercept.astype(np.float64)
        if ia.size:
            scores = scores + va.astype(np.float64) @ self.coef_t[ia].astype(np.float64)
        return scores, evidence

    def predict_proba(self, features: Mapping[str, float]) -> np.ndarray:
        """Calibrated class probabilities, shrunk towards uniform when evidence is thin."""
        scores, evidence = self.decision(features)
        return probabilities(scores, evidence, self.temperature)


def probabilities(scores: np.ndarray, evidence: float, temperature: float) -> np.ndarray:
    z = scores / max(temperature, 1e-6)
    z = z - z.max()
    p = np.exp(z)
    p /= p.sum()
    lam = min(1.0, evidence * EVIDENCE_FULL)
    return lam * p + (1.0 - lam) / len(p)
