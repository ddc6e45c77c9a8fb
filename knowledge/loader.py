"""Loading and validating the content files.

A bad file must stop the program at start-up with its path and the failing field, never surface as
a confused answer in the middle of somebody's conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.particles import render
from knowledge.schema import ContentFile, Fact, Institution

CONTENT_DIR = Path(__file__).parent / "content"
#: Sub-folders with content of another shape, loaded by their own modules.
_OTHER_SHAPES = {"occupations", "answering"}
#: Single files of another shape (the reminder rules, loaded by knowledge/reminders.py; the console's
#: default canned replies, read by bot/console/canned.py).
_OTHER_FILES = {"reminders.yml", "console_canned.yml"}
_EXAMPLES_SUFFIX = ".example.yml"
M = TypeVar("M", bound=BaseModel)


class ContentError(ValueError):
    """A content file that cannot be used; the message names the file and the field."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path, self.where, self.problem = str(path), where, problem
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")


#: libyaml's parser when PyYAML was built with it: about ten times faster than the pure-Python one,
#: and every process (server, worker, each CLI command) reads all content at start-up
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 booleans: only true/false, so option ids like ``yes``/``no`` stay text."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ContentError(path, "", f"not valid YAML ({exc})") from exc
    except OSError as exc:
        raise ContentError(path, "", f"cannot be read ({exc.strerror})") from exc


def validate_file(path: Path, model: type[M], data: Any = None) -> M:
    """Validate one YAML document, turning pydantic's error into ``path: field: problem``."""
    data = read_yaml(path) if data is None else data
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _dotted(err["loc"], data)
        raise ContentError(path, where, err["msg"]) from exc


def _dotted(loc: Iterable[Any], data: Any) -> str:
    """``facts[3].options`` — with the fact's id when there is one, which is easier to find."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            ident = node[part].get("id") if isinstance(node, list) and isinstance(node[part], dict) else None
            out += f"[{part}]" + (f"(id={ident})" if ident else "")
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


@dataclass
class Knowledge:
    """Every fact and text, by id, plus the institution settings."""

    facts: dict[str, Fact] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    institution: Institution = field(default_factory=Institution)
    origin: dict[str, Path] = field(default_factory=dict)

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def text(self, text_id: str, **values: object) -> str:
        """An interface text with ``{name}`` placeholders and ``{을/를}``-style particles filled in."""
        template = self.texts[text_id]
        return render(template, values) if values else template



def content_files(content_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in content_dir.rglob("*.yml")
        if not p.name.endswith(_EXAMPLES_SUFFIX)
        and not (set(p.relative_to(content_dir).parts) & _OTHER_SHAPES)
        and p.relative_to(content_dir).as_posix() not in _OTHER_FILES
    )


def load_knowledge(content_dir: Path | None = None, institution_file: Path | None = None) -> Knowledge:
    """Load and cross-check all content; raise ``ContentError`` on the first problem."""
    content_dir = content_dir or CONTENT_DIR
    knowledge = Knowledge()
    for path in content_files(content_dir):
        parsed = validate_file(path, ContentFile)
        for index, fact in enumerate(parsed.facts):
            if fact.id in knowledge.facts:
                raise ContentError(
                    path, f"facts[{index}].id", f"'{fact.id}' is already defined in {knowledge.origin[fact.id]}"
                )
            knowledge.facts[fact.id] = fact
            knowledge.origin[fact.id] = path
        for text_id, value in parsed.texts.items():
            if text_id in knowledge.texts:
                raise ContentError(path, f"texts.{text_id}", "is already defined in another file")
            knowledge.texts[text_id] = value
        for word_id, values in parsed.words.items():
            knowledge.words.setdefault(word_id, []).extend(values)
    if institution_file is not None:
        knowledge.institution = validate_file(Path(institution_file), Institution)
    return knowledge
