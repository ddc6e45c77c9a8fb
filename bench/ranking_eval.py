"""Offline evaluation of the fact ranking alone, without the dialogue: for trying a ranking change quickly.

Run: ``.venv/bin/python bench/ranking_eval.py [--folds N] [--no-cv] [--no-dev]``. Two measures:

- **Cross-validation on the content's own phrasings**: about a fifth of each fact's ``ask`` lines (facts
  with at least three) are held out, the ranker (indexes and learned model) is built on the rest, and
  each held-out line is asked with no context; top-1 accuracy of the learned ranker alone and of the
  whole ranking (``FactRanker.rank``). These are phrasings no index has seen, as a user's are.
- **The development sets' plain questions** (``tests/answers/data/dev*.yml``, no context): the learned
  ranker's top fact, and the fact ``Answerer.decide`` answers with (give-way rules included), judged
  as the answer benchmark judges (the expected strings in the fact's title and text).

Nothing is cached on disk (each fold trains its own model: ~10 s each on an idle machine). The held-out
set is never read. A change worth keeping wins on both measures, and then on ``answers_bench.py --file``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "answers" / "data"
DEV_SETS = ("dev_questions", "dev2_dev2a", "dev2_dev2b", "dev2_dev2c", "dev3_dev3a", "dev3_dev3b", "dev4_dev4",
            "dev5_dev5a", "dev5_dev5b", "dev6_dev6a", "dev6_dev6b")
#: one held-out ask line in SHARE, for facts with at least MIN_ASK of them
SHARE = 5
MIN_ASK = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=2, help="cross-validation folds (different held-out lines)")
    parser.add_argument("--no-cv", action="store_true")
    parser.add_argument("--no-dev", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("GILJABI_DATA_DIR", tempfile.mkdtemp(prefix="giljabi-ranking-"))
    import sklearn.svm  # noqa: F401  (imported here, the learned ranker trains in this process)

    from bot.assistant import build_domain
    from bot.config import get_settings
    from bot.evaluation import load_cases, unspaced
    from flows.answers import area_of
    from knowledge.answering import derived, learned
    from knowledge.answering.answerer import Answerer
    from knowledge.answering.gaps import GapFinder
    from knowledge.answering.lexicon import load_lexicon
    from knowledge.answering.ranker import AnswerContext, FactRanker

    domain = build_domain(get_settings())
    k = domain.knowledge
    lexicon = load_lexicon()
    areas = {fid: area_of(path) for fid, path in k.origin.items()}
    guides = {fid: flow for fid in k.facts if (flow := domain.flow_of_fact(fid)) is not None}
    details = {fid: flow.details for fid, flow in domain.flows.items() if flow.details}

    def build(facts: list) -> tuple[FactRanker, float]:
        derived._MEMORY.clear()
        learned._MEMORY.clear()
        started = time.perf_counter()
        ranker = FactRanker(facts, areas, guides, lexicon, cache_dir=None, conditions=domain.fact_when,
                            details=details)
        return ranker, time.perf_counter() - started

    def learned_top(ranker: FactRanker, question: str) -> str:
        margins = ranker.model.margins(learned.featurize(question, ranker.expand, ranker.morph_terms))
        return max(margins, key=margins.__getitem__)

    if not args.no_cv:
        right_learned = right_full = count = 0
        for fold in range(args.folds):
            held: list[tuple[str, str]] = []
            facts = []
            for fact in k.facts.values():
                rnd = random.Random(f"{fact.id}-{fold}")
                out = [a for a in fact.ask if len(fact.ask) >= MIN_ASK and rnd.random() < 1.0 / SHARE]
                held += [(fact.id, a) for a in out]
                facts.append(fact.model_copy(update={"ask": [a for a in fact.ask if a not in out]}))
            ranker, took = build(facts)
            for fid, question in held:
                count += 1
                right_learned += learned_top(ranker, question) == fid
                top = ranker.rank(question, AnswerContext(), limit=1)
                right_full += bool(top) and top[0].fact.id == fid
            print(f"fold {fold}: {len(held)} held-out phrasings, built in {took:.1f} s")
        print(f"cross-validation top-1: learned {right_learned}/{count} ({right_learned / count:.1%}), "
              f"full ranking {right_full}/{count} ({right_full / count:.1%})")

    if not args.no_dev:
        ranker, took = build(list(k.facts.values()))
        answerer = Answerer(ranker, GapFinder(ranker.facts.values(), lexicon), lexicon)
        print(f"plain development questions (built in {took:.1f} s)")
        print(f"  {'set':<16}{'cases':>6}{'learned':>9}{'answered':>10}")
        totals = [0, 0, 0]
        for name in DEV_SETS:
            path = DATA / f"{name}.yml"
            if not path.exists():
                continue
            cases = [c for c in load_cases(path) if c.category == "plain" and c.expect and not c.context]

            def good(fid: str, expect: list[list[str]]) -> bool:
                fact = ranker.facts[fid]
                flat = unspaced("\n".join(p for p in (fact.title, fact.text) if p))
                return all(any(unspaced(o) in flat for o in group) for group in expect)

            ok_learned = sum(good(learned_top(ranker, c.question), c.expect) for c in cases)
            ok_answered = 0
            for c in cases:
                decision = answerer.decide(c.question, AnswerContext())
                ok_answered += (decision.kind in ("answers", "choose") and bool(decision.answers)
                                and good(decision.answers[0].candidate.fact.id, c.expect))
            print(f"  {name:<16}{len(cases):>6}{ok_learned:>9}{ok_answered:>10}")
            totals = [totals[0] + len(cases), totals[1] + ok_learned, totals[2] + ok_answered]
        print(f"  {'all':<16}{totals[0]:>6}{totals[1]:>9}{totals[2]:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
