"""Mounting the console on the server: login, logout, static files, live events and the page routers.

``install(app, store, domain, settings)`` adds everything under ``/console``. Every page needs a
session (a page without one redirects to the login page, anything else answers 401); every
state-changing request needs the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.console import admin, inbox, stats, students
from bot.console.accounts import authenticate, normalise_email
from bot.console.auth import (
    COOKIE,
    LOGIN_COOKIE,
    Forbidden,
    LoginRequired,
    Viewer,
    checked,
    new_token,
    same,
    secure,
    viewer_of,
)
from bot.console.context import Console, console_of
from bot.console.conversations import events_after, last_event_id
from bot.store import Store
from flows.loader import Domain

STATIC = Path(__file__).parent / "static"
#: how often a live connection looks for new console events (any process may have written them)
POLL_SECONDS = 0.5
#: a live connection ends after this long and the browser reconnects (with Last-Event-ID, so nothing is
#: missed): a server waits for open responses when it stops, and each reconnect checks the session again
STREAM_SECONDS = 5.0

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.get("/login")
async def login_page(request: Request, next: str = "/console/", error: str | None = None) -> Response:
    console = console_of(request)
    token = new_token()
    response = console.page(request, "login.html", csrf=token, next=next, error=error, viewer=None)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/console")
    return response


@router.post("/login")
async def login(
    request: Request, email: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
    next: str = Form("/console/"),
) -> Response:
    console = console_of(request)
    if not same(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        return PlainTextResponse("CSRF token missing or wrong", status_code=403)
    email, address = normalise_email(email), _address(request)
    if await run_in_threadpool(console.sessions.blocked, email, address):
        return console.page(request, "login.html", status=429, csrf=csrf_token, next=next, viewer=None,
                            error=console.domain.knowledge.text("console.login.too_many"))

    def check() -> object:
        with console.store.unit() as s:
            return authenticate(s, email, password)

    account = await run_in_threadpool(check)
    if account is None:
        await run_in_threadpool(console.sessions.failed, email, address)
        return console.page(request, "login.html", status=401, csrf=csrf_token, next=next, viewer=None,
                            error=console.domain.knowledge.text("console.login.wrong"))
    token, _ = await run_in_threadpool(console.sessions.start, account)
    target = next if next.startswith("/console/") and not next.startswith("//") else "/console/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/console",
                        max_age=console.settings.console_session_hours * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


@router.post("/logout")
async def logout(request: Request, viewer: Annotated[Viewer, Depends(checked)]) -> Response:
    await run_in_threadpool(console_of(request).sessions.end, request.cookies.get(COOKIE))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


@router.get("/events")
async def events(request: Request, viewer: Annotated[Viewer, Depends(viewer_of)]) -> Response:
    """Server-Sent Events: one message per console event, read from the database by id.

    Polling the table (rather than process memory) is what lets a browser connected to any serve
    process see a message that another process stored.
    """
    console = console_of(request)

    def read_last() -> int:
        with console.store.unit() as s:
            return last_event_id(s)

    def read_after(last: int) -> list[tuple[int, int, str]]:
        with console.store.unit() as s:
            return events_after(s, last)

    header = request.headers.get("last-event-id", "")
    last = int(header) if header.isdigit() else await run_in_threadpool(read_last)

    async def stream() -> AsyncIterator[str]:
        nonlocal last
        yield f"retry: 500\nid: {last}\n\n"  # the position: a reconnect resumes exactly here
        ends = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < ends and not await request.is_disconnected():
            rows = await run_in_threadpool(read_after, last)
            for event_id, user_id, action in rows:
                last = event_id
                yield f"id: {event_id}\ndata: {json.dumps({'user': user_id, 'action': action})}\n\n"
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def install(app: FastAPI, store: Store, domain: Domain, settings: Settings) -> None:
    """Add the console under /console to ``app``."""
    console = Console.build(store, domain, settings)
    app.state.console = console
    app.state.console_sessions = console.sessions
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for part in (router, inbox.router, students.router, stats.router, admin.router):
        app.include_router(part, prefix="/console")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "") \
            and "hx-request" not in request.headers
        if wants_page:
            return RedirectResponse(f"/console/login?next={quote(request.url.path)}", status_code=303)
        return JSONResponse({"detail": "login required"}, status_code=401)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        message = ("CSRF token missing or wrong" if str(exc) == "csrf"
                   else console_of(request).domain.knowledge.text("console.admin_only"))
        return PlainTextResponse(message, status_code=403)
