"""The IAP appointment the student booked on 워크넷: telling the bot when, 내 예약, changing, cancelling.

The bot only remembers what the student booked there and reminds them; it never books, changes or
cancels anything on 워크넷 and its replies say so. A date and time is read back in Korean and
confirmed before it is kept; a missing half is asked for, a past or impossible one kindly corrected.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from flows.context import TurnContext
from flows.payloads import AppointmentAct, Payload, StartFlow
from flows.reminder_times import say_day, say_moment, say_time
from flows.state import EffectKind
from knowledge.retrieval import squash
from nlu.when import When, combine, resolve

#: ``state.expecting`` while the bot waits for the appointment's date and time
EXPECTING = "appointment"
#: the checklist stage a booked appointment completes
BOOKING_STAGE = "iap_booking"
#: a message with both a date and a time and at most this many other letters is an appointment
#: even without a word like 상담 ("내일 10시 반이요")
BARE_REST = 4


def says(ctx: TurnContext, text: str, word_list: str) -> bool:
    """Whether ``text`` contains one of the content's phrases for ``word_list`` (spacing ignored)."""
    key = squash(text)
    return any(squash(w) in key for w in ctx.k.words.get(word_list, []))


class Appointments:
    """``v[:ACT]`` payloads, and typed dates/times, 내 예약, 예약 바꿀래요, 예약 취소.

    ACT: none shows the appointment, ``ok`` keeps the time read back, ``re`` asks for it again,
    ``c`` changes it, ``x`` asks whether to cancel, ``xy`` / ``xn`` answer that question.
    """

    payloads: ClassVar[tuple[type[Payload], ...]] = (AppointmentAct,)
    intents: ClassVar[tuple[str, ...]] = ()

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    # ------------------------------------------------------------------------------ typed text
    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """Cancelling or changing claims the message only when there is a remembered appointment;
        otherwise it is a question about 워크넷's booking and the answers part takes it."""
        remembered = ctx.state.reminders.appointment is not None
        if remembered and says(ctx, text, "appointment_cancel"):
            self.ask_cancel(ctx)
        elif remembered and says(ctx, text, "appointment_change"):
            self.ask_when(ctx, "appt.change_ask")
        elif says(ctx, text, "appointment_show"):
            self.show(ctx)
        else:
            return self.maybe_time(ctx, text)
        return True

    def maybe_time(self, ctx: TurnContext, text: str) -> bool:
        """Claim a message that tells the appointment's time (or the half the bot asked for)."""
        try:
            now = ctx.now.astimezone(self.zone)
        except RuntimeError:  # stepped without a clock (some engine tests): no time can be read
            return False
        when = resolve(text, now)
        expecting = ctx.expecting == EXPECTING
        named = when.day is not None or when.hour is not None or when.problem in ("bad_date", "bad_time")
        if not named:
            return False
        whole = when.day is not None and when.hour is not None
        if not expecting and not (whole and (when.rest <= BARE_REST or says(ctx, text, "appointment_cue"))):
            return False
        if expecting:
            when = complete(when, ctx.state.reminders.pending, now)
        read_back(ctx, self.zone, when)
        return True

    # -------------------------------------------------------------------------------- buttons
    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        act = payload.act if isinstance(payload, AppointmentAct) else None
        handlers = {
            None: self.show, "ok": self.keep, "re": lambda c: self.ask_when(c, "appt.ask_when"),
            "c": lambda c: self.ask_when(c, "appt.change_ask"), "x": self.ask_cancel,
            "xy": self.cancel, "xn": lambda c: c.say(c.t("appt.kept"), [c.menu_button()]),
        }
        if act not in handlers:
            raise LookupError(payload)
        handlers[act](ctx)

    def keep(self, ctx: TurnContext) -> None:
        """The read-back time confirmed: remember it (the Assistant stores it and plans its reminders)."""
        memo = ctx.state.reminders
        if not memo.pending or "T" not in memo.pending[1:]:
            ctx.stale_button()
            return
        at = datetime.fromisoformat(memo.pending)
        if at <= ctx.now:
            local = at.astimezone(self.zone)
            read_back(ctx, self.zone, When(None, "past", local.date(), local.time()))
            return
        memo.appointment, memo.pending = memo.pending, None
        ctx.effect(EffectKind.APPOINTMENT_SET, memo.appointment)
        if BOOKING_STAGE in ctx.domain.stages:
            ctx.mark(BOOKING_STAGE, quiet=True)
        quiet = "appointment" in memo.off or memo.all_off
        ctx.say(
            ctx.t("appt.saved_quiet" if quiet else "appt.saved", when=say_moment(at, self.zone, ctx.t)),
            [ctx.button("appt.btn_change", AppointmentAct("c")), ctx.menu_button()],
        )

    def ask_when(self, ctx: TurnContext, text_id: str) -> None:
        ctx.state.expecting = EXPECTING
        ctx.state.reminders.pending = None
        ctx.say(ctx.t(text_id))

    def show(self, ctx: TurnContext) -> None:
        at = self.current(ctx)
        if at is None:
            ctx.state.expecting = EXPECTING
            how = ctx.button("appt.btn_how", StartFlow("iap_booking")) if "iap_booking" in ctx.domain.flows else None
            ctx.say(ctx.t("appt.none"), [b for b in (how, ctx.menu_button()) if b])
            return
        ctx.say(
            ctx.t("appt.show", when=say_moment(at, self.zone, ctx.t)),
            [ctx.button("appt.btn_change", AppointmentAct("c")), ctx.button("appt.btn_cancel", AppointmentAct("x"))],
        )

    def ask_cancel(self, ctx: TurnContext) -> None:
        at = self.current(ctx)
        if at is None:
            self.show(ctx)
            return
        ctx.say(
            ctx.t("appt.cancel_confirm", when=say_moment(at, self.zone, ctx.t)),
            [ctx.button("nav.yes", AppointmentAct("xy")), ctx.button("nav.no", AppointmentAct("xn"))],
        )

    def cancel(self, ctx: TurnContext) -> None:
        if ctx.state.reminders.appointment is None:
            ctx.stale_button()
            return
        ctx.state.reminders.appointment = None
        ctx.effect(EffectKind.APPOINTMENT_CANCELLED)
        ctx.say(ctx.t("appt.cancelled"), [ctx.menu_button()])

    def current(self, ctx: TurnContext) -> datetime | None:
        """The remembered appointment, if it is still ahead (a past one is simply not shown)."""
        stored = ctx.state.reminders.appointment
        at = datetime.fromisoformat(stored) if stored else None
        return at if at is not None and at > ctx.now else None


