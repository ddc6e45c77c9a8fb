"""Evaluate the NLU on a Rasa-format test file: accuracy, macro-F1, per-intent scores,
confusions and latency. Used by ``giljabi nlu eval`` and the held-out accuracy test."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nlu import rasa_yaml


@dataclass(slots=True)
class EvalReport:
    total: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    confusions: list[dict]  # [{"expected", "predicted", "count"}], most frequent first
    latency_ms: dict[str, float]
    errors: list[dict] = field(default_factory=list)  # [{"text", "expected", "predicted", "confidence"}]

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_intent": self.per_intent,
            "confusions": self.confusions,
            "latency_ms": self.latency_ms,
            "errors": self.errors,
        }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def evaluate_examples(examples: list[rasa_yaml.Example]) -> EvalReport:
    from nlu import parse

    expected: list[str] = []
    predicted: list[str] = []
    latencies: list[float] = []
    errors: list[dict] = []
    if examples:
        parse(examples[0].text)  # warm up: load the model outside the timed loop
    for ex in examples:
        started = time.perf_counter()
        result = parse(ex.text)
        latencies.append((time.perf_counter() - started) * 1000.0)
        name = result["intent"]["name"]
        expected.append(ex.intent)
        predicted.append(name)
        if name != ex.intent:
            errors.append(
                {
                    "text": ex.text,
                    "expected": ex.intent,
                    "predicted": name,
                    "confidence": round(result["intent"]["confidence"], 4),
                }
            )
    labels = sorted(set(expected))
    per_intent: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for e, p in zip(expected, predicted, strict=True) if e == label and p == label)
        fp = sum(1 for e, p in zip(expected, predicted, strict=True) if e != label and p == label)
        fn = sum(1 for e, p in zip(expected, predicted, strict=True) if e == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    pairs = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    total = len(expected)
    return EvalReport(
        total=total,
        accuracy=round(sum(e == p for e, p in zip(expected, predicted, strict=True)) / total, 4) if total else 0.0,
        macro_f1=round(sum(v["f1"] for v in per_intent.values()) / len(per_intent), 4) if per_intent else 0.0,
        per_intent=per_intent,
        confusions=[{"expected": e, "predicted": p, "count": c} for (e, p), c in pairs.most_common()],
        latency_ms={
            "p50": round(_percentile(latencies, 0.5), 3),
            "p95": round(_percentile(latencies, 0.95), 3),
            "max": round(max(latencies), 3) if latencies else 0.0,
        },
        errors=errors,
    )


def evaluate_file(path: str | Path) -> EvalReport:
    """Parse every example of a Rasa NLU test file and score the predicted intents."""
    return evaluate_examples(rasa_yaml.load_file(path).examples)
