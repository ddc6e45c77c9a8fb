"""Progress: the checklist of stages, and ticking or unticking a stage (effects the Assistant stores)."""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import MarkDone, MarkUndone, Payload, Progress, StartFlow
from flows.replies import Button
from flows.state import EffectKind


class ProgressPart:
    """``p``, ``d:STAGE``, ``u:STAGE``; the intents ``progress_status`` and ``step_done``."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Progress, MarkDone, MarkUndone)
    intents: ClassVar[tuple[str, ...]] = ("progress_status", "step_done")

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        match payload:
            case Progress():
                self.show(ctx)
            case MarkDone(stage):
                self.mark_done(ctx, stage)
            case MarkUndone(stage):
                self.mark_undone(ctx, stage)
            case _:
                raise LookupError(payload)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "step_done":
            self.step_done(ctx, parse)
        else:
            self.show(ctx)

    def show(self, ctx: TurnContext) -> None:
        lines = [ctx.t("progress.header")]
        grade = ctx.state.slots.get("grade")
        if grade:
            lines.append(ctx.t("progress.grade", grade=grade, track=ctx.t(f"track.{grade}")))
        for number, stage in enumerate(ctx.domain.stages, start=1):
            key = "progress.item_done" if stage in ctx.done else "progress.item_todo"
            lines.append(ctx.t(key, n=number, stage=ctx.stage_label(stage)))
        upcoming = ctx.next_stage()
        buttons: list[Button] = []
        if upcoming is None:
            lines.append(ctx.t("progress.all_done"))
        else:
            lines.append(ctx.t("progress.next", stage=ctx.stage_label(upcoming)))
            flow = ctx.domain.stages[upcoming].flow
            ctx.state.offer = flow
            buttons += [
                ctx.button("nav.start", StartFlow(flow), title=ctx.flow_title(flow)),
                ctx.button("nav.done", MarkDone(upcoming)),
            ]
        buttons.append(ctx.menu_button())
        ctx.say("\n".join(lines), buttons)

    def mark_done(self, ctx: TurnContext, stage: str) -> None:
        ctx.mark(stage)
        upcoming = ctx.next_stage()
        if upcoming is None:
            ctx.say(ctx.t("progress.all_done"), [ctx.menu_button()])
            return
        flow = ctx.domain.stages[upcoming].flow
        ctx.state.offer = flow
        ctx.say(
            ctx.t("progress.next", stage=ctx.stage_label(upcoming)),
            [ctx.button("nav.start", StartFlow(flow), title=ctx.flow_title(flow)),
             ctx.button("nav.progress", Progress())],
        )

    def mark_undone(self, ctx: TurnContext, stage: str) -> None:
        if stage not in ctx.domain.stages:
            raise LookupError(stage)
        ctx.done.discard(stage)
        ctx.effect(EffectKind.STAGE_UNDONE, stage)
        ctx.say(ctx.t("stage.marked_undone", stage=ctx.stage_label(stage)), [ctx.button("nav.progress", Progress())])

    def step_done(self, ctx: TurnContext, parse: dict[str, Any]) -> None:
        """"다 했어요": the stage named, else the guide being walked (or just left), else ask which."""
        stage = next((e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "stage"), None)
        place = ctx.state.place or ctx.state.paused
        if stage not in ctx.domain.stages and place is not None:
            stage = ctx.domain.stage_of_flow(place.flow)
        if stage in ctx.domain.stages:
            ctx.state.place = None
            self.mark_done(ctx, stage)
            return
        buttons = [Button(label=ctx.stage_label(s), payload=MarkDone(s).encode())
                   for s in ctx.domain.stages if s not in ctx.done]
        ctx.say(ctx.t("progress.pick_stage"), [*buttons, ctx.menu_button()])
