"""Regex entities from the Rasa ``regex`` blocks of the lexicon (``grade``, ``age``).

A pattern's named group ``value`` is the entity value ("52살" -> "52", "3학년" -> "3"); without it
the whole match is used.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu import resources
from nlu.lexicon import Hit

_ENTITIES = ("grade", "age")


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    regexes = resources.lexicon().regexes
    return tuple((name, re.compile(p)) for name in _ENTITIES for p in regexes.get(name, []))


def match(norm: str) -> list[Hit]:
    """Regex entity hits in normalised text."""
    hits: list[Hit] = []
    for name, pattern in _compiled():
        for m in pattern.finditer(norm):
            value = m.groupdict().get("value") or m.group(0)
            hits.append(Hit(name, value.strip(), m.start(), m.end()))
    return hits
