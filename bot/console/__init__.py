"""The consultants' web console (server-rendered: FastAPI + Jinja2 + htmx, live updates by SSE).

``install(app, store, domain, settings)`` mounts it under ``/console``; ``bot/server.py`` does that
for every ``giljabi serve``.
"""

from bot.console.app import install

__all__ = ["install"]
