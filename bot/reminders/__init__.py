"""Reminders (issue 11): the step left undone, the IAP appointment, the follow-up after a job.

Rules and wording: ``knowledge/content/reminders.yml``. Dialogue: ``flows/appointments.py``,
``flows/aftercare.py``, ``flows/reminder_settings.py``. Here: the tables (``models``, ``facts``), queueing
per event (``schedule``, ``service``), the periodic ``planner`` and the operator listings (``report``).
Every reminder is an outbox row; the outbox's dispatcher sends it, obeying quiet hours and opt-out.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Settings, get_settings
from bot.outbox.quiet import QuietHours
from bot.reminders.planner import Planner
from bot.reminders.schedule import Scheduler
from bot.reminders.service import Reminders
from flows.loader import Domain
from knowledge.reminders import load_rules

__all__ = ["Planner", "Reminders", "Scheduler", "build_scheduler"]


def build_scheduler(domain: Domain, settings: Settings | None = None) -> Scheduler:
    """The rules checked against the checklist's stages, in the configured zone and quiet hours."""
    settings = settings or get_settings()
    rules = load_rules(stages=domain.stages)
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    return Scheduler(domain, rules, ZoneInfo(settings.timezone), quiet)
