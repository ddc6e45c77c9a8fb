"""After a job (source 04, 취업자 사후관리): "취업했어요" records the day, and the monthly check-in answers.

The check-ins themselves are reminders the Assistant plans from the recorded day; this part only
records the news and takes the answers (잘 다니고 있어요 / 고민이 있어요 / 그만 받을래요), which the
Assistant stores for the centre's statistics.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from flows.appointments import says
from flows.context import TurnContext
from flows.payloads import Action, CheckinAnswer, Handoff, Payload
from flows.reminder_times import say_day
from flows.state import EffectKind
from knowledge.answering import load_lexicon
from knowledge.answering.lexicon import asks
from nlu.when import resolve

ANSWERS = ("ok", "worry", "stop")


class Aftercare:
    """``k:N:ANSWER`` payloads and the typed news of a job."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (CheckinAnswer,)
    intents: ClassVar[tuple[str, ...]] = ()

    def __init__(self, zone: ZoneInfo, months: int) -> None:
        self.zone, self.months = zone, months

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        if not says(ctx, text, "employed") or asks(text, load_lexicon()):
            return False  # "재취업 성공률이 절반도 안 된다는 게 사실이에요?" asks; it brings no news
        try:
            ctx.now  # noqa: B018 - a turn stepped without a clock cannot date the news
        except RuntimeError:
            return False
        today = ctx.now.astimezone(self.zone).date()
        told = resolve(text, ctx.now.astimezone(self.zone)).day
        self.employed(ctx, told if told is not None and told <= today else today)
        return True

    def employed(self, ctx: TurnContext, started: date) -> None:
        memo = ctx.state.reminders
        if memo.job_on:
            ctx.say(ctx.t("job.already", day=say_day(date.fromisoformat(memo.job_on), ctx.t)), [ctx.menu_button()])
            return
        memo.job_on = started.isoformat()
        ctx.effect(EffectKind.EMPLOYED, memo.job_on)
        quiet = "followup" in memo.off or memo.all_off
        ctx.say(ctx.t("job.thanks_quiet" if quiet else "job.thanks", months=self.months), [ctx.menu_button()])

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, CheckinAnswer) or payload.answer not in ANSWERS or not payload.number.isdigit():
            raise LookupError(payload)
        ctx.effect(EffectKind.CHECKIN_ANSWER, f"{payload.number}:{payload.answer}")
        if payload.answer == "ok":
            ctx.say(ctx.t("checkin.ok"), [ctx.menu_button()])
        elif payload.answer == "worry":
            buttons = [ctx.button("nav.consultant", Handoff()), ctx.button("menu.item.center", Action("center"))]
            ctx.say(ctx.t("checkin.worry"), buttons)
        else:
            if "followup" not in ctx.state.reminders.off:
                ctx.state.reminders.off.append("followup")
            ctx.effect(EffectKind.REMINDERS_SWITCHED, "followup:off")
            ctx.say(ctx.t("checkin.stop"), [ctx.menu_button()])
