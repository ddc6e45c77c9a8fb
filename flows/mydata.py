"""'내 정보 보여줘': telling a user what is stored about them.

Progress and the occupation profile are in the turn already (``ctx.done``, ``ctx.state.profile``);
what only storage knows (how many messages are kept, since when, reminders waiting, how long they
are kept) comes from ``ctx.about_user``, a read the Assistant passes into ``Engine.step``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import Payload, Progress

#: texts this part and the masking notices use
TEXTS = (
    "mydata.title", "mydata.messages", "mydata.no_messages", "mydata.progress", "mydata.no_progress",
    "mydata.profile", "mydata.no_profile", "mydata.reminders", "mydata.keep", "mydata.unavailable",
    "input.masked_card", "input.masked_passport",
)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """What storage holds about the user, beyond the conversation state."""

    messages: int
    since: date | None
    reminders: int
    keep_days: int


class MyData:
    """The intent ``show_my_data``."""

    payloads: ClassVar[tuple[type[Payload], ...]] = ()
    intents: ClassVar[tuple[str, ...]] = ("show_my_data",)

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        record = ctx.about_user() if ctx.about_user is not None else None
        buttons = [ctx.button("nav.progress", Progress()), ctx.menu_button()]
        if record is None:
            ctx.say(ctx.t("mydata.unavailable"), buttons)
            return
        lines = [self.messages(ctx, record)]
        done = [ctx.stage_label(stage) for stage in ctx.domain.stages if stage in ctx.done]
        lines.append(ctx.t("mydata.progress", stages=", ".join(done)) if done else ctx.t("mydata.no_progress"))
        profile = [
            ctx.t("jobs.profile_line", label=ctx.t(f"jobs.field.{field}"), values=", ".join(values))
            for field, values in ctx.state.profile.items() if values and f"jobs.field.{field}" in ctx.k.texts
        ]
        lines.append(ctx.t("mydata.profile", items=" / ".join(profile)) if profile else ctx.t("mydata.no_profile"))
        if record.reminders:
            lines.append(ctx.t("mydata.reminders", count=record.reminders))
        lines.append(ctx.t("mydata.keep", days=record.keep_days))
        ctx.say("\n".join(lines), buttons, title=ctx.t("mydata.title"))

    @staticmethod
    def messages(ctx: TurnContext, record: StoredRecord) -> str:
        if not record.messages or record.since is None:
            return ctx.t("mydata.no_messages")
        since = record.since
        return ctx.t("mydata.messages", count=record.messages, year=since.year, month=since.month, day=since.day)
