"""Reminder benchmark: ``.venv/bin/python bench/reminders_bench.py [--sizes 10000,100000]``.

Prints (1) the planner's pass on PostgreSQL over N users with 3 scheduled outbox rows each (the
issue's 100,000 users / 300,000 rows), for each size side by side: the first pass (which queues
what comes due in its window) and the median of 5 steady passes (everything already queued:
the cost every process pays every few minutes); target ≤ 2 s at 100,000; and (2) date/time
resolution accuracy on the held-out phrasings (target ≥ 95%).

The database is ``GILJABI_BENCH_POSTGRES_URL`` or ``GILJABI_TEST_POSTGRES_URL``; each size runs in a
schema of its own, dropped afterwards. Without PostgreSQL the planner part says so and is skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "data" / "datetime_heldout.yml"

# Users, their progress spread over 60 days, some appointments and jobs, 3 waiting rows each.
SEED = """
INSERT INTO users (id, channel, user_key, created_at, last_seen_at, notifications)
  SELECT g, 'telegram', g::text, now(), now(), true FROM generate_series(1, :n) g;
INSERT INTO progress (user_id, stage, done, updated_at)
  SELECT g, s.stage, true, now() - ((g * 7919 + s.k * 104729) % 86400) * interval '1 minute'
  FROM generate_series(1, :n) g
  JOIN (VALUES ('apply', 1), ('worknet', 2), ('jobcare', 3), ('assessments', 4)) AS s(stage, k)
    ON g % 5 >= s.k - 1;
INSERT INTO appointments (user_id, at, status, created_at)
  SELECT g, now() + ((g * 31) % 43200) * interval '1 minute', 'booked', now() - interval '1 day'
  FROM generate_series(1, :n) g WHERE g % 10 = 0;
INSERT INTO employments (user_id, started_on, recorded_at)
  SELECT g, current_date - (g % 95), now() - (g % 95) * interval '1 day'
  FROM generate_series(1, :n) g WHERE g % 20 = 0;
INSERT INTO outbox (user_id, channel, kind, replies, dedupe_key, due_at, quiet_hours, status, attempts, created_at)
  SELECT g, 'telegram', 'nudge', '[{"type": "text", "text": "x"}]', 'seed:' || g || ':' || k,
         now() + ((g * 13 + k * 7) % 86400) * interval '1 minute', true, 'pending', 0, now()
  FROM generate_series(1, :n) g, generate_series(1, 3) k;
ANALYZE;
"""


def _schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def planner_figures(base: str, n: int) -> dict[str, float]:
    from bot.assistant import build_domain
    from bot.config import Settings
    from bot.reminders import Planner, build_scheduler
    from bot.store import Store

    admin = create_engine(base)
    schema, url = _schema_url(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(url)
    try:
        with store.engine.begin() as conn:
            for statement in filter(str.strip, SEED.split(";")):
                conn.execute(text(statement), {"n": n})
        settings = Settings(data_dir=ROOT / ".giljabi-data" / "bench")
        planner = Planner(build_scheduler(build_domain(settings), settings))
        with store.unit() as s:
            rows = s.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        times = []
        for _ in range(6):
            started = time.perf_counter()
            with store.unit() as s:
                result = planner.run(s, datetime.now(UTC))
            times.append(time.perf_counter() - started)
            if len(times) == 1:
                first_queued = result.queued
        return {"users": n, "rows": rows, "first": times[0], "steady": statistics.median(times[1:]),
                "queued": first_queued}
    finally:
        store.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def datetime_accuracy() -> tuple[int, int]:
    from nlu.when import resolve

    cases = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["cases"]
    right = 0
    for case in cases:
        when = resolve(case["text"], datetime.fromisoformat(case["now"]))
        right += (when.at.isoformat() if when.at else None) == case["expect"]
    return right, len(cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated user counts")
    args = parser.parse_args()
    base = os.environ.get("GILJABI_BENCH_POSTGRES_URL") or os.environ.get("GILJABI_TEST_POSTGRES_URL")
    if base:
        figures = [planner_figures(base, int(n)) for n in args.sizes.split(",")]
        print(f"{'planner pass (PostgreSQL)':<34}" + "".join(f"{f['users']:>14,} users" for f in figures))
        print(f"{'  scheduled outbox rows':<34}" + "".join(f"{f['rows']:>20,}" for f in figures))
        print(f"{'  first pass (queues its window)':<34}" + "".join(f"{f['first']:>19.3f}s" for f in figures))
        print(f"{'  rows queued by the first pass':<34}" + "".join(f"{f['queued']:>20,}" for f in figures))
        print(f"{'  steady pass, median of 5':<34}" + "".join(f"{f['steady']:>19.3f}s" for f in figures))
        print("  target: one pass <= 2 s at 100,000 users / 300,000 rows")
    else:
        print("planner pass: skipped (set GILJABI_BENCH_POSTGRES_URL or GILJABI_TEST_POSTGRES_URL)")
    right, total = datetime_accuracy()
    print(f"date/time held-out accuracy: {right}/{total} = {right / total:.1%} (target >= 95%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
