"""The words and buttons of each reminder, rendered once when it is queued (``Reply`` dicts).

Rendering at queue time keeps the dispatcher ignorant of reminders: a row carries the exact message,
in the same shape as an answer, and every channel shows it the way it shows answers. The outbox adds
the "알림 끄기" button to every proactive row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.loader import Domain
from flows.payloads import AppointmentAct, CheckinAnswer, Resume, StartFlow
from flows.reminder_times import say_relative, say_time
from knowledge.reminders import Nudge, ReminderRules

ReplyDict = dict[str, Any]


def _reply(text: str, *buttons: tuple[str, str]) -> list[ReplyDict]:
    out: ReplyDict = {"type": "text", "text": text.strip()}
    if buttons:
        out["buttons"] = [{"label": label, "payload": payload} for label, payload in buttons]
    return [out]


class Renderer:
    """Turns a rule and its moment into the replies of one outbox row."""

    def __init__(self, domain: Domain, rules: ReminderRules, zone: ZoneInfo) -> None:
        self.domain, self.rules, self.zone = domain, rules, zone
        self.text: Callable[..., str] = domain.knowledge.text

    def nudge(self, rule: Nudge) -> list[ReplyDict]:
        """"잡케어를 해 볼 차례예요" with a button that opens the pending stage's guide."""
        flow = self.domain.stages[rule.pending].flow
        return _reply(rule.text, (rule.button, StartFlow(flow).encode()))

    def left_guide(self, flow_id: str) -> list[ReplyDict]:
        """A guide left midway: its title, and a button that resumes where the user stopped."""
        flow = self.domain.flows[flow_id]
        title = self.domain.knowledge.fact(flow.about).title or flow_id
        left = self.rules.left_guide
        return _reply(left.text.format(guide=title), (left.button, Resume().encode()))

    def appointment(self, which: str, at: datetime, due: datetime) -> list[ReplyDict]:
        """The evening before ("내일 오후 2시에 …") or the hours before ("오늘 오후 2시에 …")."""
        rules = self.rules.appointment
        if which == "eve":
            text = rules.evening_before.text.format(time=say_time(at.astimezone(self.zone).time(), self.text))
        else:
            text = rules.hours_before.text.format(when=say_relative(at, due, self.zone, self.text))
        return _reply(text, (rules.button, AppointmentAct().encode()))

    def checkin(self, number: int) -> list[ReplyDict]:
        """"요즘 어떠세요?" with the three answers."""
        f = self.rules.followup
        buttons = [(getattr(f.buttons, a), CheckinAnswer(str(number), a).encode()) for a in ("ok", "worry", "stop")]
        return _reply(f.text.format(n=number * f.every_months), *buttons)


def first_text(replies: list[ReplyDict] | None) -> str:
    """The text an operator listing shows for a row."""
    return " ".join((r.get("text") or "").replace("\n", " ") for r in (replies or [])).strip()
