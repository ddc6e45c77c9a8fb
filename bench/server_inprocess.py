"""The server benchmark's in-process baseline: the same turns, one after another, without HTTP.

A process of its own (``python bench/server_inprocess.py BODIES --warm N``), built as ``giljabi serve``
builds its Assistant (``GILJABI_*`` settings, ``configure_logging``), parsing and rendering the skill
JSON as the endpoint does. ``InProcess`` is the benchmark's handle on it: ``part(first, last)`` runs
those of the timed turns, so that the halves can bracket the HTTP run in time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from http_load import BUSY, Result, load_average

ROOT = Path(__file__).resolve().parent.parent


def in_process_child(bodies_file: str, warm: int) -> int:
    """The in-process baseline, in a process of its own: built as ``giljabi serve`` builds its Assistant
    (``GILJABI_*`` settings, ``configure_logging``), the warm-up turns first, then each part of the
    timed turns when the parent writes a line; one JSON line of results per part."""
    from bot.assistant import build_assistant
    from bot.channels import kakao
    from bot.config import get_settings
    from bot.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    lines = Path(bodies_file).read_bytes().split(b"\n")
    warm_bodies, bodies = lines[:warm], [b for b in lines[warm:] if b]
    assistant = build_assistant(settings)
    assistant.warm_up()

    def run(part: list[bytes]) -> dict[str, object]:
        latencies, errors, busy = [], 0, 0
        cpu, started = time.process_time(), time.perf_counter()
        for body in part:
            t0 = time.perf_counter()
            turn = assistant.handle_turn(kakao.parse_request(json.loads(body)))
            answer = json.dumps(kakao.render(turn.replies), ensure_ascii=False).encode("utf-8")
            latencies.append(time.perf_counter() - t0)
            errors += turn.error
            busy += BUSY in answer
        return {"latencies": latencies, "errors": errors, "busy": busy, "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu, "load": load_average()}

    run(warm_bodies)
    print("ready", flush=True)
    for line in sys.stdin:
        first, last = map(int, line.split())
        print(json.dumps(run(bodies[first:last])), flush=True)
    assistant.store.close()
    return 0


class InProcess:
    """The parent's handle on the in-process child: ``part(first, last)`` runs those turns and waits."""

    def __init__(self, env: dict[str, str], warm: list[bytes], bodies: list[bytes], log: Path) -> None:
        self.file = Path(env["GILJABI_DATA_DIR"]) / "inproc-bodies.jsonl"
        self.file.write_bytes(b"\n".join([*warm, *bodies]) + b"\n")
        db = Path(env["GILJABI_DATA_DIR"]) / "inproc.sqlite3"
        self.log = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, __file__, str(self.file), "--warm", str(len(warm))],
            env={**env, "GILJABI_DATABASE_URL": f"sqlite:///{db}"}, cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        if self.proc.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
            raise SystemExit(f"in-process baseline did not start (see {log})")
        self.result = Result()
        self.loads: list[float] = []

    def part(self, first: int, last: int) -> None:
        self.proc.stdin.write(f"{first} {last}\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        answer = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        self.result.latencies += answer["latencies"]
        self.result.errors += answer["errors"]
        self.result.busy += answer["busy"]
        self.result.seconds += answer["seconds"]
        self.result.cpu += answer["cpu"]
        self.loads.append(answer["load"])
        self.result.load = max(self.loads)

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(30)
        self.log.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bodies", help="the warm-up bodies, then the timed ones, one JSON per line")
    parser.add_argument("--warm", type=int, default=0, help="how many of the first lines are warm-up turns")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.exit(in_process_child(args.bodies, args.warm))
