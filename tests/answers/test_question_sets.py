"""Shape and size of the held-out question sets (issues 8 and 11).

The sets are data written from the source documents alone; these tests only keep them well-formed and
large enough: a count that drops below the issue's floor, a duplicate, a malformed case or a
question copied from the training phrasings fails here.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "tests" / "answers" / "data" / "questions.yml"
OCCUPATIONS = ROOT / "tests" / "answers" / "data" / "occupation_questions.yml"
DATETIMES = ROOT / "tests" / "nlu" / "data" / "datetime_heldout.yml"
SOURCES = Path("/work/shared/sources")

CATEGORIES = {"plain", "context", "greeting", "multi", "not_in_guide"}
#: Floors from the issue briefs (issue 8 asks >= 300 / 80 / 20 / 20 / 20; the set aims higher).
MINIMUM = {"total": 330, "context": 90, "greeting": 25, "multi": 25, "not_in_guide": 25}
SOURCE_FILES = ("01", "02", "03", "04", "05")
#: Each source gets its share; the smallest two (04, 05) still need this many cases.
MIN_PER_SOURCE = 40
SOURCE_REF = re.compile(r"^(0[1-5]):([1-9][0-9]*)$")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    assert data["version"] == 1
    return data["cases"]


def test_case_shape(cases):
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for case in cases:
        where = case["id"]
        assert re.fullmatch(r"q\d{4}", where), where
        assert set(case) == {"id", "category", "source", "context", "question", "expect"}, where
        assert case["category"] in CATEGORIES, where
        assert isinstance(case["question"], str) and case["question"].strip(), where
        assert isinstance(case["context"], list), where
        assert all(isinstance(m, str) and m.strip() for m in case["context"]), where
        refs = case["source"].split(",")
        assert all(SOURCE_REF.match(ref) for ref in refs), where
        expect = case["expect"]
        assert isinstance(expect, list), where
        for group in expect:
            assert isinstance(group, list) and group, where
            assert all(isinstance(alt, str) and _squash(alt) for alt in group), where
        if case["category"] == "not_in_guide":
            assert expect == [], where
        else:
            assert expect, where
        if case["category"] == "context":
            assert case["context"], f"{where}: a context case needs earlier messages"
        if case["category"] in {"plain", "greeting", "multi"}:
            assert not case["context"], where
        if case["category"] == "multi":
            assert 2 <= len(expect) <= 3, f"{where}: two or three questions"
            assert len(refs) == len(expect), f"{where}: one source per question"
        else:
            assert len(refs) == 1, where


def test_no_duplicate_questions(cases):
    keys = Counter((tuple(map(_squash, c["context"])), _squash(c["question"])) for c in cases)
    assert not [k for k, n in keys.items() if n > 1]


def test_category_counts(cases):
    counts = Counter(case["category"] for case in cases)
    assert len(cases) >= MINIMUM["total"], len(cases)
    for category in ("context", "greeting", "multi", "not_in_guide"):
        assert counts[category] >= MINIMUM[category], (category, counts[category])
    assert counts["plain"] >= len(cases) // 3, counts


def test_every_source_is_covered(cases):
    per_source = Counter(ref.split(":")[0] for c in cases for ref in c["source"].split(","))
    for name in SOURCE_FILES:
        assert per_source[name] >= MIN_PER_SOURCE, (name, per_source[name])


@pytest.mark.skipif(not SOURCES.is_dir(), reason="source documents not on this machine")
def test_expectations_are_written_from_the_cited_lines(cases):
    """Each cited line exists, and each ALL-of group has an alternative within 60 lines of it."""
    files = {p.name[:2]: p.read_text(encoding="utf-8").splitlines() for p in SOURCES.glob("*.txt")}
    problems = []
    for case in cases:
        window = ""
        for ref in case["source"].split(","):
            name, number = ref.split(":")
            lines = files[name]
            line = int(number)
            if not (1 <= line <= len(lines) and lines[line - 1].strip()):
                problems.append(f"{case['id']}: {ref} is not a line with text")
                continue
            window += _squash(" ".join(lines[max(0, line - 60) : line + 60]))
        for group in case["expect"]:
            if not any(_squash(alt) in window for alt in group):
                problems.append(f"{case['id']}: none of {group} near {case['source']}")
    assert not problems, "\n".join(problems)


def _phrasings_in(paths) -> set[str]:
    found = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = re.sub(r"^\s*(-\s+)?(text:\s*|ask:\s*)?", "", line).strip().strip("\"'")
            if text:
                found.add(_squash(text))
    return found


def test_questions_are_not_copied_from_training_phrasings(cases):
    """Held out: no question is a line of the content files or of the NLU training data."""
    paths = [
        *sorted((ROOT / "knowledge" / "content").rglob("*.yml")),
        *sorted((ROOT / "nlu" / "data").glob("*.yml")),
    ]
    seen = _phrasings_in(paths)
    copied = [c["id"] for c in cases if _squash(c["question"]) in seen]
    occupations = yaml.safe_load(OCCUPATIONS.read_text(encoding="utf-8"))["cases"]
    # A bare occupation name is a name, not a phrasing: the catalogue is bound to hold it.
    copied += [f"occupation case {n}" for n, c in enumerate(occupations)
               if " " in c["question"].strip() and _squash(c["question"]) in seen]
    datetimes = yaml.safe_load(DATETIMES.read_text(encoding="utf-8"))["cases"]
    copied += [f"datetime case {n}" for n, c in enumerate(datetimes) if _squash(c["text"]) in seen]
    # Only ids and positions: printing a held-out question would show it to whoever tunes.
    assert not copied, copied


def test_occupation_questions():
    data = yaml.safe_load(OCCUPATIONS.read_text(encoding="utf-8"))["cases"]
    assert len(data) >= 50, len(data)
    for case in data:
        assert set(case) == {"question", "occupation", "view"}, case
        assert case["view"] in {"details", "requirements", "report"}, case
        assert case["question"].strip() and case["occupation"].strip(), case
    questions = [_squash(c["question"]) for c in data]
    assert len(questions) == len(set(questions)), "duplicate occupation questions"
    views = Counter(c["view"] for c in data)
    assert min(views.values()) >= 8 and len(views) == 3, views
    assert len({c["occupation"] for c in data}) >= 40
    alone = [c for c in data if _squash(c["question"]) == _squash(c["occupation"])]
    assert len(alone) >= 5, "some cases are the name alone"


def test_datetime_heldout():
    data = yaml.safe_load(DATETIMES.read_text(encoding="utf-8"))["cases"]
    assert len(data) >= 70, len(data)
    keys = [(c["now"], _squash(c["text"])) for c in data]
    assert len(keys) == len(set(keys)), "duplicate phrasings"
    nulls = 0
    year_end = month_end = 0
    for case in data:
        now = datetime.fromisoformat(case["now"])
        assert now.utcoffset() == timedelta(hours=9), case
        assert case["text"].strip(), case
        if case["expect"] is None:
            nulls += 1
            assert case.get("note", "").strip(), f"{case['text']}: say why it is null"
            continue
        when = datetime.fromisoformat(case["expect"])
        assert when.utcoffset() == timedelta(hours=9), case
        assert when > now, f"{case['text']}: an appointment lies in the future"
        year_end += when.year > now.year
        month_end += (when.year, when.month) != (now.year, now.month)
    assert nulls >= 5, nulls
    assert year_end >= 5 and month_end >= 15, (year_end, month_end)
