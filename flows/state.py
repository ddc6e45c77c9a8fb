"""What a conversation remembers between turns (stored as JSON on the conversation row)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class Place(BaseModel):
    """A position inside a guide: the flow, the current step, and the steps walked to get there."""

    flow: str
    step: str
    trail: list[str] = Field(default_factory=list)


class ReminderMemo(BaseModel):
    """What the reminder dialogue remembers (mirrored into the reminder tables by the Assistant)."""

    #: the IAP consultation the student booked on 워크넷 (ISO datetime), and one awaiting "맞아요"
    appointment: str | None = None
    pending: str | None = None
    #: the day a job started (ISO date); the check-ins count from it
    job_on: str | None = None
    #: reminder kinds switched off in 알림 설정: "nudges", "appointment", "followup"
    off: list[str] = Field(default_factory=list)
    #: filled in by the Assistant for the settings view only, never stored: (kind, ISO due time)
    upcoming: list[tuple[str, str]] = Field(default_factory=list, exclude=True)
    #: whether the user turned every proactive message off (users.notifications), for the view only
    all_off: bool = Field(default=False, exclude=True)


class ConversationState(BaseModel):
    """Everything the engine needs to continue a conversation, and nothing it can recompute."""

    place: Place | None = None
    #: a guide left with 그만, so that 계속 can pick it up again
    paused: Place | None = None
    slots: dict[str, str] = Field(default_factory=dict)
    #: the guide the last answer offered: a plain "네" starts it
    offer: str | None = None
    #: a yes/no the engine is waiting for (e.g. confirming deletion)
    confirm: Literal["delete"] | str | None = None
    #: fallbacks in a row; the second one offers a consultant
    fallbacks: int = 0
    #: the text that could not be understood, replayed when a clarifying button is pressed
    unclear: str | None = None
    #: whether the user has been greeted with the introduction
    greeted: bool = False
    #: payloads of the last turn's buttons, so that typing "2" presses the second one
    numbered: list[str] = Field(default_factory=list)
    #: free text the last turn asked for (e.g. "jobs:keyword"); holds for the next turn only
    expecting: str | None = None
    #: the occupation profile (field -> items) and the comparison basket (occupation codes)
    profile: dict[str, list[str]] = Field(default_factory=dict)
    compare: list[str] = Field(default_factory=list)
    #: who the person is, as far as the conversation tells (a content area: student, operator ...)
    audience: str | None = None
    #: facts answered most recently, newest last: context for the next question
    recent: list[str] = Field(default_factory=list)
    #: the last typed message (masked, cut to SAID_CHARS): "사이렌24 실명등록은 끝냈어요" tells where
    #: someone is when the next message asks "그다음은요?"
    said: str | None = None
    #: the typed message before ``said`` (masked, cut the same way): "잡케어 상세입력으로 프로필 쓰는중이에요"
    #: before "학력사항 다 썼어요" says which guide that is
    said_earlier: str | None = None
    #: the statement that last placed the person at a guide step, and that step's fact ("학력사항 다
    #: 썼어요" at the 학력사항 step): a later statement that says no place keeps it, a question clears it
    told: str | None = None
    told_at: str | None = None
    #: "flow:step" -> the stage that step's chosen option marked done, undone if another option is chosen
    marks: dict[str, str] = Field(default_factory=dict)
    #: the IAP appointment, the job date and the reminder switches
    reminders: ReminderMemo = Field(default_factory=ReminderMemo)


@dataclass(frozen=True, slots=True)
class UserInput:
    """One turn's input after the Assistant has cleaned it.

    ``notices`` tells the engine what the Assistant did to the raw message: ``masked_number``
    (a resident registration number was masked), ``empty``, ``too_long``, ``no_words`` (only
    emoji or symbols).
    """

    text: str | None = None
    payload: str | None = None
    parse: dict[str, Any] | None = None
    notices: frozenset[str] = frozenset()


class EffectKind(StrEnum):
    """The closed set of effects a turn can have; the Assistant has a handler for every one."""

    STAGE_DONE = "stage_done"  # value: the stage ticked
    STAGE_UNDONE = "stage_undone"  # value: the stage unticked
    DELETE_DATA = "delete_data"  # forget everything stored about the user
    HANDOFF = "handoff"  # the user asked for a person
    APPOINTMENT_SET = "appointment_set"  # value: the ISO datetime the student booked on 워크넷
    APPOINTMENT_CANCELLED = "appointment_cancelled"  # the student's appointment is off
    EMPLOYED = "employed"  # value: the ISO date the job started
    CHECKIN_ANSWER = "checkin_answer"  # value: "N:ANSWER" (ok / worry / stop)
    REMINDERS_SWITCHED = "reminders_switched"  # value: "KIND:on" or "KIND:off"
    NOTIFICATIONS_OFF = "notifications_off"  # no more proactive messages (notices, reminders)
    NOTIFICATIONS_ON = "notifications_on"  # proactive messages again


@dataclass(frozen=True, slots=True)
class Effect:
    """A change outside the conversation state that the Assistant applies in the same transaction."""

    kind: EffectKind
    value: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EffectKind(self.kind))  # ValueError for a kind outside the set
