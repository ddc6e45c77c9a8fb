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

#: Texts the reminder parts and the reminders use; loading fails if one is missing.
REQUIRED_TEXTS = (
    "reminders.weekday.0", "reminders.weekday.1", "reminders.weekday.2", "reminders.weekday.3",
    "reminders.weekday.4", "reminders.weekday.5", "reminders.weekday.6", "reminders.am", "reminders.pm",
    "reminders.when_date", "reminders.when_time", "reminders.when_time_min", "reminders.when", "reminders.today_at",
    "reminders.tomorrow_at", "reminders.held_mark",
    "appt.ask_when", "appt.confirm", "appt.btn_yes", "appt.btn_retry", "appt.saved",
    "appt.saved_quiet", "appt.no_time", "appt.no_date", "appt.bad_date", "appt.bad_time", "appt.past", "appt.show",
    "appt.none", "appt.btn_change", "appt.btn_cancel", "appt.btn_how", "appt.change_ask", "appt.cancel_confirm",
    "appt.cancelled", "appt.kept", "job.thanks", "job.thanks_quiet", "job.already", "checkin.ok", "checkin.worry",
    "checkin.stop", "settings.header", "settings.kind.nudges", "settings.kind.appointment", "settings.kind.followup",
    "settings.line", "settings.on", "settings.off", "settings.all_off", "settings.next", "settings.next_line",
    "settings.none_next", "settings.quiet", "settings.turn_off", "settings.turn_on", "settings.switched_off",
    "settings.switched_on",
)


def reminder_parts(
    timezone: str = "Asia/Seoul", rules: ReminderRules | None = None
) -> tuple[Appointments, Aftercare, ReminderSettingsPart]:
    """The three parts for ``Engine.register``; ``rules`` defaults to the shipped rules file."""
    zone = ZoneInfo(timezone)
    rules = rules or load_rules()
    return Appointments(zone), Aftercare(zone, rules.followup.times), ReminderSettingsPart(zone)
