"""``parse``: one message -> Rasa ``/model/parse`` dict. Loads (or trains) the model on first use."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date
from pathlib import Path

from nlu import cache
from nlu.config import FALLBACK_INTENT, FALLBACK_THRESHOLD, RANKING_SIZE
from nlu.model import CompiledModel

log = logging.getLogger(__name__)

_lock = threading.Lock()
_model: CompiledModel | None = None


def _train_and_cache(fp: str) -> tuple[CompiledModel, Path | None]:
    from nlu.training import train_model

    model, _ = train_model()
    model.fingerprint = fp
    try:
        path = cache.save(model, fp)
    except OSError as exc:  # a read-only data dir must not stop the bot
        log.warning("could not cache the NLU model: %s", exc)
        path = None
    return model, path


def get_model() -> CompiledModel:
    """The current model: in memory, else from the cache, else freshly trained (and cached)."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            fp = cache.fingerprint()
            model = cache.load(fp)
            if not isinstance(model, CompiledModel):
                started = time.perf_counter()
                model, path = _train_and_cache(fp)
                log.info("trained NLU model in %.1fs (%s)", time.perf_counter() - started, path)
            _model = model
    return _model


def train(force: bool = False) -> Path | None:
    """Make sure a current model is cached; with ``force`` retrain even if one is. Returns its path."""
    global _model
    fp = cache.fingerprint()
    with _lock:
        if not force:
            model = cache.load(fp)
            if isinstance(model, CompiledModel):
                _model = model
                return cache.model_path(fp)
        model, path = _train_and_cache(fp)
        _model = model
        return path


def reset() -> None:
    """Forget the in-memory model (used after ``set_cache_dir``)."""
    global _model
    with _lock:
        _model = None


def _result(text: str, name: str, confidence: float, entities: list[dict], ranking: list[dict]) -> dict:
    return {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "entities": entities,
        "intent_ranking": ranking,
    }


def parse(text: str, *, today: date | None = None) -> dict:
    """Intent, confidence, entities and ranking of one message; never raises on ``str`` input.

    ``today`` fixes the reference date of relative dates ("내일") for tests; default is now.
    """
    from nlu import analysis, entities

    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        model = get_model()
    except Exception:  # training data broken or unreadable: answer fallback rather than crash
        log.exception("NLU model unavailable")
        return _result(text, FALLBACK_INTENT, 0.0, [], [])
    try:
        a = analysis.analyze(text, today)
        probs = model.predict_proba(a.features)
        order = probs.argsort()[::-1][:RANKING_SIZE]
        ranking = [{"name": model.classes[i], "confidence": round(float(probs[i]), 6)} for i in order]
        top = ranking[0]
        meaningful = any(ch.isalnum() for ch in a.norm.text)  # punctuation-only or empty: nothing to classify
        name = top["name"] if meaningful and top["confidence"] >= FALLBACK_THRESHOLD else FALLBACK_INTENT
        ents = entities.build(text, a, top["name"])
        return _result(text, name, top["confidence"], ents, ranking)
    except Exception:
        log.exception("NLU parse failed for a message of %d characters", len(text))
        return _result(text, FALLBACK_INTENT, 0.0, [], [])
