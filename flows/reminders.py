"""The reminder dialogue parts, built together: the IAP appointment, the follow-up after a job, 알림 설정.

They need the user's time zone (to read "내일 3시" and to say a moment in Korean) and the follow-up
rule's length from ``knowledge/content/reminders.yml``; everything else comes through the turn context.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flows.aftercare import Aftercare
from flows.appointments import Appointments
from flows.reminder_settings import ReminderSettingsPart
from knowledge.reminders import ReminderRules, load_rules


def reminder_parts(
    timezone: str = "Asia/Seoul", rules: ReminderRules | None = None
) -> tuple[Appointments, Aftercare, ReminderSettingsPart]:
    """The three parts for ``Engine.register``; ``rules`` defaults to the shipped rules file."""
    zone = ZoneInfo(timezone)
    rules = rules or load_rules()
    return Appointments(zone), Aftercare(zone, rules.followup.times), ReminderSettingsPart(zone)
