"""The button-payload grammar: one small typed value per verb, and the only code that builds or splits
payload strings.

A pressed button must mean the same thing whatever the NLU makes of its label, and buttons stay in
users' chats for months, so the wire format is fixed and backward compatible::

    m | m:MENU            Menu            f:FLOW | f:FLOW:STEP   StartFlow
    n:FLOW:STEP           Next            b:FLOW:STEP            Back
    o:FLOW:STEP:OPTION    Option          r  Resume   h  Home   x  Stop
    p                     Progress        d:STAGE  MarkDone      u:STAGE  MarkUndone
    i:INTENT              Clarify         c  Handoff             a:NAME  Action
    y                     Yes             no  No             nt:off | nt:on  Notify
    v | v:ACT  AppointmentAct   k:N:ANSWER CheckinAnswer   s  ReminderSettings   sw:KIND:on|off ReminderSwitch
    j | j:s               JobAsk          j:d:CODE JobDetails    j:a:CODE JobAdd
    j:c                   JobCompare      j:x  JobClear          j:r:CODE[:PART] JobReport
    j:p                   JobProfile      j:e:FIELD JobEdit      j:rec JobRecommend   j:del JobDeleteProfile

Fields are separated by ``:``; a field is never empty and never contains ``:``. ``encode`` raises
``ValueError`` for such a field and for a payload over :data:`MAX_BYTES` bytes of UTF-8 (Telegram's
``callback_data`` limit), so a bad button fails where it is made, not in a user's chat.

:func:`decode` never raises: it returns ``None`` for anything malformed — an unknown verb, the wrong
number of fields, an empty field, a report part that is not a number. Whether an id still exists in
the content is for the dialogue part to decide (a stale id is not malformed).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from functools import cache
from typing import ClassVar

#: Telegram allows 1-64 bytes of callback data; every channel is held to the strictest.
MAX_BYTES = 64
SEP = ":"


@dataclass(frozen=True, slots=True)
class Payload:
    """Base of every payload type; ``verb`` is its wire prefix (``j`` types add a sub-verb)."""

    verb: ClassVar[str] = ""

    def fields(self) -> list[str]:
        """The wire fields after the verb, in order (optional trailing fields left out when unset)."""
        values = (getattr(self, name) for name in _field_names(type(self)))
        return [str(v) for v in values if v is not None]

    def encode(self) -> str:
        parts = self.fields()
        text = SEP.join([self.verb, *parts])
        if "" in parts or text.count(SEP) != len(parts):  # one separator per field: none inside a field
            raise ValueError(f"payload fields {parts!r}: one is empty or contains {SEP!r}")
        if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8")) > MAX_BYTES:  # <= 16 chars always fit
            raise ValueError(f"payload {text!r} is over {MAX_BYTES} bytes")
        return text


@cache
def _field_names(kind: type[Payload]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


# ------------------------------------------------------------------------------------ navigation
@dataclass(frozen=True, slots=True)
class Menu(Payload):
    verb: ClassVar[str] = "m"
    menu: str | None = None  # None: the main menu


@dataclass(frozen=True, slots=True)
class StartFlow(Payload):
    verb: ClassVar[str] = "f"
    flow: str
    step: str | None = None  # None: the first step that applies


@dataclass(frozen=True, slots=True)
class Next(Payload):
    verb: ClassVar[str] = "n"
    flow: str
    step: str


@dataclass(frozen=True, slots=True)
class Back(Payload):
    verb: ClassVar[str] = "b"
    flow: str
    step: str


@dataclass(frozen=True, slots=True)
class Option(Payload):
    verb: ClassVar[str] = "o"
    flow: str
    step: str
    option: str


@dataclass(frozen=True, slots=True)
class Resume(Payload):
    verb: ClassVar[str] = "r"


@dataclass(frozen=True, slots=True)
class Home(Payload):
    verb: ClassVar[str] = "h"


@dataclass(frozen=True, slots=True)
class Stop(Payload):
    verb: ClassVar[str] = "x"


# -------------------------------------------------------------------------- progress and the rest
@dataclass(frozen=True, slots=True)
class Progress(Payload):
    verb: ClassVar[str] = "p"


@dataclass(frozen=True, slots=True)
class MarkDone(Payload):
    verb: ClassVar[str] = "d"
    stage: str


@dataclass(frozen=True, slots=True)
class MarkUndone(Payload):
    verb: ClassVar[str] = "u"
    stage: str


@dataclass(frozen=True, slots=True)
class Clarify(Payload):
    """"I meant this": replays the unclear text as this intent."""

    verb: ClassVar[str] = "i"
    intent: str


@dataclass(frozen=True, slots=True)
class Handoff(Payload):
    verb: ClassVar[str] = "c"


@dataclass(frozen=True, slots=True)
class Action(Payload):
    """A menu action named in the content (``center``, ``jobs``)."""

    verb: ClassVar[str] = "a"
    name: str


@dataclass(frozen=True, slots=True)
class Yes(Payload):
    verb: ClassVar[str] = "y"


@dataclass(frozen=True, slots=True)
class No(Payload):
    verb: ClassVar[str] = "no"


@dataclass(frozen=True, slots=True)
class AppointmentAct(Payload):
    """Reminders: the IAP appointment, ``v`` shows it; ACT ok / re / c / x / xy / xn (flows/appointments.py)."""
    verb: ClassVar[str] = "v"
    act: str | None = None

@dataclass(frozen=True, slots=True)
class CheckinAnswer(Payload):
    """An answer to follow-up check-in NUMBER: ``k:N:ok|worry|stop``."""
    verb: ClassVar[str] = "k"
    number: str
    answer: str

@dataclass(frozen=True, slots=True)
class ReminderSettings(Payload):
    """``s`` shows 알림 설정; ``sw:KIND:on|off`` (below) switches one kind of reminder."""
    verb: ClassVar[str] = "s"

@dataclass(frozen=True, slots=True)
class ReminderSwitch(Payload):
    verb: ClassVar[str] = "sw"
    kind: str  # nudges, appointment, followup
    to: str  # on, off


# ---------------------------------------------------------------------------------- occupations
@dataclass(frozen=True, slots=True)
class JobPayload(Payload):
    """The occupation dialogue's payloads: ``j:SUB[:...]``."""

    verb: ClassVar[str] = "j"
    sub: ClassVar[str] = ""

    def fields(self) -> list[str]:
        return [self.sub, *Payload.fields(self)]


