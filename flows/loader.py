"""Loading flow files and checking every reference against the knowledge.

Everything a button could later point at is checked here, once, so that a conversation never meets
a dangling id at chat time.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from flows.payloads import Next, Option, StartFlow
from flows.schema import Flow, FlowFile, Menu, Stage, Step
from knowledge.loader import ContentError, Knowledge, load_knowledge, validate_file
from knowledge.retrieval import FactIndex, squash

FLOWS_DIR = Path(__file__).parent / "content"



@dataclass
class Domain:
    """Flows, menus and stages over the knowledge, with the look-ups the engine needs."""

    knowledge: Knowledge
    flows: dict[str, Flow] = field(default_factory=dict)
    menus: dict[str, Menu] = field(default_factory=dict)
    stages: dict[str, Stage] = field(default_factory=dict)
    #: fact id -> (flow id, step key) where the fact is said inside a guide
    fact_places: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: fact id -> flow id, for the facts that sum a flow up
    about_of: dict[str, str] = field(default_factory=dict)
    #: fact id -> the slot values its step is said for (``if:``): what a fact applies to
    fact_when: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: (squashed option label, slot, value) for ``cases_named``, made on first use
    _cues: list[tuple[str, str, str]] | None = field(default=None, repr=False)

    @cached_property
    def index(self) -> FactIndex:
        """Nearest phrasing over every fact, built on first use: the answers rank with their own
        indexes, so a process that never searches this way (a worker, ``giljabi say``) skips its cost."""
        return FactIndex(self.knowledge.facts.values())

    def step(self, flow_id: str, key: str) -> Step | None:
        flow = self.flows.get(flow_id)
        if flow is None:
            return None
        return next((s for s in flow.steps if s.key == key), None)

    def flow_for_intent(self, intent: str) -> Flow | None:
        return next((f for f in self.flows.values() if f.intent == intent), None)

    def flow_of_fact(self, fact_id: str) -> str | None:
        if fact_id in self.about_of:
            return self.about_of[fact_id]
        place = self.fact_places.get(fact_id)
        return place[0] if place else None

    def following_fact(self, fact_id: str, slots: Mapping[str, str] | None = None) -> str | None:
        """The fact of the step after the one that says ``fact_id`` (the first step after a guide's
        summary; the next guide's first after a guide's last), unless the step asks and branches and
        ``slots`` does not answer it. The other branches of a choice are not "after" one of them
        (운전면허증 after 주민등록증), nor a step for another case than ``slots`` says."""
        slots = slots or {}
        if fact_id in self.about_of:
            return self._first_from(self.flows[self.about_of[fact_id]], 0, {}, slots)
        place = self.fact_places.get(fact_id)
        if place is None:
            return None
        flow = self.flows[place[0]]
        at = [s.key for s in flow.steps].index(place[1])
        step = flow.steps[at]
        if step.ask is not None and slots.get(step.slot_name or "") is None:
            return None
        return self._first_from(flow, at + 1, step.when, slots)

    def _first_from(self, flow: Flow, start: int, branch: Mapping[str, list[str]],
                    slots: Mapping[str, str]) -> str | None:
        """The first step from ``start`` that is neither a sibling of ``branch`` nor for another case;
        past the end, the next guide's first."""
        for step in flow.steps[start:]:
            if set(step.when) & set(branch) or any(slots.get(k, v[0]) not in v for k, v in step.when.items()):
                continue
            if step.collect and step.collect in slots:
                continue
            return step.fact_id
        following = self.flows.get(flow.then or "")
        return self._first_from(following, 0, {}, slots) if following else None

    def slot_cues(self) -> list[tuple[str, str, str]]:
        """(option label, slot, value) for every option that fills a slot steps are chosen by
        ("서비스참여형" -> support_type=service): someone who says it tells the guides their case."""
        used = {slot for when in self.fact_when.values() for slot in when}
        cues = []
        for flow in self.flows.values():
            for step in flow.steps:
                if step.ask and step.slot_name in used:
                    for value, label in (self.knowledge.facts[step.ask].options or {}).items():
                        cues.append((label, step.slot_name, value))
        return cues

    def cases_named(self, text: str) -> dict[str, str]:
        """The slots ``text`` names one option of ("서비스참여형은요?" -> support_type: service); a slot
        two of whose options are named ("자기주도형이랑 서비스참여형") is left out."""
        if self._cues is None:
            # each part of a label names its option too ("창업" for "창업·창직")
            self._cues = [(squash(word), slot, value) for label, slot, value in self.slot_cues()
                          for word in dict.fromkeys([label, *re.split(r"[·/]", label)]) if squash(word)]
        key = squash(text)
        named: dict[str, set[str]] = {}
        for label, slot, value in self._cues:
            if label in key:
                named.setdefault(slot, set()).add(value)
        return {slot: values.pop() for slot, values in named.items() if len(values) == 1}

    def stage_of_flow(self, flow_id: str) -> str | None:
        flow = self.flows.get(flow_id)
        return flow.stage if flow else None


