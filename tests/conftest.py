"""Shared fixtures: the real content, the real NLU (trained once into a cache), fresh databases."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.databases import (  # noqa: F401 - postgres_url and schema_url are imported from here by tests
    close_postgres_schemas,
    postgres_schema,
    postgres_url,
    schema_url,
    sqlite_db_url,
)

ROOT = Path(__file__).resolve().parent.parent
#: NLU models are cached here between runs, keyed by a hash of data and code.
NLU_CACHE = ROOT / ".giljabi-data" / "test-cache"

# Property tests: CI explores widely (300 examples per test, as the slow render checks always had);
# a local run tries 60 of each, so `make test` stays quick. HYPOTHESIS_PROFILE overrides either.
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Commands under test configure logging (a root handler, levels); each test starts as it was."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "telegram", "sqlalchemy")}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


#: The console's password hasher in tests: Argon2id still, at its lowest cost. The product's (the
#: library's defaults, 64 MiB and 3 passes on 4 lanes) costs ~0.3 s of CPU per hash and check, and
#: the console and hand-off tests add and log in some fifty accounts; no test is about that cost, and
#: tests/bot/test_console_http.py checks the product's hasher keeps the library's strength.
TEST_HASHER = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from bot.console import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(**TEST_HASHER))

@pytest.fixture(scope="session", autouse=True)
def _nlu_cache() -> None:
    import nlu

    NLU_CACHE.mkdir(parents=True, exist_ok=True)
    nlu.set_cache_dir(NLU_CACHE)
    # The model in memory now (trained into the cache only when data or code changed): a command under
    # test points the cache at its own empty data directory, and the first parse after that would train.
    nlu.intents()


@pytest.fixture(scope="session", autouse=True)
def _one_domain_per_institution_file() -> Iterator[None]:
    """``bot.assistant.build_domain`` built once per institution file for the whole session.

    A Domain depends only on the content files (fixed during a run) and ``settings.institution_file``,
    and nothing changes it after it is built (the ``domain`` fixture below has always been one object
    shared by every test). Building one costs seconds (validation, the search indexes), and the answer
    ranker built over it (flows.answers.build_answerer, once per Domain object) as much again, which
    every in-process command (``giljabi ...`` through ``bot.cli.main``, ``build_assistant``) paid anew.
    Every caller imports ``build_domain`` from ``bot.assistant`` when it runs, so they all get this one.
    A build that fails is not remembered: it raises again next time."""
    import bot.assistant
    from bot.config import get_settings

    original = bot.assistant.build_domain
    built: dict[bytes | None, object] = {}

    def build_domain(settings=None):
        settings = settings or get_settings()
        path = settings.institution_file
        try:
            key = None if path is None else Path(path).read_bytes()
        except OSError:
            return original(settings)
        if key not in built:
            built[key] = _with_answerer(original(settings))
        return built[key]

    bot.assistant.build_domain = build_domain
    yield
    bot.assistant.build_domain = original


def _with_answerer(domain):
    """Build ``domain``'s answer ranker now, its learned part cached in the suite's cache directory (a
    command under test may have pointed the cache at its own empty data directory: it would train it)."""
    import nlu
    from flows.answers import build_answerer

    previous = nlu.cache_dir()
    nlu.set_cache_dir(NLU_CACHE)
    try:
        build_answerer(domain)
    finally:
        nlu.set_cache_dir(previous)
    return domain


@pytest.fixture(scope="session")
def domain(_one_domain_per_institution_file):
    from bot.assistant import build_domain
    from bot.config import Settings

    return build_domain(Settings(data_dir=NLU_CACHE))


@pytest.fixture
def chat(domain):
    """A conversation with the engine alone over the shared domain (``tests.flows.test_engine.Chat``)."""
    from flows.engine import Engine
    from tests.flows.test_engine import Chat

    return Chat(Engine(domain))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory that every ``GILJABI_*`` reader in this test sees."""
    from bot.config import get_settings

    monkeypatch.setenv("GILJABI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GILJABI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def make_assistant(tmp_path: Path, domain) -> Iterator[Callable[..., object]]:
    """Build Assistants over one SQLite file (migrated, see tests/databases.py); building a second one is
    a process restart."""
    from bot.assistant import Assistant
    from bot.store import Store

    stores: list[Store] = []
    url = sqlite_db_url(tmp_path / "giljabi.sqlite3")

    def make(url: str = url, parser=None) -> Assistant:
        store = Store(url)
        stores.append(store)
        return Assistant(store, domain, parser)

    yield make
    for store in stores:
        store.close()


@pytest.fixture(scope="session", autouse=True)
def _postgres_schemas() -> Iterator[None]:
    yield
    close_postgres_schemas()


#: Tests run together on one pytest-xdist worker, one after another (``-n 2 --dist loadgroup`` in
#: pyproject's addopts), by node id prefix. "timing": the tests that assert on real time ("503 within
#: 2 s", "answers within 4.5 s", "busy at once", the load and process tests), so that no two of them
#: compete for the machine while the other worker runs the rest. The others share a module fixture.
XDIST_GROUPS = {
    "timing": (
        "tests/bot/test_console_http.py::test_a_student_message_reaches_a_live_console_within_two_seconds",
        "tests/bot/test_outbox_dispatch.py::test_a_row_due_now_is_sent_at_once_by_the_serving_process",
        "tests/bot/test_outbox_processes.py::",
        "tests/bot/test_server.py::",
        "tests/bot/test_watchdog.py::",
        "tests/chaos/test_database_outage.py::",
        "tests/chaos/test_hostile_inputs.py::",
        "tests/chaos/test_kill9.py::",
        "tests/chaos/test_load.py::",
        "tests/chaos/test_telegram_outbox.py::",
        "tests/knowledge/test_occupations_search.py::test_larger_synthetic_catalogue_keeps_working",
    ),
    "flows-imports": ("tests/flows/test_structure.py::test_each_flows_module_imports_alone",),
    # one browser and one server for the module, and its second test reads what the first one made
    "console-browser": ("tests/bot/test_console_browser.py::",),
}


#: The work that starts first (measured with ``--durations``): a long unit that starts last holds the
#: whole run up after everything else is done. The "timing" group (one worker by design) starts at once
#: on one worker: its process tests first (CPU-heavy), then chaos tests that mostly wait. The other worker
#: gets through the CPU-bound flows import check and the browser tests, then runs the cohort (one test,
#: ~60,000 PostgreSQL round trips) beside the timing group's waiting part: beside CPU-bound work each
#: round trip waits for a core, and the cohort took 55-90 s instead of 25-30 s. The many short tests fill
#: in around them. Entries are XDIST_GROUPS names or node id prefixes; the rest keep their collection order.
FIRST = (
    "timing",
    "flows-imports",
    "console-browser",
    "tests/reminders/test_cohort.py::",
    "tests/answers/test_heldout.py::",
    "tests/answers/test_learned.py::",
    "tests/nlu/test_cli_and_cache.py::",
    "tests/bot/test_cli.py::",
    "tests/bot/test_telegram.py::test_any_replies_render_within_telegram_limits",
    "tests/bot/test_kakao.py::test_any_replies_render_within_kakao_limits",
    "tests/chaos/test_masking_everywhere.py::",
    "tests/flows/test_engine_robustness.py::",
)


def _group(nodeid: str) -> str | None:
    for name, prefixes in XDIST_GROUPS.items():
        if nodeid.startswith(prefixes):
            return name
    return None


def _rank(nodeid: str) -> int:
    group = _group(nodeid)
    for rank, entry in enumerate(FIRST):
        if entry == group or (entry not in XDIST_GROUPS and nodeid.startswith(entry)):
            return rank
    return len(FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` grouping by XDIST_GROUPS, the units handed out in collection order (FIRST
    first, see pytest_collection_modifyitems), not largest group first. (pytest-xdist's own
    ``xdist_group`` mark renames node ids through ``item._nodeid``, which pytest 9.2 no longer reads:
    the mark alone groups nothing.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Groups(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid) or super()._split_scope(nodeid)

        def schedule(self) -> None:
            first = self.collection is None
            self.config.option.loadscopereorder = False  # the collection's order is the plan
            super().schedule()
            if first:
                # A worker runs a test only once it knows the next one (for teardown): one that got a
                # single-test unit (the cohort) takes the next unit now, not after it is done.
                for node in self.nodes:
                    if self.workqueue:
                        self._reschedule(node)

    return Groups(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long runs start first (FIRST, in its order; then the tests marked ``slow``): with ``-n``
    (pytest-xdist) the other worker meanwhile gets through the many short tests, instead of one long
    run starting last and holding the whole suite up after everything else is done. Otherwise the
    order is unchanged (a group's tests stay together: they run on one worker anyway)."""
    items.sort(key=lambda item: (_rank(item.nodeid), item.get_closest_marker("slow") is None))
