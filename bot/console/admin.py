"""Admin-only pages: the accounts, the audit log and the canned replies file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from bot.console import canned
from bot.console.accounts import all_accounts
from bot.console.auth import Viewer, admin_checked, admin_of
from bot.console.context import console_of
from bot.console.conversations import aware
from bot.store.models import AuditEntry, Consultant

router = APIRouter()
Admin = Annotated[Viewer, Depends(admin_of)]
AdminActing = Annotated[Viewer, Depends(admin_checked)]


@router.get("/admin/accounts", response_class=HTMLResponse)
async def accounts_page(request: Request, viewer: Admin) -> Response:
    console = console_of(request)

    def read() -> dict[str, object]:
        with console.store.unit() as s:
            audit = s.execute(
                select(AuditEntry.created_at, Consultant.name, AuditEntry.action, AuditEntry.user_id)
                .join(Consultant, Consultant.id == AuditEntry.consultant_id)
                .order_by(AuditEntry.id.desc()).limit(200)
            ).all()
            return {"accounts": all_accounts(s), "audit": [(aware(a), n, act, u) for a, n, act, u in audit]}

    return console.page(request, "admin_accounts.html", **await run_in_threadpool(read))


@router.get("/admin/canned", response_class=HTMLResponse)
async def canned_page(request: Request, viewer: Admin, saved: int = 0) -> Response:
    console = console_of(request)
    text = await run_in_threadpool(canned.raw, console.settings.canned_file())
    return console.page(request, "admin_canned.html", text=text, error=None, saved=bool(saved))


@router.post("/admin/canned")
async def canned_save(request: Request, viewer: AdminActing, text: str = Form("")) -> Response:
    console = console_of(request)
    try:
        await run_in_threadpool(canned.save, console.settings.canned_file(), text)
    except ValueError as exc:
        return console.page(request, "admin_canned.html", status=400, text=text, error=str(exc), saved=False)
    return RedirectResponse("/console/admin/canned?saved=1", status_code=303)
