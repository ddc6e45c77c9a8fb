"""Reader for Rasa 3.x NLU training data (YAML), so the data stays portable to Rasa.

Only the parts this package uses are read: ``intent`` examples (with ``[text](entity)`` and
``[text]{"entity": ..., "value": ...}`` annotations), ``synonym``, ``lookup`` and ``regex`` blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]\n]+)\]"
    r"(?:\((?P<entity>[^)\n]+)\)|(?P<json>\{[^}\n]+\}))"
)

try:  # the C loader is several times faster; fall back when libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[dict, ...] = ()


@dataclass(slots=True)
class NluData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # surface form -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, other: NluData) -> None:
        self.examples.extend(other.examples)
        self.synonyms.update(other.synonyms)
        for name, items in other.lookups.items():
            self.lookups.setdefault(name, []).extend(items)
        for name, items in other.regexes.items():
            self.regexes.setdefault(name, []).extend(items)

    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})


def parse_annotated(line: str) -> tuple[str, tuple[dict, ...]]:
    """Strip Rasa entity markup from one example, returning the plain text and its entities."""
    parts: list[str] = []
    entities: list[dict] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(line):
        before = line[pos : m.start()]
        parts.append(before)
        length += len(before)
        surface = m.group("text")
        if m.group("json"):
            try:
                meta = json.loads(m.group("json"))
            except ValueError:
                meta = {}
            entity = str(meta.get("entity", ""))
            value = str(meta.get("value", surface))
        else:
            entity, _, value = m.group("entity").partition(":")
            value = value or surface
        entities.append({"entity": entity, "value": value, "start": length, "end": length + len(surface)})
        parts.append(surface)
        length += len(surface)
        pos = m.end()
    parts.append(line[pos:])
    return "".join(parts), tuple(entities)


def _example_lines(block: object) -> list[str]:
    if isinstance(block, list):  # Rasa also accepts a list of {text: ...}
        lines = [str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in block]
    else:
        lines = []
        for raw in str(block or "").splitlines():
            raw = raw.strip()
            if raw.startswith("- "):
                lines.append(raw[2:].strip())
            elif raw == "-":
                continue
    return [line for line in lines if line]


def parse_document(doc: object, source: str = "<string>") -> NluData:
    """Read one parsed YAML document in Rasa NLU format."""
    data = NluData()
    items = doc.get("nlu", []) if isinstance(doc, dict) else []
    if not isinstance(items, list):
        raise ValueError(f"{source}: 'nlu' must be a list")
    for item in items:
        if not isinstance(item, dict):
            raise ValueError(f"{source}: every 'nlu' item must be a mapping, got {item!r}")
        lines = _example_lines(item.get("examples"))
        if "intent" in item:
            intent = str(item["intent"])
            for line in lines:
                text, entities = parse_annotated(line)
                data.examples.append(Example(text=text, intent=intent, entities=entities))
                for ent in entities:
                    surface = text[ent["start"] : ent["end"]]
                    if ent["value"] != surface:
                        data.synonyms[surface.lower()] = ent["value"]
        elif "synonym" in item:
            canonical = str(item["synonym"])
            for line in lines:
                data.synonyms[line.lower()] = canonical
        elif "lookup" in item:
            data.lookups.setdefault(str(item["lookup"]), []).extend(lines)
        elif "regex" in item:
            data.regexes.setdefault(str(item["regex"]), []).extend(lines)
        else:
            raise ValueError(f"{source}: unknown nlu item keys {sorted(item)}")
    return data


def load_file(path: str | Path) -> NluData:
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=_Loader)
    return parse_document(doc, str(path))


def load_files(paths: Iterable[str | Path]) -> NluData:
    data = NluData()
    for path in paths:
        data.merge(load_file(path))
    return data
