"""Shared fixtures: one trained model per test session, cached in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlu

TEST_DATA = Path(__file__).resolve().parent / "data" / "test_nlu.yml"


@pytest.fixture(scope="session", autouse=True)
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """Train once into a temporary cache dir; every test of the session reuses that model."""
    path = tmp_path_factory.mktemp("giljabi-nlu-cache")
    nlu.set_cache_dir(path)
    nlu.train()
    yield path
    nlu.set_cache_dir(None)


@pytest.fixture
def app_data_dir(nlu_cache_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Make ``bot.config.get_settings().data_dir`` the session cache dir (used by the CLI)."""
    from bot.config import get_settings

    monkeypatch.setenv("GILJABI_DATA_DIR", str(nlu_cache_dir))
    get_settings.cache_clear()
    yield nlu_cache_dir
    get_settings.cache_clear()
    nlu.set_cache_dir(nlu_cache_dir)
