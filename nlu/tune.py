"""Threshold tuning report: ``python -m nlu.tune``.

Trains with cross-validation and prints, for candidate fallback thresholds, how many out-of-fold
predictions would be answered, how accurate the answered ones are, and how many nonsense inputs
(``nlu/resources/nonsense.yml``) would wrongly get an intent. The chosen value lives in
``nlu.config.FALLBACK_THRESHOLD``.
"""

from __future__ import annotations

import sys

from nlu import analysis, resources
from nlu.training import train_model


def report(thresholds: tuple[float, ...] = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)) -> list[dict]:
    model, oof = train_model()
    nonsense = [str(t) for t in resources.resource("nonsense").get("texts", [])]
    nonsense_conf = []
    for text in nonsense:
        a = analysis.analyze(text)
        meaningful = any(ch.isalnum() for ch in a.norm.text)  # the parser's own rule
        nonsense_conf.append(float(model.predict_proba(a.features).max()) if meaningful else 0.0)
    rows = []
    n = len(oof.labels)
    for th in thresholds:
        answered = [i for i in range(n) if oof.confidence[i] >= th]
        right = sum(1 for i in answered if oof.predicted[i] == oof.labels[i])
        rows.append(
            {
                "threshold": th,
                "answered": round(len(answered) / n, 4),
                "answered_accuracy": round(right / len(answered), 4) if answered else 0.0,
                "overall_correct": round(right / n, 4),
                "nonsense_answered": sum(c >= th for c in nonsense_conf),
                "nonsense_total": len(nonsense_conf),
            }
        )
    return rows


def main() -> int:
    for row in report():
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
