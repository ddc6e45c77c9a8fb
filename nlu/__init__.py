"""Korean NLU for Giljabi: ``parse(text)`` returns Rasa's ``/model/parse`` shape.

Pipeline: normalisation (NFKC, emoji, repeated characters) -> mecab-ko morphemes, character,
keystroke-jamo and chosung-skeleton n-grams, fuzzy domain lexicon -> TF-IDF + linear SVM with
temperature-calibrated confidence -> ``nlu_fallback`` below ``FALLBACK_THRESHOLD``; entities
from the lexicon, patterns, dates/times and keyword extraction.

This module stays import-light: the model, mecab and numpy load on the first ``parse``.
It must not import ``bot``, ``flows`` or ``knowledge``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from nlu.config import FALLBACK_INTENT, FALLBACK_THRESHOLD

__all__ = [
    "FALLBACK_INTENT",
    "FALLBACK_THRESHOLD",
    "cache_dir",
    "intents",
    "parse",
    "set_cache_dir",
    "train",
]


def parse(text: str, *, today: date | None = None) -> dict:
    """Parse one message: ``{"text", "intent": {"name", "confidence"}, "entities", "intent_ranking"}``."""
    from nlu.parser import parse as _parse

    return _parse(text, today=today)


def train(force: bool = False) -> Path | None:
    """Ensure a cached model matching the current data and code exists (retrain with ``force``)."""
    from nlu.parser import train as _train

    return _train(force=force)


def set_cache_dir(path: str | os.PathLike[str] | None) -> None:
    """Directory for the model cache (the app's data dir, ``None`` for the default).

    A model already in memory stays in use: it depends only on the data and code, not on the directory.
    """
    from nlu import cache

    cache.set_cache_dir(path)


def cache_dir() -> Path:
    """The directory the model is cached in."""
    from nlu import cache

    return cache.cache_dir()


def intents() -> list[str]:
    """The intent names the current model knows (loads the model)."""
    from nlu.parser import get_model

    return list(get_model().classes)
