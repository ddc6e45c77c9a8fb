"""Guides: walking a flow step by step — start, next, back, options, resume, home, stop — and the
typed words and answers that act on the step being shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rapidfuzz import fuzz

from flows.context import TurnContext
from flows.payloads import Back, Home, MarkDone, Menu, Next, Option, Payload, Progress, Resume, StartFlow, Stop
from flows.replies import Button, Reply
from flows.schema import Flow, Step, Target
from flows.state import EffectKind, Place
from knowledge.retrieval import squash
from knowledge.schema import Fact

#: Typed words that act like buttons (word lists in knowledge/content/ui.yml ``words``).
NAV_COMMANDS = ("next", "back", "home", "stop", "resume", "menu", "progress")
_YES_OPTIONS = ("yes", "y", "ok")
_NO_OPTIONS = ("no", "n")
_SIMPLE_COMMANDS: dict[str, Payload] = {"home": Home(), "stop": Stop(), "resume": Resume(), "menu": Menu(),
                                        "progress": Progress()}


# ------------------------------------------------------------------------------ walking a flow
def applies(ctx: TurnContext, step: Step) -> bool:
    slots = ctx.state.slots
    if step.collect and step.collect in slots:
        return False
    return all(slots.get(name) in values for name, values in step.when.items())


def first_applicable(ctx: TurnContext, flow: Flow, start: int) -> Step | None:
    return next((s for s in flow.steps[start:] if applies(ctx, s)), None)


def counted_steps(ctx: TurnContext, flow: Flow, place: Place) -> tuple[list[str], bool]:
    """The steps "n/total" counts (walked, current, and those that apply), and whether the total
    is known: while a branch ahead is undecided it is not, and only "n단계" is shown."""
    keys: list[str] = []
    known = True
    for step in flow.steps:
        if step.key in place.trail or step.key == place.step:
            keys.append(step.key)
        elif any(name not in ctx.state.slots for name in step.when):
            known = False
        elif applies(ctx, step):
            keys.append(step.key)
    return keys, known


def render_step(ctx: TurnContext, place: Place, prefix: str | None = None, extra: Iterable[Button] = ()) -> None:
    """The card of the step at ``place``: its fact, its options or 다음, and the way out."""
    flow = ctx.domain.flows[place.flow]
    step = ctx.domain.step(place.flow, place.step)
    assert step is not None
    fact = ctx.k.fact(step.fact_id)
    counted, known = counted_steps(ctx, flow, place)
    position = counted.index(step.key) + 1
    header = "step.header" if known else "step.header_open"
    title = ctx.t(header, title=ctx.flow_title(flow.id), n=position, total=len(counted))
    text = f"{prefix}\n\n{fact.text}" if prefix else fact.text
    buttons: list[Button] = []
    if step.ask:
        buttons += [Button(label=label, payload=Option(flow.id, step.key, option).encode())
                    for option, label in fact.options.items()]
    else:
        buttons.append(ctx.button("nav.next", Next(flow.id, step.key)))
    if fact.link:
        buttons.append(Button(label=fact.link.label, url=str(fact.link.url)))
    if place.trail:
        buttons.append(ctx.button("nav.back", Back(flow.id, step.key)))
    buttons += [ctx.button("nav.home", Home()), ctx.button("nav.stop", Stop()), *extra]
    ctx.replies.append(Reply(type="card", title=title, text=text, buttons=buttons))


def start_button(ctx: TurnContext, fact: Fact, flow_id: str) -> Button:
    """"Walk the guide" for a fact: from the start for a guide's own fact, else from the fact's step."""
    if fact.id in ctx.domain.about_of:
        return ctx.button("nav.start", StartFlow(flow_id), title=ctx.flow_title(flow_id))
    _, key = ctx.domain.fact_places[fact.id]
    return ctx.button("nav.start_here", StartFlow(flow_id, key))


def typed_option(ctx: TurnContext, step: Step, text: str, parse: dict[str, Any]) -> str | None:
    """A typed answer to a question step: the label, its number, yes/no, or a grade entity."""
    options = list(ctx.k.fact(step.fact_id).options.items())
    key = squash(text)
    chosen: str | None = None
    for option, label in options:
        if key and (key == squash(label) or key == option):
            chosen = option
    if chosen is None and step.slot_name == "grade":
        grade = next((str(e["value"]) for e in parse.get("entities") or [] if e.get("entity") == "grade"), None)
        grade = grade or (key[0] if key[:1] in {"1", "2", "3", "4"} and len(key) <= 3 else None)
        chosen = grade if grade in dict(options) else None
    if chosen is None:
        intent = (parse.get("intent") or {}).get("name")
        ids = [o for o, _ in options]
        if intent == "affirm":
            chosen = next((o for o in ids if o in _YES_OPTIONS), None)
        elif intent == "deny":
            chosen = next((o for o in ids if o in _NO_OPTIONS), None)
    if chosen is None and key and len(key) >= 2:
        score, option = max((fuzz.ratio(key, squash(label)), option) for option, label in options)
        chosen = option if score >= 85 else None
    return chosen


class Guides:
    """The guide part: payloads that move through a flow, and typed words on the step shown."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (StartFlow, Next, Back, Option, Resume, Home, Stop)
    intents: ClassVar[tuple[str, ...]] = ()

    def __init__(self, words: dict[str, list[str]]) -> None:
        self._words = {cmd: {squash(w) for w in words.get(cmd, [])} for cmd in NAV_COMMANDS}

    def command_for(self, text: str) -> str | None:
        """The navigation command a typed word means (다음, 이전, 처음으로, 그만, 계속, 메뉴)."""
        key = squash(text)
        return next((cmd for cmd, words in self._words.items() if key in words), None)

    # ---------------------------------------------------------------------------- entry points
    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        match payload:
            case StartFlow(flow, step):
                self.start(ctx, flow, step)
            case Next(flow, step):
                if not _current(ctx, flow, step):
                    ctx.stale_button(flow)
                else:
                    self.advance(ctx)
            case Back(flow, step):
                self.back(ctx, flow, step)
            case Option(flow, step, option):
                self.choose(ctx, flow, step, option)
            case Resume():
                self.resume(ctx)
            case Home() | Stop():
                if ctx.state.place is not None:
                    ctx.state.paused, ctx.state.place = ctx.state.place, None
                if isinstance(payload, Home):
                    ctx.press(Menu())
                else:
                    ctx.say(ctx.t("guide.stopped"), [ctx.button("nav.resume", Resume()), ctx.menu_button()])
            case _:
                raise LookupError(payload)

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """A typed answer to the question on screen, or a navigation word; False if neither."""
        place = ctx.state.place
        if place is not None:
            step = ctx.domain.step(place.flow, place.step)
            chosen = typed_option(ctx, step, text, parse) if step is not None and step.ask else None
            if chosen is not None:
                self.choose(ctx, place.flow, place.step, chosen)
                return True
        command = self.command_for(text)
        if command is None:
            return False
        if command in ("next", "back"):
            if place is None:
                ctx.say(ctx.t("guide.none_to_resume"), [ctx.menu_button()])
            else:
                self.on_payload(ctx, (Next if command == "next" else Back)(place.flow, place.step))
        else:
            ctx.press(_SIMPLE_COMMANDS[command])
        return True

    # -------------------------------------------------------------------------------- moves
    def start(self, ctx: TurnContext, flow_id: str, key: str | None = None) -> None:
        flow = ctx.domain.flows[flow_id]
        ctx.state.offer = None
        if key is not None:
            step = ctx.domain.step(flow_id, key)
            if step is None:
                raise LookupError(key)
        else:
            step = first_applicable(ctx, flow, 0)
        if step is None:
            self.finish(ctx, flow)
            return
        place = Place(flow=flow_id, step=step.key)
        ctx.state.place, ctx.state.paused = place, None
        render_step(ctx, place)

    def advance(self, ctx: TurnContext) -> None:
        place = ctx.state.place
        assert place is not None
        flow = ctx.domain.flows[place.flow]
        index = [s.key for s in flow.steps].index(place.step)
        step = first_applicable(ctx, flow, index + 1)
        if step is None:
            self.finish(ctx, flow)
            return
        self.go_to(ctx, step.key)

    def go_to(self, ctx: TurnContext, key: str) -> None:
        place = ctx.state.place
        assert place is not None
        ctx.state.place = Place(flow=place.flow, step=key, trail=[*place.trail, place.step][-30:])
        render_step(ctx, ctx.state.place)

    def back(self, ctx: TurnContext, flow_id: str, key: str) -> None:
        place = ctx.state.place
        if not _current(ctx, flow_id, key) or place is None:
            ctx.stale_button(flow_id)
            return
        if not place.trail:
            render_step(ctx, place, prefix=ctx.t("step.first"))
            return
        ctx.state.place = Place(flow=flow_id, step=place.trail[-1], trail=place.trail[:-1])
        render_step(ctx, ctx.state.place)

    def choose(self, ctx: TurnContext, flow_id: str, key: str, option: str) -> None:
        step = ctx.domain.step(flow_id, key)
        if step is None or option not in ctx.k.fact(step.fact_id).options:
            raise LookupError(option)
        if not _current(ctx, flow_id, key):
            ctx.stale_button(flow_id)
            return
        if step.slot_name:
            ctx.state.slots[step.slot_name] = option
        target = step.next.get(option, Target())
        mark_branch(ctx, f"{flow_id}:{key}", target.done)
        if target.flow:
            self.start(ctx, target.flow)
        elif target.step:
            self.go_to(ctx, target.step)
        elif target.end:
            self.finish(ctx, ctx.domain.flows[flow_id])
        else:
            self.advance(ctx)

    def finish(self, ctx: TurnContext, flow: Flow) -> None:
        """End of a guide: offer to tick its stage, and the guide that usually comes next."""
        ctx.state.place = None
        buttons: list[Button] = []
        lines = [ctx.t("guide.finished", title=ctx.flow_title(flow.id))]
        if flow.stage and flow.stage not in ctx.done:
            lines.append(ctx.t("guide.stage_hint", stage=ctx.stage_label(flow.stage)))
            buttons += [ctx.button("nav.done", MarkDone(flow.stage)), ctx.button("nav.later", Progress())]
        elif flow.stage:
            lines.append(ctx.t("guide.stage_already", stage=ctx.stage_label(flow.stage)))
        if flow.then:
            ctx.state.offer = flow.then
            buttons.append(ctx.button("nav.next_guide", StartFlow(flow.then), title=ctx.flow_title(flow.then)))
        buttons.append(ctx.menu_button())
        ctx.say("\n".join(lines), buttons)

    def resume(self, ctx: TurnContext) -> None:
        place = ctx.state.place or ctx.state.paused
        if place is None:
            ctx.say(ctx.t("guide.none_to_resume"), [ctx.menu_button()])
            return
        ctx.state.place, ctx.state.paused = place, None
        render_step(ctx, place)


def mark_branch(ctx: TurnContext, branch: str, stage: str | None) -> None:
    """Tick the stage an answer implies; choosing another answer at the same step (after going back)
    unticks what the earlier answer ticked, unless that answer found the stage ticked already."""
    earlier = ctx.state.marks.pop(branch, None)
    if earlier and earlier != stage and earlier in ctx.done:
        ctx.done.discard(earlier)
        ctx.effect(EffectKind.STAGE_UNDONE, earlier)
    if stage and stage not in ctx.done:
        ctx.mark(stage, quiet=True)
        ctx.state.marks[branch] = stage


def _current(ctx: TurnContext, flow_id: str, key: str) -> bool:
    place = ctx.state.place
    return place is not None and place.flow == flow_id and place.step == key
