"""What the ranker derives from the facts, kept in memory and on disk between processes.

Reading every phrasing of every fact (character n-grams, mecab morphemes, the learned ranker's
features) took seconds, and every process paid it at start-up: each ``giljabi say``, each test
that builds an Assistant over freshly loaded content. The result depends only on the facts' words,
the lexicon and this code, so it is kept under a fingerprint of those (cheap: no text is analysed
to compute it) in ``<data_dir>/answers/ranker-<fingerprint>.pkl``, next to the learned model. Any
change to the content or the code yields a new fingerprint; a stale file is never read.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from knowledge.answering import learned
from knowledge.answering.words import Words
from knowledge.retrieval import FactIndex
from knowledge.schema import Fact
from nlu.cache import read_pickle, write_pickle

#: bump when what is derived changes in a way the code files below do not show
VERSION = 3
_ROOT = Path(__file__).resolve().parent.parent
#: the code that shapes what is derived: the readers of text and the indexes
CODE = ("answering/ranker.py", "answering/words.py", "answering/learned.py", "answering/lexicon.py",
        "answering/derived.py", "retrieval.py", "occupations/text.py")


@dataclass(frozen=True, slots=True)
class Derived:
    """The nearest-phrasing indexes (characters, morphemes), each fact's morphemes, the learned model."""

    index: FactIndex
    terms: FactIndex
    fact_terms: dict[str, frozenset[str]]
    model: learned.PhrasingModel


def derive(facts: Mapping[str, Fact], words: Words,
           char_grams: Callable[[str], Counter[str]], cache_dir: Path | None) -> Derived:
    """The derived data for ``facts``: from memory, from ``cache_dir``, or computed now (and kept)."""
    key = fingerprint(facts, words)
    found = _MEMORY.get(key)
    path = cache_dir / "answers" / f"ranker-{key[:16]}.pkl" if cache_dir is not None else None
    if found is None and path is not None:
        found = _load(path, facts, words, char_grams, cache_dir)
    if found is None:
        model, model_key = learned.keyed_train(facts.values(), words.expand, words.terms, cache_dir)
        found = Derived(
            index=FactIndex(facts.values(), analyzer=char_grams),
            terms=FactIndex(facts.values(), analyzer=words.terms),
            fact_terms={fid: frozenset(words.terms(" ".join([f.title or "", f.text, *f.ask])))
                        for fid, f in facts.items()},
            model=model,
        )
        if path is not None:
            _save(path, found, model_key)
    if key not in _MEMORY and len(_MEMORY) >= 4:  # a few contents at a time (tests build small ones)
        _MEMORY.clear()
    _MEMORY[key] = found
    return found


_MEMORY: dict[str, Derived] = {}


def fingerprint(facts: Mapping[str, Fact], words: Words) -> str:
    """A hash of everything the derived data depends on: the facts' words, the lexicon, the code that
    reads them (``words``: the lexicon as read) and the versions of the libraries that shape the result."""
    h = hashlib.sha256(f"v{VERSION} py{sys.version_info[:2]} numpy{np.__version__} "
                       f"mecab{_version('python-mecab-ko')}".encode())
    for name in CODE:
        with contextlib.suppress(OSError):
            h.update(name.encode() + b"\0" + (_ROOT / name).read_bytes())
    h.update(words.signature().encode())
    for fid, fact in facts.items():
        h.update(repr((fid, fact.title, fact.text, list(fact.ask))).encode())
    return h.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _load(path: Path, facts: Mapping[str, Fact], words: Words, char_grams: Callable[[str], Counter[str]],
          cache_dir: Path | None) -> Derived | None:
    state = read_pickle(path)
    if not isinstance(state, dict):
        return None
    try:
        model = learned.cached(state["model"], cache_dir)
        if model is None:
            return None
        return Derived(
            index=FactIndex.from_state(state["index"], facts, char_grams),
            terms=FactIndex.from_state(state["terms"], facts, words.terms),
            fact_terms=state["fact_terms"],
            model=model,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _save(path: Path, derived: Derived, model_key: str) -> None:
    state = {"index": derived.index.state(), "terms": derived.terms.state(), "fact_terms": derived.fact_terms,
             "model": model_key}
    with contextlib.suppress(OSError):  # a read-only or full disk only loses the cache
        write_pickle(path, state, stale="ranker-*.pkl")
