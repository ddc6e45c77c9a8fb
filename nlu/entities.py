"""Assemble the Rasa-shaped entity list from one ``Analysis``.

Lexicon and pattern entities (service, assessment, stage, grade, age, date, time) are reported for
every intent. Free-text entities (keyword, occupation) only make sense in a job-search question, so
they are reported only when the top intent is one of ``FREE_TEXT_INTENTS``; elsewhere "컨설턴트" or
"상담사" would be noise.
"""

from __future__ import annotations

from functools import lru_cache

from nlu import keywords, resources
from nlu.analysis import Analysis

FREE_TEXT_INTENTS = frozenset({"job_search", "profile_recommend", "occupation_compare"})
KEYWORD_INTENTS = frozenset({"job_search", "profile_recommend"})
_SPAN_BLOCKING = frozenset({"service", "assessment", "stage", "grade", "age"})


@lru_cache(maxsize=1)
def _stage_rules() -> tuple[dict, dict, dict]:
    res = resources.resource("entities")
    strong = res.get("stage_from_entity") or {}
    weak = res.get("stage_weak") or {}
    weak_surface = {"".join(str(k).lower().split()): str(v) for k, v in (weak.get("surface") or {}).items()}
    weak_entity = {k: v for k, v in weak.items() if k != "surface"}
    return strong, weak_entity, weak_surface


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _stages(a: Analysis) -> list[tuple[str, int, int]]:
    """Stage mentions as (value, start, end) in normalised text: explicit phrases first, then
    mentions that imply a stage, then weak hints if nothing else named one."""
    strong, weak_entity, weak_surface = _stage_rules()
    explicit = [(h.value, h.start, h.end) for h in a.hits if h.entity == "stage"]
    out = list(explicit)
    for h in a.hits:
        stage = (strong.get(h.entity) or {}).get(h.value)
        if stage and not any(_overlaps((h.start, h.end), (s, e)) for _, s, e in explicit):
            out.append((stage, h.start, h.end))
    if not out:
        for h in a.hits:
            stage = (weak_entity.get(h.entity) or {}).get(h.value)
            if stage:
                out.append((stage, h.start, h.end))
    if not out:
        text = a.norm.text
        for surface, stage in weak_surface.items():
            pos = text.find(surface)
            if pos >= 0:
                out.append((stage, pos, pos + len(surface)))
    seen: set[str] = set()
    unique = []
    for value, s, e in sorted(out, key=lambda x: x[1]):
        if value not in seen:
            seen.add(value)
            unique.append((value, s, e))
    return unique


def build(original: str, a: Analysis, intent: str) -> list[dict]:
    """Entities with offsets into ``original`` (the text the user sent)."""
    norm = a.norm
    found: list[tuple[int, int, dict]] = []

    def add(entity: str, value: str, start: int, end: int, **extra: str) -> None:
        s, e = norm.original_span(start, end)
        found.append((s, e, {"entity": entity, "value": value, "start": s, "end": e, **extra}))

    taken: dict[str, list[tuple[int, int]]] = {}
    for h in a.hits:
        if h.entity == "stage" or (h.entity == "occupation" and intent not in FREE_TEXT_INTENTS):
            continue
        spans = taken.setdefault(h.entity, [])
        if any(_overlaps((h.start, h.end), sp) for sp in spans):
            continue
        spans.append((h.start, h.end))
        value = original[slice(*norm.original_span(h.start, h.end))] if h.entity == "occupation" else h.value
        add(h.entity, value, h.start, h.end)
    for value, s, e in _stages(a):
        add("stage", value, s, e)
    for d in a.datetimes:
        s, e = norm.original_span(d.start, d.end)
        found.append(
            (s, e, {"entity": d.entity, "value": original[s:e], "start": s, "end": e, "normalized": d.normalized})
        )

    if intent in FREE_TEXT_INTENTS:
        blocked = [(h.start, h.end) for h in a.hits if h.entity in _SPAN_BLOCKING]
        blocked += [(d.start, d.end) for d in a.datetimes]
        occupations = taken.get("occupation", [])
        for start, end in keywords.keyword_spans(norm.text, a.tokens, blocked):
            surface = norm.text[start:end]
            s, e = norm.original_span(start, end)
            value = original[s:e].strip() or surface
            if intent in KEYWORD_INTENTS:
                found.append((s, e, {"entity": "keyword", "value": value, "start": s, "end": e}))
            if keywords.is_occupation(surface) and not any(_overlaps((start, end), o) for o in occupations):
                occupations.append((start, end))
                found.append((s, e, {"entity": "occupation", "value": value, "start": s, "end": e}))
    found.sort(key=lambda item: (item[0], item[1], item[2]["entity"]))
    return [item[2] for item in found]