def complete(when: When, pending: str | None, now: datetime) -> When:
    """The half given earlier (a day, or an hour) joined with the half given now."""
    if not pending or when.at is not None:
        return when
    if when.problem == "no_time" or when.problem == "no_date":
        day = when.day or (date.fromisoformat(pending) if "T" not in pending else None)
        hour = when.hour or (time.fromisoformat(pending[1:]) if pending.startswith("T") else None)
        return combine(day, hour, now)
    return when


def read_back(ctx: TurnContext, zone: ZoneInfo, when: When) -> None:
    """Read the moment back for a yes, or ask for what is missing, or correct it kindly."""
    memo = ctx.state.reminders
    if when.at is not None:
        memo.pending = when.at.isoformat()
        ctx.say(
            ctx.t("appt.confirm", when=say_moment(when.at, zone, ctx.t)),
            [ctx.button("appt.btn_yes", AppointmentAct("ok")), ctx.button("appt.btn_retry", AppointmentAct("re"))],
        )
        return
    ctx.state.expecting = EXPECTING
    if when.problem == "no_time" and when.day:
        memo.pending = when.day.isoformat()
        ctx.say(ctx.t("appt.no_time", day=say_day(when.day, ctx.t)))
    elif when.problem == "no_date" and when.hour:
        memo.pending = "T" + when.hour.isoformat(timespec="minutes")
        ctx.say(ctx.t("appt.no_date", time=say_time(when.hour, ctx.t)))
    elif when.problem == "past" and when.day and when.hour:
        memo.pending = None
        at = datetime.combine(when.day, when.hour, tzinfo=zone)
        ctx.say(ctx.t("appt.past", when=say_moment(at, zone, ctx.t)))
    else:
        memo.pending = None
        ctx.say(ctx.t("appt.bad_time" if when.problem == "bad_time" else "appt.bad_date"))
