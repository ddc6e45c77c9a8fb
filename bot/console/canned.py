"""Canned replies: a small YAML file (a list of ``{title, text}``) that an admin edits in the console."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

#: what a fresh installation offers until an admin writes its own
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "content" / "console_canned.yml"


class Canned(BaseModel):
    title: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=2000)


_LIST = TypeAdapter(list[Canned])


def parse(text: str) -> list[Canned]:
    """The replies in ``text``; raises ValueError with a readable reason."""
    try:
        data = yaml.safe_load(text) or []
        return _LIST.validate_python(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from exc


def raw(path: Path) -> str:
    return (path if path.exists() else DEFAULT_FILE).read_text(encoding="utf-8")


def load(path: Path) -> list[Canned]:
    try:
        return parse(raw(path))
    except ValueError:
        return []


def save(path: Path, text: str) -> list[Canned]:
    """Validate and write atomically (another process may be reading it)."""
    replies = parse(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".canned-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
    return replies
