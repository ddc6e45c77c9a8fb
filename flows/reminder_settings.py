"""알림 설정 in the chat: which kinds of reminder are on, switching each off and on, and what comes next.

The switches live in the conversation state (and, through an effect, in the reminder tables the
planner reads). What is scheduled next is read from the outbox by the Assistant before the step and
handed in as ``state.reminders.upcoming``, so this part stays free of database reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from flows.context import TurnContext
from flows.payloads import Notify, Payload, ReminderSettings, ReminderSwitch
from flows.reminder_times import say_moment
from flows.state import EffectKind

#: the kinds a user can switch, in the order shown
KINDS = ("nudges", "appointment", "followup")
#: outbox row kind -> the switch that governs it
ROW_KIND = {"nudge": "nudges", "appointment": "appointment", "checkin": "followup"}
#: at most this many upcoming reminders are listed
SHOWN = 3


class ReminderSettingsPart:
    """``s`` / ``sw:KIND:on|off`` and the intent ``reminder_settings``."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (ReminderSettings, ReminderSwitch)
    intents: ClassVar[tuple[str, ...]] = ("reminder_settings",)

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        self.show(ctx)

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if isinstance(payload, ReminderSettings):
            self.show(ctx)
            return
        if not isinstance(payload, ReminderSwitch):
            raise LookupError(payload)
        if payload.kind not in KINDS or payload.to not in ("on", "off"):
            raise LookupError(payload)
        off = ctx.state.reminders.off
        if payload.to == "off" and payload.kind not in off:
            off.append(payload.kind)
        elif payload.to == "on" and payload.kind in off:
            off.remove(payload.kind)
        ctx.effect(EffectKind.REMINDERS_SWITCHED, f"{payload.kind}:{payload.to}")
        name = ctx.t(f"settings.kind.{payload.kind}")
        ctx.say(ctx.t(f"settings.switched_{payload.to}", name=name))
        self.show(ctx, switched=payload.kind)

    def show(self, ctx: TurnContext, switched: str | None = None) -> None:
        memo = ctx.state.reminders
        lines = [ctx.t("settings.header")]
        buttons = []
        for kind in KINDS:
            name = ctx.t(f"settings.kind.{kind}")
            on = kind not in memo.off
            lines.append(ctx.t("settings.line", name=name, state=ctx.t("settings.on" if on else "settings.off")))
            buttons.append(ctx.button("settings.turn_off" if on else "settings.turn_on",
                                      ReminderSwitch(kind, "off" if on else "on"), name=name))
        if memo.all_off:
            lines.append(ctx.t("settings.all_off"))
        upcoming = [(k, at) for k, at in memo.upcoming if ROW_KIND.get(k) not in memo.off and k in ROW_KIND]
        if switched is None or upcoming:
            lines.append("")
            lines.append(ctx.t("settings.next") if upcoming else ctx.t("settings.none_next"))
            for kind, at in upcoming[:SHOWN]:
                when = say_moment(datetime.fromisoformat(at), self.zone, ctx.t)
                lines.append(ctx.t("settings.next_line", when=when, name=ctx.t(f"settings.kind.{ROW_KIND[kind]}")))
        lines.append(ctx.t("settings.quiet"))
        every = ctx.button("outbox.start_button", Notify(Notify.ON)) if memo.all_off else \
            ctx.button("outbox.stop_button", Notify(Notify.OFF))
        ctx.say("\n".join(lines), [*buttons, every, ctx.menu_button()])
