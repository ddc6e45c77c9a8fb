"""Statistics: the 6-stage funnel, activity, fallbacks, handoffs, reply times and follow-ups, as SVG."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.console.auth import Viewer, viewer_of
from bot.console.context import console_of, duration
from bot.console.conversations import aware
from bot.reminders.schedule import CHECKIN
from bot.store.models import Handoff, OutboxMessage, Progress, Turn, User
from flows.loader import Domain

router = APIRouter()
DAYS = 14


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    note: str = ""


def bars(points: list[tuple[str, float]], width: int = 640, height: int = 180, horizontal: bool = False,
         unit: str = "") -> list[Bar]:
    """Geometry of a bar chart; the template only draws it."""
    top = max((v for _, v in points), default=0) or 1
    out: list[Bar] = []
    n = max(1, len(points))
    for i, (label, value) in enumerate(points):
        if horizontal:
            row = (height - 10) / n
            w = (width - 200) * value / top
            out.append(Bar(label, value, 160, 5 + i * row, w, row * 0.7, f"{value:g}{unit}"))
        else:
            col = (width - 20) / n
            h = (height - 40) * value / top
            out.append(Bar(label, value, 10 + i * col, height - 20 - h, col * 0.7, h, f"{value:g}{unit}"))
    return out


def _day(column: Any, dialect: str, zone: str) -> Any:
    return func.date(func.timezone(zone, column)) if dialect == "postgresql" else func.date(column)


def _days(rows: list[Any], today: date) -> list[tuple[str, float]]:
    counts = {str(d): v for d, v in rows}
    days = [today - timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    return [(d.strftime("%m/%d"), float(counts.get(str(d), 0))) for d in days]


def collect(s: Session, domain: Domain, zone: str) -> dict[str, Any]:
    """Every number of the statistics page (a handful of aggregate queries)."""
    dialect = s.get_bind().dialect.name
    now = datetime.now(UTC)
    since, month = now - timedelta(days=DAYS), now - timedelta(days=30)
    today = now.date() if dialect != "postgresql" else s.scalar(select(func.date(func.timezone(zone, func.now()))))
    students = s.scalar(select(func.count()).select_from(User)) or 0
    done = dict(s.execute(select(Progress.stage, func.count()).where(Progress.done.is_(True))
                          .group_by(Progress.stage)).all())
    funnel = [(domain.knowledge.text("console.funnel.all"), float(students))] + [
        (domain.knowledge.text(st.label), float(done.get(sid, 0))) for sid, st in domain.stages.items()
    ]
    # one pass over the fortnight's turns: distinct users per day, texts the NLU saw, fallbacks
    turn_day = _day(Turn.created_at, dialect, zone).label("day")
    per_user = (select(turn_day, Turn.user_id, func.count(Turn.confidence).label("texts"),
                       func.count().filter(Turn.fallback.is_(True)).label("fallbacks"))
                .where(Turn.created_at >= since).group_by(turn_day, Turn.user_id).subquery())
    days = s.execute(select(per_user.c.day, func.count(), func.sum(per_user.c.texts), func.sum(per_user.c.fallbacks))
                     .group_by(per_user.c.day)).all()
    active = [(d, n) for d, n, _, _ in days]
    texts = sum(int(t or 0) for _, _, t, _ in days)
    fallbacks = sum(int(f or 0) for _, _, _, f in days)
    unanswered = s.execute(select(Turn.text, func.count().label("n")).where(
        Turn.fallback.is_(True), Turn.created_at >= month, Turn.text.is_not(None)
    ).group_by(Turn.text).order_by(func.count().desc()).limit(10)).all()
    handoff_day = _day(Handoff.requested_at, dialect, zone)
    handoffs = s.execute(select(handoff_day, func.count()).where(Handoff.requested_at >= since)
                         .group_by(handoff_day)).all()
    waits = [(aware(b) - aware(a)).total_seconds() for a, b in s.execute(
        select(Handoff.requested_at, Handoff.first_reply_at).where(Handoff.requested_at >= month,
                                                                  Handoff.first_reply_at.is_not(None))).all()]
    unreplied = s.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.requested_at >= month, Handoff.first_reply_at.is_(None))) or 0
    sent = (select(OutboxMessage.user_id, OutboxMessage.sent_at)
            .where(OutboxMessage.kind == CHECKIN, OutboxMessage.status == "sent",
                   OutboxMessage.sent_at >= month).subquery())
    followups = s.scalar(select(func.count()).select_from(sent)) or 0
    answered = s.scalar(select(func.count()).select_from(sent).where(exists().where(and_(
        Turn.user_id == sent.c.user_id, Turn.created_at > sent.c.sent_at,
    )))) or 0
    return {
        "students": students,
        "funnel": bars(funnel, width=960, height=230, horizontal=True),
        "active": bars(_days(active, today)),
        "texts": texts, "fallbacks": fallbacks, "fallback_rate": (fallbacks / texts * 100) if texts else 0.0,
        "unanswered": unanswered,
        "handoffs": bars(_days(handoffs, today)),
        "reply_median": duration(median(waits), domain.knowledge.text) if waits else "–",
        "reply_worst": duration(max(waits), domain.knowledge.text) if waits else "–",
        "replied": len(waits), "unreplied": unreplied,
        "followups": followups, "followups_answered": answered,
    }


#: the figures are aggregates over weeks: each process recomputes them at most once a minute
CACHE_SECONDS = 60.0
_cache: dict[int, tuple[float, dict[str, Any]]] = {}


@router.get("/stats", response_class=HTMLResponse)
async def stats_page(request: Request, viewer: Annotated[Viewer, Depends(viewer_of)], fresh: int = 0) -> Response:
    console = console_of(request)

    def read() -> dict[str, Any]:
        cached = _cache.get(id(console))
        if cached and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        with console.store.unit() as s:
            data = collect(s, console.domain, console.settings.timezone)
        data["computed_at"] = datetime.now(UTC)
        _cache[id(console)] = (time.monotonic(), data)
        return data

    return console.page(request, "stats.html", **await run_in_threadpool(read))
