"""The quiet window the "two hours before" reminder steps around (``GILJABI_QUIET_HOURS``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.config import Settings


@dataclass(frozen=True, slots=True)
class Quiet:
    """``[start, end)`` in ``zone``, possibly across midnight; ``start is None``: no quiet hours."""

    start: time | None
    end: time | None
    zone: ZoneInfo

    def active(self, moment: datetime) -> bool:
        if self.start is None or self.end is None:
            return False
        local = moment.astimezone(self.zone).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def quiet_hours(settings: Settings) -> Quiet:
    spec = getattr(settings, "quiet_hours", None)
    spec = os.environ.get("GILJABI_QUIET_HOURS", "21:00-08:00") if spec is None else spec
    zone = ZoneInfo(settings.timezone)
    if not spec.strip():
        return Quiet(None, None, zone)
    first, second = (part.strip() for part in spec.split("-"))
    return Quiet(time.fromisoformat(first), time.fromisoformat(second), zone)
