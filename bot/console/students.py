"""Students: the roster (filters, CSV), one student's page, and messages sent or scheduled from it."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from bot.console import roster
from bot.console.auth import Viewer, checked, viewer_of
from bot.console.context import console_of
from bot.console.conversations import audit, aware, student, transcript
from bot.handoff import machine
from bot.messages import Reply
from bot.outbox import enqueue
from bot.store.models import OutboxMessage, User

router = APIRouter()
Seen = Annotated[Viewer, Depends(viewer_of)]
Acting = Annotated[Viewer, Depends(checked)]


def _filters(stage: str | None, stalled: str | None, grade: str | None, page: int) -> roster.Filters:
    days = int(stalled) if stalled and stalled.isdigit() else None
    return roster.Filters(stage or None, days, grade or None, max(1, page))


def _preview(replies: list[dict[str, Any]] | None, template: str | None) -> str:
    if replies:
        return str(replies[0].get("text") or replies[0].get("title") or "")
    return template or ""


@router.get("/students", response_class=HTMLResponse)
async def students_page(request: Request, viewer: Seen, stage: str | None = None, stalled: str | None = None,
                        grade: str | None = None, page: int = 1) -> Response:
    console = console_of(request)
    f = _filters(stage, stalled, grade, page)

    def read() -> tuple[list[roster.Entry], int]:
        with console.store.unit() as s:
            return roster.page(s, console.domain, f)

    rows, total = await run_in_threadpool(read)
    stages = [(sid, console.domain.knowledge.text(st.label)) for sid, st in console.domain.stages.items()]
    pages = max(1, -(-total // roster.PER_PAGE))
    return console.page(request, "students.html", rows=rows, total=total, f=f, stages=stages, pages=pages)


@router.get("/students.csv")
async def students_csv(request: Request, viewer: Seen, stage: str | None = None, stalled: str | None = None,
                       grade: str | None = None) -> Response:
    console = console_of(request)
    f = _filters(stage, stalled, grade, 1)

    def build() -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        with console.store.unit() as s:
            audit(s, viewer.account.id, "export_csv", None)
            writer.writerows(roster.csv_rows(s, console.domain, f))
        return "\ufeff" + out.getvalue()  # BOM: Excel opens Korean UTF-8 correctly

    body = await run_in_threadpool(build)
    return StreamingResponse(iter([body]), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="students.csv"'})


@router.get("/students/{user_id}", response_class=HTMLResponse)
async def student_page(request: Request, user_id: int, viewer: Seen, msg: str | None = None) -> Response:
    console = console_of(request)

    def read() -> dict[str, object] | None:
        with console.store.unit() as s:
            who = student(s, console.domain, user_id)
            if who is None:
                return None
            audit(s, viewer.account.id, "open_student", user_id)
            queued = s.execute(
                select(OutboxMessage.kind, OutboxMessage.due_at, OutboxMessage.status, OutboxMessage.replies,
                       OutboxMessage.template)
                .where(OutboxMessage.user_id == user_id).order_by(OutboxMessage.due_at.desc()).limit(50)
            ).all()
            return {"student": who, "entries": transcript(s, user_id, console.domain.knowledge.text, limit=500),
                    "queued": [(k, aware(d), st, _preview(r, t)) for k, d, st, r, t in queued]}

    data = await run_in_threadpool(read)
    if data is None:
        return console.page(request, "missing.html", status=404)
    texts = console.domain.knowledge.texts
    data["queued"] = [(k, d, texts.get(f"console.status.{st}", st), texts.get(p, p))  # type: ignore[union-attr]
                      for k, d, st, p in data["queued"]]
    notices = {"sent": "console.msg.message_sent", "scheduled": "console.msg.scheduled",
               "empty": "console.msg.empty", "past": "console.msg.past"}
    notice = console.domain.knowledge.text(notices[msg]) if msg in notices else None
    return console.page(request, "student.html", message=notice, **data)


@router.post("/students/{user_id}/message")
async def send_message(request: Request, user_id: int, viewer: Acting, text: str = Form(""),
                       when: str = Form("")) -> Response:
    """Send now or at ``when`` (the centre's local time). Quiet hours apply: the student did not ask."""
    console = console_of(request)
    text = text.strip()[:2000]
    if not text:
        return RedirectResponse(f"/console/students/{user_id}?msg=empty", status_code=303)
    due = None
    if when:
        due = datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(console.settings.timezone)).astimezone(UTC)
        if due < datetime.now(UTC):
            return RedirectResponse(f"/console/students/{user_id}?msg=past", status_code=303)

    def write() -> bool:
        with console.store.unit() as s:
            channel = s.scalar(select(User.channel).where(User.id == user_id))
            if channel is None:
                return False
            # kind "console": the consultant speaks first, so the student's opt-out and quiet hours apply
            enqueue(s, user_id=user_id, channel=channel, kind="console", dedupe_key=f"console:{uuid.uuid4().hex}",
                    due_at=due, replies=[Reply(text=text).to_dict()], quiet_hours=True)
            machine.event(s, user_id, "scheduled" if due else "sent", consultant_id=viewer.account.id, text=text)
            return True

    if not await run_in_threadpool(write):
        return console.page(request, "missing.html", status=404)
    return RedirectResponse(f"/console/students/{user_id}?msg={'scheduled' if due else 'sent'}", status_code=303)
