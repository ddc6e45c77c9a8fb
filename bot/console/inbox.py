"""Inbox and conversation pages: who waits, claim, the transcript, reply, notes, hand back, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.console import canned
from bot.console.auth import Viewer, checked, viewer_of
from bot.console.context import Console, console_of
from bot.console.conversations import audit, inbox, student, transcript
from bot.handoff import machine
from bot.messages import Reply

router = APIRouter()
Seen = Annotated[Viewer, Depends(viewer_of)]
Acting = Annotated[Viewer, Depends(checked)]
MAX_REPLY = 2000
MESSAGES = ("taken", "claimed", "sent", "noted", "not_yours", "returned", "closed", "empty")


def _message(console: Console, key: str | None) -> str | None:
    """The console's notice for ``key`` (knowledge/content/console.yml ``console.msg.*``)."""
    return console.domain.knowledge.text(f"console.msg.{key}") if key in MESSAGES else None


def _lists(request: Request, viewer: Viewer) -> dict[str, object]:
    console = console_of(request)
    with console.store.unit() as s:
        rows = inbox(s)
    return {
        "waiting": [r for r in rows if r.mode == "waiting"],
        "mine": [r for r in rows if r.mode == "human" and r.consultant_id == viewer.account.id],
        "open": rows,
    }


@router.get("/", response_class=HTMLResponse)
async def inbox_page(request: Request, viewer: Seen) -> Response:
    lists = await run_in_threadpool(_lists, request, viewer)
    return console_of(request).page(request, "inbox.html", **lists)


@router.get("/inbox/lists", response_class=HTMLResponse)
async def inbox_lists(request: Request, viewer: Seen) -> Response:
    lists = await run_in_threadpool(_lists, request, viewer)
    return console_of(request).page(request, "_inbox_lists.html", **lists)


def _conversation(request: Request, viewer: Viewer, user_id: int, record: bool) -> dict[str, object] | None:
    console = console_of(request)
    with console.store.unit() as s:
        who = student(s, console.domain, user_id)
        if who is None:
            return None
        if record:
            audit(s, viewer.account.id, "open_conversation", user_id)
        return {"student": who, "entries": transcript(s, user_id, console.domain.knowledge.text)}


@router.get("/c/{user_id}", response_class=HTMLResponse)
async def conversation_page(request: Request, user_id: int, viewer: Seen, msg: str | None = None) -> Response:
    console = console_of(request)
    data = await run_in_threadpool(_conversation, request, viewer, user_id, True)
    if data is None:
        return console.page(request, "missing.html", status=404)
    replies = await run_in_threadpool(canned.load, console.settings.canned_file())
    return console.page(request, "conversation.html", canned=replies, message=_message(console, msg), **data)


@router.get("/c/{user_id}/transcript", response_class=HTMLResponse)
async def transcript_part(request: Request, user_id: int, viewer: Seen) -> Response:
    console = console_of(request)
    data = await run_in_threadpool(_conversation, request, viewer, user_id, False)
    if data is None:
        return console.page(request, "missing.html", status=404)
    return console.page(request, "_transcript.html", **data)


def _act(request: Request, user_id: int, action: str, viewer: Viewer, text: str) -> str:
    """Run one console action in one transaction; returns the message key for the page."""
    me = viewer.account.id
    text = text.strip()[:MAX_REPLY]
    with console_of(request).store.unit() as s:
        if action == "claim":
            return "claimed" if machine.claim(s, user_id, me) else "taken"
        if action == "reply":
            if not text:
                return "empty"
            ok = machine.reply(s, user_id, me, text, [Reply(text=text).to_dict()])
            return "sent" if ok else "not_yours"
        if action == "note":
            if not text:
                return "empty"
            machine.note(s, user_id, me, text)
            return "noted"
        if action == "handback":
            return "returned" if machine.hand_back(s, user_id, me, text or None) else "not_yours"
        if action == "close":
            closed = machine.close(s, user_id, me, text or None, admin=viewer.account.is_admin)
            return "closed" if closed else "not_yours"
    raise ValueError(action)


@router.post("/c/{user_id}/{action}")
async def act(request: Request, user_id: int, action: str, viewer: Acting, text: str = Form("")) -> Response:
    if action not in ("claim", "reply", "note", "handback", "close"):
        return Response(status_code=404)
    message = await run_in_threadpool(_act, request, user_id, action, viewer, text)
    status = 409 if message in ("taken", "not_yours") else 303
    if status == 409:
        console = console_of(request)
        data = await run_in_threadpool(_conversation, request, viewer, user_id, False)
        if data is None:
            return console.page(request, "missing.html", status=404)
        replies = await run_in_threadpool(canned.load, console.settings.canned_file())
        return console.page(request, "conversation.html", status=409, canned=replies,
                            message=_message(console, message), **data)
    return RedirectResponse(f"/console/c/{user_id}?msg={message}", status_code=303)