@dataclass(frozen=True, slots=True)
class JobAsk(JobPayload):
    sub: ClassVar[str] = "s"


@dataclass(frozen=True, slots=True)
class JobDetails(JobPayload):
    sub: ClassVar[str] = "d"
    code: str


@dataclass(frozen=True, slots=True)
class JobAdd(JobPayload):
    sub: ClassVar[str] = "a"
    code: str


@dataclass(frozen=True, slots=True)
class JobCompare(JobPayload):
    sub: ClassVar[str] = "c"


@dataclass(frozen=True, slots=True)
class JobClear(JobPayload):
    sub: ClassVar[str] = "x"


@dataclass(frozen=True, slots=True)
class JobReport(JobPayload):
    sub: ClassVar[str] = "r"
    code: str
    part: int = 1


@dataclass(frozen=True, slots=True)
class JobProfile(JobPayload):
    sub: ClassVar[str] = "p"


@dataclass(frozen=True, slots=True)
class JobEdit(JobPayload):
    sub: ClassVar[str] = "e"
    field: str


@dataclass(frozen=True, slots=True)
class JobRecommend(JobPayload):
    sub: ClassVar[str] = "rec"


@dataclass(frozen=True, slots=True)
class JobDeleteProfile(JobPayload):
    sub: ClassVar[str] = "del"


@dataclass(frozen=True, slots=True)
class Notify(Payload):
    """Turning the bot's own messages (notices, reminders) off or on: ``nt:off`` / ``nt:on``."""

    verb: ClassVar[str] = "nt"
    OFF: ClassVar[str] = "off"
    ON: ClassVar[str] = "on"
    switch: str


PAYLOAD_TYPES: tuple[type[Payload], ...] = (
    Menu, StartFlow, Next, Back, Option, Resume, Home, Stop, Progress, MarkDone, MarkUndone, Clarify,
    Handoff, Action, Yes, No, AppointmentAct, CheckinAnswer, ReminderSettings,
    ReminderSwitch, JobAsk, JobDetails, JobAdd, JobCompare, JobClear, JobReport, JobProfile, JobEdit, JobRecommend,
    JobDeleteProfile, Notify,
)
_BY_VERB: dict[str, type[Payload]] = {t.verb: t for t in PAYLOAD_TYPES if not issubclass(t, JobPayload)}
_JOBS_BY_SUB: dict[str, type[JobPayload]] = {t.sub: t for t in PAYLOAD_TYPES if issubclass(t, JobPayload)}


def _build(kind: type[Payload], args: list[str]) -> Payload | None:
    """``kind`` from its wire fields, or None when their number or form is wrong."""
    names = [f.name for f in fields(kind)]
    required = sum(1 for f in fields(kind) if f.default is MISSING)
    if not required <= len(args) <= len(names) or any(not a for a in args):
        return None
    values: dict[str, object] = dict(zip(names, args, strict=False))
    if kind is JobReport and "part" in values:
        part = str(values["part"])
        if not (part.isascii() and part.isdigit()):
            return None
        values["part"] = int(part)
    return kind(**values)


def decode(text: str) -> Payload | None:
    """The payload ``text`` encodes, or None if it is malformed (see the module docstring)."""
    verb, _, rest = text.partition(SEP)
    args = rest.split(SEP) if rest else []
    if verb == JobPayload.verb:
        sub, args = (args[0], args[1:]) if args else (JobAsk.sub, [])
        kind: type[Payload] | None = _JOBS_BY_SUB.get(sub)
    else:
        kind = _BY_VERB.get(verb)
    return None if kind is None else _build(kind, args)
