"""Quiet hours: the local-time window in which no proactive message is pushed (default 21:00–08:00).

Part of the outbox rather than of any sender, so every future sender obeys it. The window is
half-open, ``[start, end)``: with ``21:00-08:00`` a row due at 20:59:59 goes at once, one due at 21:00
waits, and at 08:00 sharp it goes. A window may cross midnight; an empty setting means none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class QuietHours:
    """``start``–``end`` in ``zone``; ``start is None`` means no quiet hours at all."""

    start: time | None
    end: time | None
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str | None, timezone: str = "Asia/Seoul") -> QuietHours:
        """``"21:00-08:00"`` (``GILJABI_QUIET_HOURS``) in ``timezone``; ``""`` turns them off."""
        zone = ZoneInfo(timezone)
        spec = (spec or "").strip()
        if not spec:
            return cls(None, None, zone)
        try:
            first, second = (part.strip() for part in spec.split("-"))
            start, end = time.fromisoformat(first), time.fromisoformat(second)
        except ValueError as exc:
            raise ValueError(f"quiet hours must look like 21:00-08:00, not {spec!r}") from exc
        if start == end:
            raise ValueError("quiet hours need a start and an end that differ")
        return cls(start, end, zone)

    def active(self, moment: datetime) -> bool:
        """Whether ``moment`` (timezone-aware) falls inside the window."""
        if self.start is None or self.end is None:
            return False
        local = moment.astimezone(self.zone).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def describe(self) -> str:
        if self.start is None or self.end is None:
            return "off"
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.zone.key}"
