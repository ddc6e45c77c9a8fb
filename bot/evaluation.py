"""First-reply accuracy on a question set, measured through the real Assistant.

A case is a short conversation: the earlier messages (``context``) and then the ``question``. The
question's *first reply* is every reply of the turn that answers it; it is right when, with spaces
removed, it contains one substring of every group in ``expect`` (outer list: all of; inner: any of).
A case with ``expect: []`` is one the sources do not answer: it is right when the reply carries the
"not in the guide" answer (``answer.not_in_guide``) — never the nearest unrelated card.

The test suite asserts on these numbers and ``bench/answers_bench.py`` prints them, so both measure
exactly what a user gets: normalisation, NLU, engine and storage.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.assistant import Assistant
from bot.messages import Inbound, Reply

NOT_IN_GUIDE_TEXT = "answer.not_in_guide"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    question: str
    expect: list[list[str]]
    context: list[str] = field(default_factory=list)
    source: str | None = None


@dataclass(frozen=True)
class Result:
    case: Case
    ok: bool
    shown: str


def load_cases(path: Path) -> list[Case]:
    """The cases of one question file (a ``cases:`` list, or a bare list)."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    rows = data.get("cases", []) if isinstance(data, dict) else data
    out = []
    for row in rows:
        groups = row.get("expect") or []
        expect = [[str(v) for v in (g if isinstance(g, list) else [g])] for g in groups]
        out.append(Case(id=str(row["id"]), category=str(row["category"]), question=str(row["question"]),
                        expect=expect, context=[str(c) for c in row.get("context") or []],
                        source=str(row["source"]) if row.get("source") is not None else None))
    return out


def unspaced(text: str) -> str:
    return _SPACES.sub("", text)


def shown_text(replies: Iterable[Reply]) -> str:
    """What a reply says: titles and texts (button labels are offers, not answers)."""
    return "\n".join(part for r in replies for part in (r.title, r.text) if part)


def judge(case: Case, shown: str, not_in_guide: str) -> bool:
    flat = unspaced(shown)
    if not case.expect:
        return unspaced(not_in_guide) in flat
    return all(any(unspaced(option) in flat for option in group) for group in case.expect)


def run_cases(assistant: Assistant, cases: Iterable[Case], channel: str = "eval") -> list[Result]:
    """Each case as its own user: the context messages first, then the question."""
    not_in_guide = assistant.text(NOT_IN_GUIDE_TEXT)
    results = []
    for case in cases:
        user = f"eval-{case.id}"
        for number, text in enumerate(case.context):
            assistant.handle(Inbound(channel=channel, user_key=user, text=text, message_id=f"{case.id}-c{number}"))
        replies = assistant.handle(Inbound(channel=channel, user_key=user, text=case.question,
                                           message_id=f"{case.id}-q"))
        shown = shown_text(replies)
        results.append(Result(case, judge(case, shown, not_in_guide), shown))
    return results


def accuracy(results: Iterable[Result]) -> tuple[float, dict[str, float], Counter[str]]:
    """Overall accuracy, accuracy per category, and the number of cases per category."""
    results = list(results)
    totals: Counter[str] = Counter(r.case.category for r in results)
    right: Counter[str] = Counter(r.case.category for r in results if r.ok)
    per = {c: right[c] / n for c, n in sorted(totals.items())}
    overall = sum(right.values()) / len(results) if results else 0.0
    return overall, per, totals


def occupation_accuracy(assistant: Assistant, path: Path) -> tuple[float, int]:
    """Share of occupation-name questions whose replies open the occupation meant, in the view asked
    (details: its page; requirements: what it takes; report: the report's first part), and the count.
    The occupation meant is the catalogue entry named (or aliased) so, else the search's best for it."""
    from knowledge.occupations import default_catalogue, load_labels

    catalogue, labels = default_catalogue(), load_labels()
    rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases", [])
    right = 0
    for number, row in enumerate(rows):
        occ = catalogue.get(row["occupation"])
        if occ is None:
            hits = catalogue.index.search(row["occupation"], limit=1)
            occ = catalogue.by_code[hits[0].code] if hits else None
        if occ is None:
            continue
        replies = assistant.handle(Inbound(channel="eval", user_key=f"occ-{number}", text=row["question"]))
        want = {
            "details": occ.name,
            "requirements": assistant.text("answer.jobs.requirements_title", name=occ.name),
            "report": labels.fmt("report.title", name=occ.name),
        }[row["view"]]
        titles = [r.title or "" for r in replies]
        right += any(t == want or (row["view"] == "report" and t.startswith(want)) for t in titles)
    return (right / len(rows) if rows else 0.0), len(rows)
