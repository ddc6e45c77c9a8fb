"""``giljabi nlu`` commands and the model cache."""

from __future__ import annotations

import io
import json
from pathlib import Path

import nlu
from bot.cli import main
from nlu import cache

TEST_DATA = Path(__file__).resolve().parent / "data" / "test_nlu.yml"


def test_cached_model_is_found_without_retraining(nlu_cache_dir: Path) -> None:
    path = cache.model_path()
    assert path.parent.parent == nlu_cache_dir and path.is_file()
    assert cache.load(cache.fingerprint()) is not None
    assert nlu.train(force=False) == path


def test_cache_dir_resolution(monkeypatch, tmp_path: Path) -> None:
    try:
        nlu.set_cache_dir(None)
        monkeypatch.setenv("GILJABI_DATA_DIR", str(tmp_path))
        assert nlu.cache_dir() == tmp_path
        monkeypatch.delenv("GILJABI_DATA_DIR")
        assert nlu.cache_dir().name == "giljabi"
        nlu.set_cache_dir(tmp_path / "x")
        assert nlu.cache_dir() == tmp_path / "x"
    finally:
        nlu.set_cache_dir(None)


def test_cli_parse(app_data_dir: Path, capsys) -> None:
    assert main(["nlu", "parse", "웤넷", "가입", "어케함"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == "웤넷 가입 어케함"
    assert out["intent"]["name"] == "worknet_signup"


def test_cli_parse_jsonl(app_data_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ㄱㅅ\n잡캐어 하는법\n\n"))
    assert main(["nlu", "parse", "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["intent"]["name"] for r in lines] == ["thanks", "jobcare_guide", "nlu_fallback"]


def test_cli_eval_with_report(app_data_dir: Path, capsys, tmp_path: Path) -> None:
    out_file = tmp_path / "report.json"
    assert main(["nlu", "eval", str(TEST_DATA), "--report", str(out_file)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy:" in printed and "macro-F1:" in printed and "p95" in printed and "confusions" in printed
    report = json.loads(out_file.read_text(encoding="utf-8"))
    assert report["accuracy"] >= 0.95
    assert {"per_intent", "confusions", "latency_ms", "macro_f1"} <= set(report)


def test_cli_eval_missing_file(app_data_dir: Path, capsys) -> None:
    assert main(["nlu", "eval", "/nonexistent/test.yml"]) == 2


def test_cli_train(app_data_dir: Path, capsys) -> None:
    assert main(["nlu", "train"]) == 0
    printed = capsys.readouterr().out
    assert "trained NLU model" in printed and str(app_data_dir) in printed
