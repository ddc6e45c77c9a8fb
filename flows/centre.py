"""The centre: its contact page (from the institution file only) and a request to talk to a person."""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import Handoff, Payload, Resume
from flows.state import EffectKind


class Centre:
    """``c`` and the intents ``center_info`` and ``human_handoff``."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Handoff,)
    intents: ClassVar[tuple[str, ...]] = ("center_info", "human_handoff")

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, Handoff):
            raise LookupError(payload)
        # the button offered after two fallbacks in a row, or the menu item (and the check-in's 고민이 있어요)
        reason = "fallback" if ctx.state.fallbacks >= 2 else "menu"
        ctx.state.fallbacks = 0
        self.handoff(ctx, reason)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "human_handoff":
            self.handoff(ctx, "intent")
        else:
            self.show(ctx)

    def show(self, ctx: TurnContext) -> None:
        inst = ctx.k.institution
        fields = [
            ("school_name", inst.school_name), ("centre_name", inst.centre_name), ("location", inst.location),
            ("hours", inst.hours), ("phone", inst.phone), ("booking", inst.booking),
            ("url", str(inst.url) if inst.url else None),
        ]
        known = [(name, value) for name, value in fields if value]
        if not known:  # the guides do not say either: the usual "not in the guide" line comes first
            ctx.say(f"{ctx.t('answer.not_in_guide')}\n{ctx.t('center.unset')}", [ctx.menu_button()])
            return
        lines = [ctx.t("center.header")] + [ctx.t(f"center.{name}", value=value) for name, value in known]
        consultants = [c for c in inst.consultants if c.name or c.contact]
        if consultants:
            lines += [ctx.t("center.consultant", college=c.college, name=c.name or "-", contact=c.contact or "-")
                      for c in consultants]
        else:
            lines.append(ctx.t("center.consultants_unset"))
        ctx.say("\n".join(lines), [ctx.menu_button()])

    def handoff(self, ctx: TurnContext, reason: str) -> None:
        """The request is an effect: the Assistant starts waiting for a consultant (bot/handoff) and answers
        with the honest wording of the centre's hours. These replies stand only where it cannot."""
        ctx.effect(EffectKind.HANDOFF, reason)
        ctx.say(ctx.t("handoff.requested"), [ctx.button("nav.resume", Resume())] if ctx.state.place else [])
        self.show(ctx)