def load_domain(
    knowledge: Knowledge | None = None,
    flows_dir: Path | None = None,
    required_texts: Iterable[str] = (),
    lenient: bool = False,
) -> Domain:
    """Load every flow file and validate it against ``knowledge``; raise ``ContentError``.

    ``lenient`` only reports references to flows, stages and menus that do not exist yet (for
    authors writing several files at once) as warnings.
    """
    knowledge = knowledge or load_knowledge()
    domain = Domain(knowledge=knowledge)
    origin: dict[str, Path] = {}
    for path in sorted((flows_dir or FLOWS_DIR).rglob("*.yml")):
        parsed = validate_file(path, FlowFile)
        for kind, items in (("flows", parsed.flows), ("menus", parsed.menus), ("stages", parsed.stages)):
            registry = getattr(domain, kind)
            for index, item in enumerate(items):
                if item.id in registry:
                    raise ContentError(path, f"{kind}[{index}].id", f"'{item.id}' is defined twice")
                registry[item.id] = item
                origin[f"{kind}:{item.id}"] = path
    _check(domain, origin, required_texts, lenient)
    return domain


def _check(domain: Domain, origin: dict[str, Path], required_texts: Iterable[str], lenient: bool) -> None:
    """Collect every broken reference; raise the first (in lenient mode, only dangling flows warn)."""
    k = domain.knowledge
    problems: list[ContentError] = []

    def fail(path: Path | str, where: str, problem: str) -> None:
        problems.append(ContentError(path, where, problem))

    def has_fact(path: Path, where: str, fact_id: str) -> bool:
        if fact_id not in k.facts:
            fail(path, where, f"no fact '{fact_id}' in knowledge/content")
        return fact_id in k.facts

    def has_text(path: Path, where: str, text_id: str) -> None:
        if text_id not in k.texts:
            fail(path, where, f"no text '{text_id}' in knowledge/content")

    def has(path: Path, where: str, kind: str, ident: str | None) -> None:
        if ident is not None and ident not in getattr(domain, kind + "s"):
            fail(path, where, f"no {kind} '{ident}'")

    primary: dict[str, str] = {}
    for flow in domain.flows.values():
        path = origin[f"flows:{flow.id}"]
        if has_fact(path, f"flows({flow.id}).about", flow.about):
            if k.facts[flow.about].title is None:
                fail(path, f"flows({flow.id}).about", f"fact '{flow.about}' needs a title")
            domain.about_of.setdefault(flow.about, flow.id)
        if flow.intent:
            if flow.intent in primary:
                fail(path, f"flows({flow.id}).intent", f"'{flow.intent}' already starts '{primary[flow.intent]}'")
            primary[flow.intent] = flow.id
        has(path, f"flows({flow.id}).then", "flow", flow.then)
        for detail in flow.details:
            has(path, f"flows({flow.id}).details", "flow", detail)
        has(path, f"flows({flow.id}).stage", "stage", flow.stage)
        keys = [s.key for s in flow.steps]
        for i, step in enumerate(flow.steps):
            where = f"flows({flow.id}).steps[{i}]"
            if keys.count(step.key) > 1:
                fail(path, where, f"step id '{step.key}' is used twice; give one an `id`")
            if not has_fact(path, where, step.fact_id):
                continue
            domain.fact_places.setdefault(step.fact_id, (flow.id, step.key))
            if step.when:
                domain.fact_when.setdefault(step.fact_id, {k: list(v) for k, v in step.when.items()})
            has(path, f"{where}.done", "stage", step.done)
            try:  # the step's own buttons (다음, 이전, "start here") must make valid payloads
                Next(flow.id, step.key).encode()
                StartFlow(flow.id, step.key).encode()
            except ValueError as exc:
                fail(path, where, f"ids make no valid payload: {exc}")
            if step.ask is None:
                continue
            options = k.facts[step.ask].options
            if not options:
                fail(path, where, f"fact '{step.ask}' is asked but has no `options`")
                continue
            for option, target in step.next.items():
                if option not in options:
                    fail(path, f"{where}.next.{option}", f"fact '{step.ask}' has no such option")
                if target.step and target.step not in keys:
                    fail(path, f"{where}.next.{option}.step", f"no step '{target.step}'")
                has(path, f"{where}.next.{option}.flow", "flow", target.flow)
                has(path, f"{where}.next.{option}.done", "stage", target.done)
            for option in options:
                try:
                    Option(flow.id, step.key, option).encode()
                except ValueError as exc:  # over the 64-byte limit, or an id with ':' in it
                    fail(path, where, f"option '{option}' makes no valid payload: {exc}")
    for stage in domain.stages.values():
        path = origin[f"stages:{stage.id}"]
        has_text(path, f"stages({stage.id}).label", stage.label)
        has(path, f"stages({stage.id}).flow", "flow", stage.flow)
    for menu in domain.menus.values():
        path = origin[f"menus:{menu.id}"]
        has_text(path, f"menus({menu.id}).title", menu.title)
        for i, item in enumerate(menu.items):
            where = f"menus({menu.id}).items[{i}]"
            has(path, where, "flow", item.flow)
            has(path, where, "menu", item.menu)
            if item.label:
                has_text(path, f"{where}.label", item.label)
    missing = sorted(set(required_texts) - set(k.texts))
    if missing:
        fail("knowledge/content", "texts", f"the engine needs texts that are not defined: {', '.join(missing)}")
    for problem in problems:
        if lenient and problem.problem.startswith(("no flow", "no stage", "no menu")):
            warnings.warn(str(problem), stacklevel=2)
        else:
            raise problem
