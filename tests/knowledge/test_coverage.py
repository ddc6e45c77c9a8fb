"""Coverage inventory: every user-relevant fact of each source, and the fact id that holds it.

``data/coverage.yml`` lists, per source document, each step, amount, count, URL, menu path, approver
and Q&A answer with the line it comes from (``line`` + ``says``, a piece of that line) and either the
fact that holds it (``id`` + ``has``, a piece of that fact's text) or ``gap`` (why nothing holds it).
The inventory cannot drift silently: a line that no longer says what is quoted, a fact id that is
gone, or a fact that no longer says what it is listed for each fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from knowledge.loader import Knowledge, load_knowledge

INVENTORY = Path(__file__).parent / "data" / "coverage.yml"
#: Every source must have at least this share of its listed facts held by a fact.
TARGET = 0.95


@pytest.fixture(scope="module")
def inventory() -> dict:
    return yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _entries(inventory: dict):
    for number, block in inventory["sources"].items():
        for index, entry in enumerate(block["facts"]):
            yield number, f"{number}[{index}] line {entry.get('line')}", entry


def held_by(entry: dict, knowledge: Knowledge, squash: Callable[[str], str]) -> str | None:
    """Why the entry's fact is not held (``None`` when it is)."""
    fact_id, wanted = entry.get("id"), entry.get("has")
    text = knowledge.texts.get(entry["text"]) if entry.get("text") else None
    if fact_id:
        fact = knowledge.facts.get(fact_id)
        if fact is None:
            return f"no fact '{fact_id}'"
        text = fact.text + "\n" + (str(fact.link.url) if fact.link else "")
    elif entry.get("text"):
        if text is None:
            return f"no text '{entry['text']}'"
    else:
        return "no fact id"
    pieces = wanted if isinstance(wanted, list) else [wanted]
    missing = [p for p in pieces if not p or squash(str(p)) not in squash(text)]
    return f"{fact_id or entry['text']} does not say {missing}" if missing else None


def coverage(inventory: dict, knowledge: Knowledge, squash: Callable[[str], str]) -> dict[str, tuple[int, int]]:
    """Source number -> (facts held, facts listed)."""
    out: dict[str, tuple[int, int]] = {}
    for number, _, entry in _entries(inventory):
        held, listed = out.get(number, (0, 0))
        out[number] = (held + (held_by(entry, knowledge, squash) is None), listed + 1)
    return out


def test_every_entry_is_well_formed(inventory: dict) -> None:
    problems = []
    for _, where, entry in _entries(inventory):
        if not isinstance(entry.get("line"), int) or not entry.get("says"):
            problems.append(f"{where}: needs `line` and `says`")
        has_holder = bool(entry.get("id") or entry.get("text"))
        if has_holder == bool(entry.get("gap")):
            problems.append(f"{where}: give either `id`/`text` with `has`, or `gap` with a reason")
        if has_holder and not entry.get("has"):
            problems.append(f"{where}: `has` is missing")
    assert not problems, "\n".join(problems)


def test_quoted_lines_say_what_is_quoted(inventory: dict, sources: SimpleNamespace) -> None:
    if not sources.files():
        pytest.skip("shared/sources is not beside the checkout")
    assert set(inventory["sources"]) == set(sources.files())
    squash = sources.squash
    problems = []
    for number, where, entry in _entries(inventory):
        lines = sources.lines(number)
        line = entry["line"]
        if not 1 <= line <= len(lines):
            problems.append(f"{where}: the source has {len(lines)} lines")
        elif squash(entry["says"]) not in squash(lines[line - 1]):
            problems.append(f"{where}: line says {lines[line - 1].strip()[:80]!r}, not {entry['says']!r}")
    assert not problems, "\n".join(problems)


def test_listed_facts_are_held_by_the_named_fact(
    inventory: dict, knowledge: Knowledge, sources: SimpleNamespace
) -> None:
    problems = [
        f"{where}: {why}"
        for _, where, entry in _entries(inventory)
        if not entry.get("gap") and (why := held_by(entry, knowledge, sources.squash))
    ]
    assert not problems, "\n".join(problems)


def test_coverage_per_source(
    inventory: dict, knowledge: Knowledge, sources: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = coverage(inventory, knowledge, sources.squash)
    report = [f"  {n} {inventory['sources'][n]['file']}: {h}/{t} = {h / t:.0%}" for n, (h, t) in counts.items()]
    with capsys.disabled():
        print("\ncoverage per source:\n" + "\n".join(report))
    low = {n: f"{h}/{t}" for n, (h, t) in counts.items() if h < TARGET * t}
    assert not low, f"below {TARGET:.0%}: {low}"
