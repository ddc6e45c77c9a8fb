"""The shape issue 10 asks of the dialogue engine: no import cycle, small modules and classes, no clock
read under flows/, and payload strings built and split only in flows/payloads.py."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = sorted((ROOT / "flows").glob("*.py"))
MAX_MODULE_LINES = 300
MAX_CLASS_LINES = 150


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
    return out


def test_flows_modules_import_no_cycle_and_never_bot() -> None:
    graph = {f"flows.{p.stem}": {m for m in _imports(p) if m.startswith("flows.")} for p in FLOWS}
    for path in FLOWS:
        assert not any(m == "bot" or m.startswith("bot.") for m in _imports(path)), path
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 1:
            pytest.fail("import cycle: " + " -> ".join([*trail, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        visit(node, [])


def _outside_modules() -> list[str]:
    """The modules outside the project that its code imports by name (preloaded by import_alone.py)."""
    names: set[str] = set()
    for folder in ("flows", "knowledge", "nlu"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= {m for m in _imports(path) if m.split(".")[0] not in ("flows", "knowledge", "nlu", "bot")}
    return sorted(names)


@pytest.fixture(scope="module")
def imported_alone() -> dict[str, tuple[int, str]]:
    """Each flows module imported first thing in a fresh process (forked before any project module
    was loaded; see import_alone.py): module -> (exit code, traceback)."""
    script = Path(__file__).with_name("import_alone.py")
    modules = [f"flows.{p.stem}" for p in FLOWS]
    done = subprocess.run([sys.executable, str(script), str(ROOT), ",".join(_outside_modules()), *modules],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    results = {}
    for line in done.stdout.splitlines():
        module, code, error = line.split("\t", 2)
        results[module] = (int(code), error.replace("\\n", "\n"))
    assert sorted(results) == sorted(modules), done.stdout
    return results


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_each_flows_module_imports_alone(path: Path, imported_alone) -> None:
    code, error = imported_alone[f"flows.{path.stem}"]
    assert code == 0, error


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_modules_and_classes_stay_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE_LINES, path
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            assert (node.end_lineno or 0) - node.lineno + 1 <= MAX_CLASS_LINES, (path, node.name)


def test_nothing_under_flows_reads_the_clock() -> None:
    for path in FLOWS:
        assert not re.search(r"\b(datetime|date)\.(now|today|utcnow)\(|time\.time\(", path.read_text("utf-8")), path


def test_payload_strings_are_built_only_in_payloads_module() -> None:
    """No literal like "f:..." or f"o:{...}" outside flows/payloads.py (channels and the CLI included)."""
    wire = re.compile(r"""f?["'](m|f|n|b|o|d|u|i|a|j):[^"'\s]*["']""")
    for folder in ("flows", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "payloads.py":
                continue
            hits = [line for line in path.read_text("utf-8").splitlines() if wire.search(line)]
            assert not hits, (path, hits)
