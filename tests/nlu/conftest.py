"""Shared fixtures: the suite's one trained model, cached between runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlu

TEST_DATA = Path(__file__).resolve().parent / "data" / "test_nlu.yml"


@pytest.fixture(scope="session", autouse=True)
def nlu_cache_dir():
    """The one model of the whole suite (tests/conftest.py's cache, keyed by data and code): trained
    only when the data or code changed since the last run; every test reuses it."""
    from tests.conftest import NLU_CACHE

    nlu.set_cache_dir(NLU_CACHE)
    nlu.train()
    yield NLU_CACHE
    nlu.set_cache_dir(NLU_CACHE)


@pytest.fixture
def app_data_dir(nlu_cache_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Make ``bot.config.get_settings().data_dir`` the session cache dir (used by the CLI)."""
    from bot.config import get_settings

    monkeypatch.setenv("GILJABI_DATA_DIR", str(nlu_cache_dir))
    get_settings.cache_clear()
    yield nlu_cache_dir
    get_settings.cache_clear()
    nlu.set_cache_dir(nlu_cache_dir)
