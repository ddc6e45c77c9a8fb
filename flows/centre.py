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
        self.handoff(ctx)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "human_handoff":
            self.handoff(ctx)
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
        if not known:
            ctx.say(ctx.t("center.unset"), [ctx.menu_button()])
            return
        lines = [ctx.t("center.header")] + [ctx.t(f"center.{name}", value=value) for name, value in known]
        consultants = [c for c in inst.consultants if c.name or c.contact]
        if consultants:
            lines += [ctx.t("center.consultant", college=c.college, name=c.name or "-", contact=c.contact or "-")
                      for c in consultants]
        else:
            lines.append(ctx.t("center.consultants_unset"))
        ctx.say("\n".join(lines), [ctx.menu_button()])

    def handoff(self, ctx: TurnContext) -> None:
        """The request is an effect (the Assistant records it); meanwhile the centre's contacts."""
        ctx.effect(EffectKind.HANDOFF)
        ctx.say(ctx.t("handoff.requested"), [ctx.button("nav.resume", Resume())] if ctx.state.place else [])
        self.show(ctx)
