"""Progress: the checklist of stages, and ticking or unticking a stage (effects the Assistant stores);
progress said in words ("워크넷이랑 잡케어는 다 했어요") is confirmed, then every stage named is ticked."""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import MarkDone, MarkUndone, Payload, Progress, StartFlow
from flows.replies import Button
from flows.state import EffectKind
from knowledge.answering import load_lexicon
from knowledge.answering.progress_words import PartsDone, parts_said_done, stages_said_done

#: Texts this part uses besides the engine's; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = ("answer.progress.confirm", "answer.progress.marked", "answer.progress.btn_yes",
                  "answer.progress.parts")
#: prefix of ``state.confirm`` while stages said done in words wait for a yes
AWAITING_STAGES = "stages:"
#: joins the stage ids of one ``d:`` payload when several were said done at once
STAGE_SEP = "+"
#: slot prefix (+ stage id) keeping the parts of a stage said done so far, "|"-joined as shown
PARTS_SLOT = "parts_done."


class ProgressPart:
    """``p``, ``d:STAGE``, ``u:STAGE``; the intents ``progress_status`` and ``step_done``."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Progress, MarkDone, MarkUndone)
    intents: ClassVar[tuple[str, ...]] = ("progress_status", "step_done")

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        match payload:
            case Progress():
                self.show(ctx)
            case MarkDone(stage) if STAGE_SEP in stage:  # several stages said done in words, confirmed
                self.mark_stages(ctx, [s for s in stage.split(STAGE_SEP) if s])
            case MarkDone(stage):
                self.mark_done(ctx, stage)
            case MarkUndone(stage):
                self.mark_undone(ctx, stage)
            case _:
                raise LookupError(payload)

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """"워크넷이랑 잡케어는 다 했어요": ask to confirm, then tick each stage named. One stage the NLU
        also heard as "done" is ticked at once, as its button would."""
        intent = (parse.get("intent") or {}).get("name")
        if any(e.get("entity") in ("date", "time") for e in parse.get("entities") or []):
            return False  # "…다음주 화요일 3시로 예약했어요" tells an appointment: the reminders' business
        stages = [s for s in stages_said_done(text, load_lexicon()) if s in ctx.domain.stages]
        partial = [p for p in parts_said_done(text, load_lexicon()) if p.stage in ctx.domain.stages]
        if partial and not stages:
            self.parts_done(ctx, partial[0])
            return True
        if not stages or (len(stages) == 1 and intent == "step_done"):
            return False
        todo = [s for s in stages if s not in ctx.done] or stages
        ctx.state.confirm = AWAITING_STAGES + STAGE_SEP.join(todo)
        ctx.say(ctx.t("answer.progress.confirm", stages=self.stage_list(ctx, todo)),
                [ctx.button("answer.progress.btn_yes", MarkDone(STAGE_SEP.join(todo))),
                 ctx.button("nav.later", Progress())])
        return True

    def intercept(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> bool:
        """A typed yes or no to stages waiting for confirmation."""
        awaiting = ctx.awaiting or ""
        if not awaiting.startswith(AWAITING_STAGES) or intent not in ("affirm", "deny"):
            return False
        if intent == "affirm":
            self.mark_stages(ctx, awaiting.removeprefix(AWAITING_STAGES).split(STAGE_SEP))
        else:
            ctx.say(ctx.t("deny.ok"), ctx.where_am_i_buttons())
        return True

    def parts_done(self, ctx: TurnContext, said: PartsDone) -> None:
        """One of the three tests done: remembered, and the stage ticked once every part is."""
        if said.stage in ctx.done:
            self.show(ctx)
            return
        slot = PARTS_SLOT + said.stage
        done = set(said.done) | set(filter(None, ctx.state.slots.get(slot, "").split("|")))
        order = dict(load_lexicon().part_labels)[said.stage]
        left = [label for label in order if label not in done]
        if not left:
            ctx.state.slots.pop(slot, None)
            self.mark_done(ctx, said.stage)
            return
        ctx.state.slots[slot] = "|".join(label for label in order if label in done)
        ctx.say(ctx.t("answer.progress.parts", done=", ".join(said.done), left=", ".join(left),
                      stage=ctx.stage_label(said.stage)),
                [ctx.button("nav.done", MarkDone(said.stage)), ctx.button("nav.progress", Progress())])

    def stage_list(self, ctx: TurnContext, stages: list[str]) -> str:
        return ", ".join(f"'{ctx.stage_label(s)}'" for s in stages)

    def mark_stages(self, ctx: TurnContext, stages: list[str]) -> None:
        if not stages or any(s not in ctx.domain.stages for s in stages):
            raise LookupError(stages)
        for stage in stages:
            ctx.mark(stage, quiet=True)
        ctx.say(ctx.t("answer.progress.marked", stages=self.stage_list(ctx, stages)))
        self.show(ctx)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "step_done":
            self.step_done(ctx, text, parse)
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
        ctx.state.slots.pop(PARTS_SLOT + stage, None)
        ctx.effect(EffectKind.STAGE_UNDONE, stage)
        ctx.say(ctx.t("stage.marked_undone", stage=ctx.stage_label(stage)), [ctx.button("nav.progress", Progress())])

    def step_done(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> None:
        """"다 했어요": the stage named, else the guide being walked (or just left), else ask which.
        One test of the three named is that test, not the stage."""
        partial = [p for p in parts_said_done(text, load_lexicon()) if p.stage in ctx.domain.stages]
        if partial and not stages_said_done(text, load_lexicon()):
            self.parts_done(ctx, partial[0])
            return
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
