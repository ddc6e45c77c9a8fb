"""NLU benchmark: warm parse throughput and latency, cold start and peak RSS of a fresh process.

Run: ``.venv/bin/python bench/nlu_bench.py [--reps N] [--data-dir DIR]``. Uses ``$GILJABI_DATA_DIR``
(or a temporary directory) as the model cache; the model is trained there first if needed, so the
cold-start number is for a process that finds the model cached.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_FILE = ROOT / "tests" / "nlu" / "data" / "test_nlu.yml"

_CHILD = r"""
import resource, time
t0 = time.perf_counter()
import nlu
nlu.parse("워크넷 가입 어떻게 해요?")
t1 = time.perf_counter()
hwm = 0
try:
    with open("/proc/self/status") as fh:
        hwm = next((int(l.split()[1]) for l in fh if l.startswith("VmHWM:")), 0)
except OSError:
    pass
print(f"{t1 - t0:.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {hwm}")
"""
_TRAIN = "import nlu, sys; nlu.set_cache_dir(sys.argv[1]); print(nlu.train())"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def warm(reps: int) -> None:
    import nlu
    from nlu import rasa_yaml

    texts = [e.text for e in rasa_yaml.load_file(TEST_FILE).examples]
    for t in texts:  # warm caches
        nlu.parse(t)
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(reps):
        for t in texts:
            t0 = time.perf_counter()
            nlu.parse(t)
            times.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    print(f"warm parses:            {len(times)} ({len(texts)} held-out texts x {reps})")
    print(f"warm parses/second:     {len(times) / total:.0f}")
    print(f"warm latency p50:       {_percentile(times, 0.50) * 1000:.3f} ms")
    print(f"warm latency p95:       {_percentile(times, 0.95) * 1000:.3f} ms")
    print(f"warm latency max:       {max(times) * 1000:.3f} ms")
    long_text = "워크넷 가입 어떻게 해요? " * 700
    t0 = time.perf_counter()
    nlu.parse(long_text)
    print(f"parse of {len(long_text)} chars:  {(time.perf_counter() - t0) * 1000:.1f} ms")


def cold(data_dir: str, runs: int) -> None:
    env = dict(os.environ, GILJABI_DATA_DIR=data_dir, PYTHONPATH=str(ROOT))
    walls: list[float] = []
    inner: list[float] = []
    rss: list[int] = []
    hwm: list[int] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _CHILD], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        walls.append(time.perf_counter() - t0)
        first, maxrss, vmhwm = out.stdout.split()
        inner.append(float(first))
        rss.append(int(maxrss))
        hwm.append(int(vmhwm))
    print(
        f"cold start wall time:   median {statistics.median(walls):.3f} s, max {max(walls):.3f} s "
        f"(new process + import nlu + first parse, model cached; {runs} runs)"
    )
    print(f"  of which import+parse: median {statistics.median(inner):.3f} s")
    print(
        f"peak RSS of that process: {max(rss) / 1024:.1f} MB (getrusage ru_maxrss in the child; "
        f"VmHWM {max(hwm) / 1024:.1f} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=20, help="repetitions over the held-out texts")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--data-dir", default=os.environ.get("GILJABI_DATA_DIR"))
    args = ap.parse_args(argv)
    tmp = None
    if not args.data_dir:
        tmp = tempfile.TemporaryDirectory(prefix="giljabi-bench-")
        args.data_dir = tmp.name
    # Train (if needed) and measure cold starts while this process is still small: on Linux a child's
    # ru_maxrss starts from its parent's resident size at fork, so a big parent would inflate it.
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    trained = subprocess.run(
        [sys.executable, "-c", _TRAIN, args.data_dir], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    print(f"model cache:            {trained.stdout.strip()} (ready in {time.perf_counter() - t0:.1f} s)")
    cold(args.data_dir, args.cold_runs)
    sys.path.insert(0, str(ROOT))
    import nlu

    nlu.set_cache_dir(args.data_dir)
    warm(args.reps)
    print(json.dumps({"ok": True}))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
