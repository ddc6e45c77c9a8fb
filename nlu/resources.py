"""Lazy, cached access to the lexicon data (``nlu/data/lexicon.yml``) and ``nlu/resources/*.yml``.

All Korean vocabulary the code needs lives in these YAML files, not in Python.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.config import DATA_DIR, RESOURCE_DIR

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

LEXICON_FILE = DATA_DIR / "lexicon.yml"


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@cache
def resource(name: str) -> dict[str, Any]:
    """One file of ``nlu/resources`` as a dict."""
    data = _load_yaml(RESOURCE_DIR / f"{name}.yml")
    if not isinstance(data, dict):
        raise ValueError(f"{RESOURCE_DIR / name}.yml must hold a mapping")
    return data


@lru_cache(maxsize=1)
def emoji_words() -> dict[str, str]:
    return {str(k): str(v) for k, v in (resource("normalize").get("emoji_words") or {}).items()}


@lru_cache(maxsize=1)
def lexicon():  # -> rasa_yaml.NluData (imported lazily to keep this module light)
    from nlu import rasa_yaml

    return rasa_yaml.load_file(LEXICON_FILE)
