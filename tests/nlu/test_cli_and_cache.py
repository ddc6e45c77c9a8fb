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


def test_cli_train(nlu_cache_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """``giljabi nlu train`` trains anew, even over a current cached model, and writes the model into
    the app's data directory. The training is the real one (features, cross-validated calibration, the
    linear fit) on four intents' examples: on all the data it costs ~5 s of CPU, and the suite's model
    (tests/nlu/conftest.py) is trained on all of it by the same code whenever the data or code change."""
    from bot.config import get_settings
    from nlu import parser, rasa_yaml, training

    everything = training.load_training_data()
    kept = everything.intents()[:4]
    runs: list[int] = []

    def four_intents(data_dir: Path = training.DATA_DIR) -> rasa_yaml.NluData:
        runs.append(1)
        return rasa_yaml.NluData([e for e in everything.examples if e.intent in kept], everything.synonyms,
                                 everything.lookups, everything.regexes)

    monkeypatch.setattr(training, "load_training_data", four_intents)
    monkeypatch.setattr(parser, "_model", parser.get_model())  # the suite's model is back in memory after
    app = tmp_path / "app"
    monkeypatch.setenv("GILJABI_DATA_DIR", str(app))
    get_settings.cache_clear()
    nlu.set_cache_dir(tmp_path / "elsewhere")  # not the suite's cache, whatever the command does
    try:
        assert main(["nlu", "train"]) == 0
        printed = capsys.readouterr().out
        assert "trained NLU model" in printed and str(app) in printed
        model = cache.load(cache.fingerprint())
        assert cache.model_path().parent.parent == app and model.classes == kept
        assert main(["nlu", "train"]) == 0  # a current model is cached: trained again all the same
        assert len(runs) == 2 and "trained NLU model" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
        nlu.set_cache_dir(nlu_cache_dir)
