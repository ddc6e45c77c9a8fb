"""Korean labels and message templates, kept as data in ``labels.yml`` (no UI prose in Python)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.occupations.model import CONTENT_DIR, CatalogueError, display_path
from knowledge.particles import render

__all__ = ["Labels", "load_labels"]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{full}."))
        elif isinstance(value, str):
            out[full] = value
        else:
            raise TypeError(f"{full}: must be a string or a mapping")
    return out


class Labels(Mapping[str, str]):
    """Dotted keys (``fields.certificates``, ``report.title``) → text; ``fmt`` fills ``{placeholders}``."""

    def __init__(self, table: Mapping[str, str]):
        self._table = dict(table)

    def __getitem__(self, key: str) -> str:
        try:
            return self._table[key]
        except KeyError:
            raise KeyError(f"labels.yml has no key {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def fmt(self, key: str, **values: Any) -> str:
        return render(self[key], values)

    def field(self, name: str) -> str:
        return self[f"fields.{name}"]


@lru_cache(maxsize=4)
def load_labels(path: Path | None = None) -> Labels:
    path = Path(path) if path is not None else CONTENT_DIR / "labels.yml"
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        return Labels(_flatten(data))
    except (OSError, yaml.YAMLError, TypeError) as exc:
        raise CatalogueError([(display_path(path), "", str(exc))]) from exc
