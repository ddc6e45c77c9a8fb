"""Occupation search benchmark: ``.venv/bin/python bench/jobs_bench.py [--queries N] [--synthetic N]``.

Prints labelled lines: catalogue load and index build time, warm search p50/p95 over many keywords
(names, aliases, certificates, skills, majors, training, tasks, typos, English, multi-word), and the
same for a synthetic catalogue of 10,000 occupations generated in memory from the real one with
perturbed names. Targets: build ≤ 1 s, warm p95 ≤ 10 ms, synthetic p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.occupations import Occupation, SearchIndex, load_catalogue  # noqa: E402
from knowledge.occupations.text import to_compat_jamo  # noqa: E402

_PREFIXES = ["선임", "주니어", "시니어", "현장", "산업", "스마트", "디지털", "글로벌", "공공", "해외", "수석",
             "책임", "지역", "전문", "융합"]
_SUFFIXES = ["팀장", "담당", "실무자", "매니저", "전문가", "보조원", "컨설턴트", "연구원", "코디네이터"]
_SYLLABLES = ("가나다라마바사아자차카타파하고노도로모보소오조초코토포호"
              "구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히")


def _perturb(name: str, rng: random.Random) -> str:
    """A plausible but different occupation name: a modifier added, and sometimes a syllable changed."""
    choice = rng.random()
    if choice < 0.35:
        name = f"{rng.choice(_PREFIXES)} {name}"
    elif choice < 0.7:
        name = f"{name} {rng.choice(_SUFFIXES)}"
    else:
        name = f"{rng.choice(_PREFIXES)}{name}{rng.choice(_SUFFIXES)}"
    if rng.random() < 0.5:
        chars = list(name)
        spots = [i for i, c in enumerate(chars) if "가" <= c <= "힣"]
        if spots:
            chars[rng.choice(spots)] = rng.choice(_SYLLABLES)
        name = "".join(chars)
    return name


def synthetic_catalogue(base: list[Occupation], n: int, seed: int = 7) -> list[Occupation]:
    """``n`` occupations cycling through ``base`` with perturbed names and aliases (codes 5 digits)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        occ = base[i % len(base)]
        out.append(occ.model_copy(update={
            "code": f"{i:05d}",
            "name": _perturb(occ.name, rng),
            "aliases": [_perturb(a, rng) if rng.random() < 0.5 else a for a in occ.aliases],
        }))
    return out


def _typo(word: str, rng: random.Random) -> str:
    """Change one vowel of one Hangul syllable (처 → 쳐), or one Latin letter."""
    spots = [i for i, c in enumerate(word) if "가" <= c <= "힣"]
    if spots:
        i = rng.choice(spots)
        code = ord(word[i]) - 0xAC00
        lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
        vowel = (vowel + rng.choice([1, 2, 4])) % 21
        return word[:i] + chr(0xAC00 + lead * 588 + vowel * 28 + tail) + word[i + 1:]
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1:]
    return word


def queries(occupations: list[Occupation], n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    fixed = ["정보처리기사", "정보쳐리기사", "파이썬", "파이선", "python", "java", "UX", "데이터 분석 python",
             "간호사", "사회복지사 1급", "한식조리기능사", "게임개발", "전산회계", "컴활", "택시", "용접",
             "응용 소프트웨어 개발자", "웹툰작가", "빅데이터", "머신러닝", "드론", "회계", "보안", "농업"]
    out = list(fixed)
    while len(out) < n:
        occ = rng.choice(occupations)
        kind = rng.random()
        if kind < 0.2:
            q = occ.name
        elif kind < 0.3:
            q = rng.choice(occ.aliases)
        elif kind < 0.45 and occ.certificates:
            q = rng.choice(occ.certificates)
        elif kind < 0.6:
            q = rng.choice(occ.skills)
        elif kind < 0.7:
            q = rng.choice(occ.majors)
        elif kind < 0.75:
            q = rng.choice(occ.training)
        elif kind < 0.8:
            q = rng.choice(occ.tasks)
        elif kind < 0.9:
            q = _typo(rng.choice([occ.name, *occ.certificates, *occ.skills]), rng)
        else:
            q = f"{rng.choice(occ.skills)} {rng.choice(occ.majors)}"
        out.append(q)
    return out[:n]


def _timed_search(index: SearchIndex, qs: list[str], rounds: int) -> list[float]:
    for q in qs:  # warm-up: morphology and jamo caches
        index.search(q)
    times = []
    for _ in range(rounds):
        for q in qs:
            t0 = time.perf_counter()
            index.search(q)
            times.append((time.perf_counter() - t0) * 1000)
    return times


def _pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=10_000)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    cat = load_catalogue()
    load_s = time.perf_counter() - t0
    occs = list(cat.occupations)
    print(f"catalogue occupations: {len(occs)}")
    print(f"catalogue load+validate: {load_s:.3f} s")

    from knowledge.occupations.text import analyze

    analyze("워밍업")  # load the mecab dictionary outside the measured build
    t0 = time.perf_counter()
    index = SearchIndex.build(occs, cat.synonyms)
    build_s = time.perf_counter() - t0
    print(f"index build: {build_s:.3f} s (target <= 1 s) {index.stats}")

    qs = queries(occs, args.queries)
    times = _timed_search(index, qs, args.rounds)
    print(f"search warm: {len(times)} searches over {len(qs)} keywords, "
          f"p50 {statistics.median(times):.2f} ms, p95 {_pct(times, 95):.2f} ms, max {max(times):.2f} ms "
          f"(target p95 <= 10 ms)")
    sample = qs[1]
    print(f"typo example: {sample!r} ({to_compat_jamo(sample)}) -> "
          f"{[h.name for h in index.search(sample, limit=3)]}")

    if args.synthetic:
        synth = synthetic_catalogue(occs, args.synthetic)
        t0 = time.perf_counter()
        big = SearchIndex.build(synth, cat.synonyms)
        big_s = time.perf_counter() - t0
        print(f"synthetic occupations: {len(synth)} (perturbed names of the real {len(occs)})")
        print(f"synthetic index build: {big_s:.3f} s {big.stats}")
        big_qs = queries(synth, args.queries, seed=13)
        big_times = _timed_search(big, big_qs, 1)
        print(f"synthetic search warm: {len(big_times)} searches, p50 {statistics.median(big_times):.2f} ms, "
              f"p95 {_pct(big_times, 95):.2f} ms, max {max(big_times):.2f} ms (target p95 <= 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
