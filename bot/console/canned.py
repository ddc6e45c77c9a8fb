"""Canned replies: a small YAML file (a list of ``{title, text}``) that an admin edits in the console."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

#: what a fresh installation offers until an admin writes its own
DEFAULT = """\
- title: 인사
  text: 안녕하세요, 상담사입니다. 무엇을 도와드릴까요?
- title: 확인 후 답변
  text: 확인해 보고 곧 다시 답해 드릴게요. 잠시만 기다려 주세요.
- title: 예약 안내
  text: 자세한 상담이 필요하면 센터에 방문 상담을 예약해 주세요.
"""


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
    return path.read_text(encoding="utf-8") if path.exists() else DEFAULT


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
