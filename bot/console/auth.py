"""Console sessions, CSRF tokens and the login rate limit, all kept in the database.

The cookie holds a random token; the database keeps only its SHA-256, the account and the session's
CSRF token, so any ``giljabi serve`` process can check a request and logging out ends the session
everywhere. The login form, before any session exists, uses a double-submit cookie for its token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import delete, func, insert, select
from starlette.concurrency import run_in_threadpool

from bot.console.accounts import Account
from bot.store import Store
from bot.store.models import ConsoleSession, Consultant, LoginAttempt

COOKIE = "giljabi_console"
LOGIN_COOKIE = "giljabi_console_login"
RATE_WINDOW = timedelta(minutes=15)


class LoginRequired(Exception):  # noqa: N818 - it is a redirect, not an error
    """No valid session: a page answers with the login page, anything else with 401."""


class Forbidden(Exception):  # noqa: N818
    """Logged in, but this needs an admin (or the CSRF token was wrong)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    account: Account
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())  # type: ignore[union-attr]


def secure(request: Request) -> bool:
    """Cookies are Secure when the browser reached us over HTTPS (directly or via X-Forwarded-Proto)."""
    return request.url.scheme == "https"


class Sessions:
    """Sessions and failed-login counts of one store."""

    def __init__(self, store: Store, hours: int = 12, attempts: int = 5) -> None:
        self.store = store
        self.lifetime = timedelta(hours=hours)
        self.attempts = attempts

    def start(self, account: Account) -> tuple[str, str]:
        """A new session for ``account``: (cookie token, CSRF token)."""
        token, csrf, now = new_token(), new_token(), datetime.now(UTC)
        with self.store.unit() as s:
            s.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
            s.execute(insert(ConsoleSession).values(
                token_hash=_digest(token), consultant_id=account.id, csrf=csrf, created_at=now,
                expires_at=now + self.lifetime,
            ))
        return token, csrf

    def find(self, token: str | None) -> Viewer | None:
        if not token:
            return None
        with self.store.unit() as s:
            row = s.execute(
                select(Consultant, ConsoleSession.csrf)
                .join(ConsoleSession, ConsoleSession.consultant_id == Consultant.id)
                .where(ConsoleSession.token_hash == _digest(token), ConsoleSession.expires_at > datetime.now(UTC),
                       Consultant.active.is_(True))
            ).first()
            if row is None:
                return None
            c, csrf = row
            return Viewer(Account(c.id, c.email, c.name, c.role, c.active), csrf)

    def end(self, token: str | None) -> None:
        if token:
            with self.store.unit() as s:
                s.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))

    def blocked(self, email: str, address: str) -> bool:
        """Too many failed logins lately for this email, or from this address."""
        since = datetime.now(UTC) - RATE_WINDOW
        with self.store.unit() as s:
            by_email = s.scalar(select(func.count()).select_from(LoginAttempt)
                                .where(LoginAttempt.email == email, LoginAttempt.created_at > since))
            by_address = s.scalar(select(func.count()).select_from(LoginAttempt)
                                  .where(LoginAttempt.address == address, LoginAttempt.created_at > since))
        return (by_email or 0) >= self.attempts or (by_address or 0) >= self.attempts * 4

    def failed(self, email: str, address: str) -> None:
        with self.store.unit() as s:
            s.execute(insert(LoginAttempt).values(
                email=email[:200], address=address[:64], created_at=datetime.now(UTC)
            ))


async def viewer_of(request: Request) -> Viewer:
    """FastAPI dependency: the logged-in consultant, or LoginRequired."""
    sessions: Sessions = request.app.state.console_sessions
    viewer = await run_in_threadpool(sessions.find, request.cookies.get(COOKIE))
    if viewer is None:
        raise LoginRequired()
    request.state.viewer = viewer
    return viewer


async def checked(request: Request) -> Viewer:
    """FastAPI dependency for state-changing requests: a session and its CSRF token (form or header)."""
    viewer = await viewer_of(request)
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not same(given, viewer.csrf):
        raise Forbidden("csrf")
    return viewer


async def admin_of(request: Request) -> Viewer:
    viewer = await viewer_of(request)
    if not viewer.account.is_admin:
        raise Forbidden("admin")
    return viewer


async def admin_checked(request: Request) -> Viewer:
    viewer = await checked(request)
    if not viewer.account.is_admin:
        raise Forbidden("admin")
    return viewer
