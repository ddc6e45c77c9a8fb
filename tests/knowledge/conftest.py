"""Fixtures for the knowledge tests: the five source documents and how a fact cites them.

Used by the coverage and provenance tests. The documents live outside the repository
(``../shared/sources`` of the main checkout, or wherever ``GILJABI_SOURCES_DIR`` points); tests
that need their text skip when they are not there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest

#: A citation is "NN · section"; a fact may cite several ("02 · PART 4; 01 · 잡케어 실시하기").
CITATION = re.compile(r"(?<![\d.~-])(0[1-5])\s*·")
#: Markup left over from the documents' conversion to text (underline, highlight, bold).
_MARKUP = re.compile(r"</?(?:u|mark|b|i|p|ul|li|input)\b[^>]*>|\*\*")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "＇": "'", "“": '"', "”": '"'})


@cache
def sources_dir() -> Path | None:
    """``GILJABI_SOURCES_DIR``, else the nearest ``shared/sources`` above this file."""
    env = os.environ.get("GILJABI_SOURCES_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "sources"
        if candidate.is_dir():
            return candidate
    return None


@cache
def source_files() -> dict[str, Path]:
    """Document number ("01".."05") -> path."""
    root = sources_dir()
    if root is None:
        return {}
    return {p.name[:2]: p for p in sorted(root.glob("0[1-5]-*.txt"))}


@cache
def source_lines(number: str) -> tuple[str, ...]:
    return tuple(source_files()[number].read_text(encoding="utf-8").splitlines())


def squash(text: str) -> str:
    """Compare ignoring spacing, comma grouping, quote style, markup and case: the sources are OCR-ish."""
    text = _MARKUP.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES).lower()
    return re.sub(r"[\s,]+", "", text)


@cache
def squashed_source(number: str) -> str:
    return squash("\n".join(source_lines(number)))


def cited_numbers(citation: str | None) -> list[str]:
    """The document numbers a fact's ``source`` names, in order, without repeats."""
    return list(dict.fromkeys(CITATION.findall(citation or "")))


@pytest.fixture(scope="session")
def sources() -> SimpleNamespace:
    """The helpers above as one fixture (test modules cannot import each other in importlib mode)."""
    return SimpleNamespace(
        files=source_files, lines=source_lines, squash=squash, squashed=squashed_source, cited=cited_numbers
    )
