"""``giljabi nlu …``: parse, train and evaluate the Korean NLU from the command line.

Heavy imports (the model, mecab, numpy) happen inside the handlers so ``giljabi --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _use_app_data_dir() -> None:
    """Point the NLU model cache at the app's data dir (honours ``GILJABI_DATA_DIR``)."""
    import nlu
    from bot.config import get_settings

    nlu.set_cache_dir(get_settings().data_dir)


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _parse(args: argparse.Namespace) -> int:
    import nlu

    _use_app_data_dir()
    if args.jsonl:
        for line in sys.stdin:
            _print_json(nlu.parse(line.rstrip("\r\n")))
            sys.stdout.flush()
        return 0
    if not args.text:
        print("giljabi nlu parse: give TEXT or --jsonl", file=sys.stderr)
        return 2
    _print_json(nlu.parse(" ".join(args.text)))
    return 0


def _train(args: argparse.Namespace) -> int:
    import nlu

    _use_app_data_dir()
    started = time.perf_counter()
    path = nlu.train(force=True)
    elapsed = time.perf_counter() - started
    where = str(path) if path else "(not cached: data directory not writable)"
    print(f"trained NLU model in {elapsed:.1f}s -> {where}")
    return 0


def _format_report(report: dict) -> str:
    lines = [
        f"examples: {report['total']}",
        f"accuracy: {report['accuracy']:.4f}",
        f"macro-F1: {report['macro_f1']:.4f}",
        f"latency ms: p50 {report['latency_ms']['p50']:.2f}  p95 {report['latency_ms']['p95']:.2f}",
        "",
        f"{'intent':<24} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}",
    ]
    for name, m in sorted(report["per_intent"].items()):
        lines.append(f"{name:<24} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {m['support']:>4}")
    lines.append("")
    lines.append("confusions (expected -> predicted: count):")
    if not report["confusions"]:
        lines.append("  none")
    for c in report["confusions"]:
        lines.append(f"  {c['expected']} -> {c['predicted']}: {c['count']}")
    return "\n".join(lines)


def _eval(args: argparse.Namespace) -> int:
    from nlu.evaluate import evaluate_file

    _use_app_data_dir()
    path = Path(args.file)
    if not path.is_file():
        print(f"giljabi nlu eval: no such file: {path}", file=sys.stderr)
        return 2
    report = evaluate_file(path).to_dict()
    print(_format_report(report))
    if args.report:
        out = Path(args.report)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nreport written to {out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``nlu`` command group."""
    nlu_parser = subparsers.add_parser("nlu", help="Korean NLU: parse, train, eval")
    sub = nlu_parser.add_subparsers(dest="nlu_command", required=True)

    p = sub.add_parser("parse", help="parse text and print the Rasa-style JSON")
    p.add_argument("text", nargs="*", help="text to parse (joined with spaces)")
    p.add_argument("--jsonl", action="store_true", help="read one text per stdin line, print one JSON per line")
    p.set_defaults(func=_parse)

    t = sub.add_parser("train", help="retrain the intent model and write it to the cache")
    t.set_defaults(func=_train)

    e = sub.add_parser("eval", help="evaluate on a Rasa-format NLU test file")
    e.add_argument("file", help="Rasa NLU YAML with intent examples")
    e.add_argument("--report", metavar="OUT.json", help="also write the metrics as JSON")
    e.set_defaults(func=_eval)

    r = sub.add_parser("review", help="list fallback and low-confidence turns to turn into training data")
    r.add_argument("--limit", type=int, default=50, help="how many turns, newest first (default 50)")
    r.add_argument("--below", type=float, default=0.6, help="confidence under which a turn is listed")
    r.add_argument("--yaml", action="store_true", help="print Rasa NLU YAML to label and paste into nlu/data")
    r.set_defaults(func=_review)


def _review(args: argparse.Namespace) -> int:
    """Fallback and low-confidence turns, masked as stored, ready to label as training examples."""
    from bot.config import get_settings
    from bot.store import Store

    store = Store(get_settings().resolved_database_url())
    try:
        turns = store.review_turns(limit=args.limit, below=args.below)
    finally:
        store.close()
    if args.yaml:
        by_guess: dict[str, list[str]] = {}
        for turn in turns:
            ranking = (turn.parse or {}).get("intent_ranking") or [{}]
            guess = ranking[0].get("name") or "nlu_fallback"
            by_guess.setdefault(guess, []).append(" ".join((turn.text or "").split()))
        print('version: "3.1"\nnlu:')
        for guess, texts in sorted(by_guess.items()):
            print(f"# NLU guessed {guess}: check every line before moving it to nlu/data")
            print(f"- intent: {guess}\n  examples: |")
            for text in dict.fromkeys(texts):
                print(f"    - {text}")
        return 0
    for turn in turns:
        confidence = f"{turn.confidence:.2f}" if turn.confidence is not None else "-"
        ranking = ", ".join(r.get("name", "?") for r in ((turn.parse or {}).get("intent_ranking") or [])[:2])
        print(json.dumps({"at": turn.created_at.isoformat(timespec="seconds"), "text": turn.text,
                          "intent": turn.intent, "confidence": confidence, "likely": ranking},
                         ensure_ascii=False))
    if not turns:
        print("no fallback or low-confidence turns", file=sys.stderr)
    return 0
