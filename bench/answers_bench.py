"""Answer benchmark: Giljabi's first-reply accuracy beside a naive FAQ retriever, and answer latency.

Run: ``.venv/bin/python bench/answers_bench.py [--file QUESTIONS.yml] [--failures]``. Giljabi is
measured through the real Assistant (NLU, engine, SQLite in a temporary directory), each case as its
own user. The peer is what issue 8 compares against: character 2-4-gram TF-IDF over the same facts'
title, text and ``ask`` phrasings (one document per phrasing, a fact scores as its best), top-1, no
context, always answering with one fact. Latency is for typed questions on a warm process:
``answer`` = NLU parse + engine step (what the issue budgets), asked fresh and, for the cases
with earlier messages, in the conversation state those messages left; ``turn`` = the whole Assistant turn
including the SQLite transaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELD_OUT = ROOT / "tests" / "answers" / "data" / "questions.yml"
DEV = ROOT / "tests" / "answers" / "data" / "dev_questions.yml"


class NaivePeer:
    """Character 2-4-gram TF-IDF over every fact's title, text and ask phrasings; top-1 fact."""

    def __init__(self, facts: list) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.facts = facts
        self.owner: list[int] = []
        docs: list[str] = []
        for i, fact in enumerate(facts):
            for part in [fact.title or "", fact.text, *fact.ask]:
                if part.strip():
                    docs.append(part)
                    self.owner.append(i)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(docs)

    def answer(self, question: str) -> str:
        scores = (self.matrix @ self.vectorizer.transform([question]).T).toarray().ravel()
        fact = self.facts[self.owner[int(scores.argmax())]]
        return "\n".join(p for p in (fact.title, fact.text) if p)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=HELD_OUT if HELD_OUT.exists() else DEV)
    parser.add_argument("--failures", action="store_true", help="list the cases Giljabi gets wrong")
    parser.add_argument("--reps", type=int, default=3, help="latency passes over the questions")
    args = parser.parse_args()

    data_dir = Path(os.environ.get("GILJABI_DATA_DIR") or tempfile.mkdtemp(prefix="giljabi-answers-"))
    os.environ["GILJABI_DATA_DIR"] = str(data_dir)
    os.environ.pop("GILJABI_DATABASE_URL", None)
    import nlu
    from bot.assistant import Assistant, build_domain
    from bot.config import get_settings
    from bot.evaluation import NOT_IN_GUIDE_TEXT, Case, accuracy, judge, load_cases, occupation_accuracy, run_cases
    from bot.store import Store
    from flows.state import ConversationState, UserInput

    get_settings.cache_clear()
    settings = get_settings()
    nlu.set_cache_dir(settings.data_dir)
    nlu.train()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        assistant = Assistant(store, build_domain(settings))
        assistant.warm_up()
        cases = load_cases(args.file)
        results = run_cases(assistant, cases)
        overall, per, totals = accuracy(results)

        peer = NaivePeer(list(assistant.domain.knowledge.facts.values()))
        not_in_guide = assistant.text(NOT_IN_GUIDE_TEXT)
        peer_ok = {c.id: judge(c, peer.answer(c.question), not_in_guide) for c in cases}
        peer_per = {cat: sum(peer_ok[c.id] for c in cases if c.category == cat) / n for cat, n in totals.items()}
        peer_overall = sum(peer_ok.values()) / len(cases)

        print(f"first-reply accuracy on {args.file.name} ({len(cases)} cases)")
        print(f"  {'category':<14}{'cases':>6}{'Giljabi':>10}{'naive peer':>12}")
        for cat in per:
            print(f"  {cat:<14}{totals[cat]:>6}{per[cat]:>10.1%}{peer_per[cat]:>12.1%}")
        print(f"  {'overall':<14}{len(cases):>6}{overall:>10.1%}{peer_overall:>12.1%}   (target 95%)")
        occupations = args.file.parent / "occupation_questions.yml"
        if occupations.exists():
            rate, count = occupation_accuracy(assistant, occupations)
            print(f"occupation named in a question opens it in the view asked: {rate:.1%} of {count}")

        engine, parse = assistant.engine, assistant.parse
        typed = [c.question for c in cases]
        answer_ms: list[float] = []
        for _ in range(args.reps):
            for text in typed:
                started = time.perf_counter()
                engine.step(ConversationState(), UserInput(text=text, parse=parse(text)))
                answer_ms.append((time.perf_counter() - started) * 1000)
        # a question asked after earlier messages is a typed question too: timed in the state they left
        in_context_ms: list[float] = []
        for case in (c for c in cases if c.context):
            state = ConversationState()
            for said in case.context:
                state = engine.step(state, UserInput(text=said, parse=parse(said))).state
            for _ in range(args.reps):
                started = time.perf_counter()
                engine.step(state, UserInput(text=case.question, parse=parse(case.question)))
                in_context_ms.append((time.perf_counter() - started) * 1000)
        turn_ms: list[float] = []
        for number, text in enumerate(typed):
            case = Case(id=f"lat{number}", category="latency", question=text, expect=[])
            started = time.perf_counter()
            run_cases(assistant, [case], channel="latency")
            turn_ms.append((time.perf_counter() - started) * 1000)
        print(f"warm answer (parse + engine step), {len(answer_ms)} questions: "
              f"p50 {statistics.median(answer_ms):.2f} ms, p95 {_percentile(answer_ms, 0.95):.2f} ms")
        if in_context_ms:
            print(f"warm answer after the case's earlier messages, {len(in_context_ms)} questions: "
                  f"p50 {statistics.median(in_context_ms):.2f} ms, p95 {_percentile(in_context_ms, 0.95):.2f} ms")
        print(f"warm turn (Assistant incl. SQLite), {len(turn_ms)} questions: "
              f"p50 {statistics.median(turn_ms):.2f} ms, p95 {_percentile(turn_ms, 0.95):.2f} ms")
        if args.failures:
            for r in results:
                if not r.ok:
                    want = r.case.expect or "answer.not_in_guide"
                    print(f"\n[{r.case.id} {r.case.category}] {r.case.context} -> {r.case.question}\n"
                          f"  want {want}\n  got  {r.shown[:160]!r}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
