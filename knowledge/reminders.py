"""The reminder rules (``knowledge/content/reminders.yml``): which stage a nudge follows, when, how often,
and every word a reminder says.

Rules are content so that the centre can change timing and wording without touching code; loading
checks them (and, given the checklist's stage ids, that every stage named exists) and fails with
``path: field: problem``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from knowledge.loader import CONTENT_DIR, ContentError, validate_file
from knowledge.schema import Strict

RULES_FILE = CONTENT_DIR / "reminders.yml"

Label = Annotated[str, StringConstraints(min_length=1, max_length=14)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=400)]


def _clock(value: str) -> str:
    time.fromisoformat(value)  # raises ValueError with a readable message
    return value


Clock = Annotated[str, StringConstraints(pattern=r"^[0-2][0-9]:[0-5][0-9]$"), AfterValidator(_clock)]


class Nudge(Strict):
    """Stage ``after`` done and ``pending`` not: remind after ``first_after_days``, then every ``every_days``."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    after: str
    pending: str
    first_after_days: int = Field(ge=1, le=60)
    every_days: int = Field(ge=1, le=60)
    max_times: int = Field(ge=1, le=5)
    text: Text
    button: Label

    def offsets_days(self) -> list[int]:
        return [self.first_after_days + k * self.every_days for k in range(self.max_times)]


class LeftGuide(Strict):
    after_days: int = Field(ge=1, le=30)
    text: Text
    button: Label


class EveningBefore(Strict):
    at: Clock
    text: Text


class HoursBefore(Strict):
    hours: int = Field(ge=1, le=12)
    text: Text


class Appointment(Strict):
    evening_before: EveningBefore
    hours_before: HoursBefore
    button: Label


class FollowupButtons(Strict):
    ok: Label
    worry: Label
    stop: Label


class Followup(Strict):
    times: int = Field(ge=1, le=12)
    every_months: int = Field(ge=1, le=6)
    at: Clock
    text: Text
    buttons: FollowupButtons


class ReminderRules(Strict):
    nudges: list[Nudge]
    left_guide: LeftGuide
    appointment: Appointment
    followup: Followup

    def nudges_after(self, stage: str) -> list[Nudge]:
        return [n for n in self.nudges if n.after == stage]

    def cap(self, pending: str) -> int:
        """At most this many nudges per pending stage, whichever rule sends them (1 if only left guides)."""
        return max((n.max_times for n in self.nudges if n.pending == pending), default=1)


def load_rules(path: Path | None = None, stages: Iterable[str] | None = None) -> ReminderRules:
    """Load and check the rules; ``stages`` (the checklist's stage ids) checks every stage named."""
    path = path or RULES_FILE
    rules = validate_file(path, ReminderRules)
    known = set(stages) if stages is not None else None
    seen: set[str] = set()
    for index, nudge in enumerate(rules.nudges):
        if nudge.id in seen:
            raise ContentError(path, f"nudges[{index}].id", f"'{nudge.id}' is defined twice")
        seen.add(nudge.id)
        for name in ("after", "pending"):
            value = getattr(nudge, name)
            if known is not None and value not in known:
                raise ContentError(path, f"nudges[{index}].{name}", f"unknown stage '{value}'")
        if nudge.after == nudge.pending:
            raise ContentError(path, f"nudges[{index}].pending", "must differ from 'after'")
    return rules
