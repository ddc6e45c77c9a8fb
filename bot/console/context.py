"""What every console route needs: the store, the domain, settings, templates and sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.config import Settings
from bot.console.auth import Sessions, Viewer
from bot.store import Store
from flows.loader import Domain

TEMPLATES = Path(__file__).parent / "templates"


def duration(seconds: float | None, text: Callable[..., str]) -> str:
    """A wait or a reply time in the console's words (45초, 12분, 3시간 5분, 2일); ``text`` is the
    knowledge's text lookup (``console.duration.*``)."""
    if seconds is None:
        return "–"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return text("console.duration.seconds", n=seconds)
    if seconds < 3600:
        return text("console.duration.minutes", n=seconds // 60)
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        if minutes:
            return text("console.duration.hours_minutes", h=hours, m=minutes)
        return text("console.duration.hours", n=hours)
    return text("console.duration.days", n=seconds // 86400)


@dataclass
class Console:
    store: Store
    domain: Domain
    settings: Settings
    sessions: Sessions
    templates: Jinja2Templates

    @classmethod
    def build(cls, store: Store, domain: Domain, settings: Settings) -> Console:
        templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescape is on for .html
        zone = ZoneInfo(settings.timezone)
        templates.env.filters["local"] = lambda m, f="%m-%d %H:%M": m.astimezone(zone).strftime(f) if m else "–"
        templates.env.filters["duration"] = lambda s: duration(s, domain.knowledge.text)
        templates.env.globals["since"] = lambda m: (datetime.now(UTC) - m).total_seconds() if m else None
        sessions = Sessions(store, settings.console_session_hours, settings.console_login_attempts)
        return cls(store, domain, settings, sessions, templates)

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        viewer: Viewer | None = getattr(request.state, "viewer", None)
        values.setdefault("viewer", viewer)
        values.setdefault("csrf", viewer.csrf if viewer else "")
        return self.templates.TemplateResponse(request, name, values, status_code=status)


def console_of(request: Request) -> Console:
    return request.app.state.console
