"""The small parts: menus and menu actions, small talk, reminders, deleting one's data, and a stand-in
for the occupation dialogue when it is not configured."""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import Action, Handoff, Menu, No, Payload, Progress, StartFlow, Yes
from flows.replies import ListItem, Reply
from flows.state import ConversationState, EffectKind

#: Menu actions (``a:NAME`` in the content) and the intent each one stands for.
ACTIONS = {"center": "center_info", "jobs": "job_search"}
JOB_INTENTS = ("job_search", "occupation_compare", "profile_recommend")


class Menus:
    """``m``/``m:ID`` and ``a:NAME``; ``help``, ``out_of_scope`` and small talk (알림 설정 is
    ``flows/reminder_settings.py``)."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Menu, Action)
    intents: ClassVar[tuple[str, ...]] = (
        "help", "out_of_scope", "greet", "goodbye", "thanks", "affirm", "deny",
    )

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        match payload:
            case Menu(menu):
                self.show(ctx, menu or "main")
            case Action(name) if name in ACTIONS:
                ctx.handle_intent(ACTIONS[name])
            case _:
                raise LookupError(payload)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "help":
            self.show(ctx)
        elif intent == "out_of_scope":
            ctx.say(ctx.t("out_of_scope"), ctx.where_am_i_buttons())
        else:
            self.small_talk(ctx, intent)

    def show(self, ctx: TurnContext, menu_id: str = "main") -> None:
        menu = ctx.domain.menus[menu_id]
        items = []
        for item in menu.items:
            if item.flow:
                items.append(ListItem(title=ctx.flow_title(item.flow), payload=StartFlow(item.flow).encode()))
                continue
            if item.menu:
                payload: Payload = Menu(item.menu)
            elif item.action == "progress":
                payload = Progress()
            elif item.action == "handoff":
                payload = Handoff()
            else:
                payload = Action(item.action or "")
            items.append(ListItem(title=ctx.t(item.label or ""), payload=payload.encode()))
        ctx.replies.append(Reply(type="list", title=ctx.t(menu.title), text=ctx.t("menu.hint"), items=items))

    def small_talk(self, ctx: TurnContext, intent: str) -> None:
        if intent == "greet":
            first = not ctx.state.greeted
            ctx.state.greeted = True
            ctx.say(ctx.t("greet.first" if first else "greet.again"))
            self.show(ctx)
        elif intent == "affirm" and ctx.offer in ctx.domain.flows:
            ctx.press(StartFlow(ctx.offer))
        elif intent in ("affirm", "deny", "thanks"):
            ctx.say(ctx.t({"affirm": "affirm.nothing", "deny": "deny.ok"}.get(intent, intent)),
                    ctx.where_am_i_buttons())
        else:
            ctx.say(ctx.t("goodbye"))


class Deletion:
    """Deleting one's data, after a yes/no: ``y``/``no``, the intent ``delete_my_data``, and a typed
    yes or no while the question is open."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Yes, No)
    intents: ClassVar[tuple[str, ...]] = ("delete_my_data",)

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if ctx.awaiting != "delete":
            ctx.stale_button()
        elif isinstance(payload, Yes):
            self.confirmed(ctx)
        else:
            ctx.say(ctx.t("delete.cancelled"), ctx.where_am_i_buttons())

    def intercept(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> bool:
        if ctx.awaiting != "delete" or intent not in ("affirm", "deny"):
            return False
        self.on_payload(ctx, Yes() if intent == "affirm" else No())
        return True

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        ctx.state.confirm = "delete"
        ctx.say(ctx.t("delete.confirm"), [ctx.button("nav.yes", Yes()), ctx.button("nav.no", No())])

    def confirmed(self, ctx: TurnContext) -> None:
        ctx.effect(EffectKind.DELETE_DATA)
        ctx.state = ConversationState(greeted=True)
        ctx.done.clear()
        ctx.say(ctx.t("delete.done"), [ctx.menu_button()])


class NoJobs:
    """Stands in for the occupation dialogue when the engine runs without one."""

    payloads: ClassVar[tuple[type[Payload], ...]] = ()
    intents: ClassVar[tuple[str, ...]] = JOB_INTENTS

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        ctx.say(ctx.t("jobs.unavailable"), [ctx.menu_button()])
