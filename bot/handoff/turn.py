"""The Assistant's side of a handoff: what a turn does while a person is asked for or holds the chat.

``Desk.intercept`` runs first in every turn, under the conversation's row lock: while the mode is
waiting or human, the student's message is stored (masked, as a turn) and announced to the consoles,
never parsed; the bot says once that a consultant will answer, and otherwise stays quiet (on KakaoTalk,
which must answer every message, a one-line receipt with a "상담사 답변 확인" button).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff import hours, machine
from bot.messages import Button, Reply
from bot.store.models import User
from flows.payloads import Action
from knowledge.loader import Knowledge

#: "그냥 봇이랑 할게요" and "상담사 답변 확인": answered here in every mode, before the engine
CANCEL = Action("handoff_cancel").encode()
CHECK = Action("handoff_check").encode()
#: channels that cannot stay silent: every message needs an answer of some kind
MUST_ANSWER = frozenset({"kakao"})
_SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACES.sub("", text).rstrip(".!~?").lower()


class Desk:
    """Handoff turns for one Assistant (its knowledge and time zone)."""

    def __init__(self, knowledge: Knowledge, timezone: str = "Asia/Seoul") -> None:
        self.k = knowledge
        self.timezone = timezone
        self._cancel_words = {_squash(w) for w in knowledge.words.get("handoff_cancel", [])}

    def wants_cancel(self, text: str | None, payload: str | None) -> bool:
        return payload == CANCEL or (text is not None and _squash(text) in self._cancel_words)

    # ------------------------------------------------------------------ in the turn
    def intercept(
        self, s: Session, user_id: int, mode: str, channel: str, text: str | None, payload: str | None
    ) -> list[Reply] | None:
        """The replies of a held turn (possibly none), or None when the bot should answer as usual.

        The caller has locked the conversation row (and read its ``mode``) and stores the turn with these replies.
        """
        current = machine.holding(s, user_id) if mode in machine.HELD else None
        if current is None or current.mode not in machine.HELD:
            if payload == CHECK:  # a late press of "상담사 답변 확인"
                return self._check()
            return [Reply(text=self.k.text("handoff.cancelled"))] if payload == CANCEL else None
        if self.wants_cancel(text, payload):
            machine.cancel(s, user_id)
            return [Reply(text=self.k.text("handoff.cancelled"))]
        if payload == CHECK:
            return self._check()
        machine.event(s, user_id, "message", handoff_id=current.handoff_id, text=None)
        if not current.told:
            machine.mark_told(s, user_id)
            if current.mode == machine.Mode.WAITING.value:
                return [self._waiting_reply(channel)]
            return [Reply(text=self.k.text("handoff.human"), buttons=self._buttons(channel, waiting=False))]
        if channel in MUST_ANSWER:
            return [Reply(text=self.k.text("handoff.relayed"), buttons=self._buttons(channel, waiting=False))]
        return []

    def request(self, s: Session, user_id: int, reason: str) -> list[Reply] | None:
        """Start waiting for a person (the engine's ``handoff`` effect); the replies replace the engine's."""
        if machine.request(s, user_id, reason) is None:
            return None
        machine.mark_told(s, user_id)
        channel = s.execute(select(User.channel).where(User.id == user_id)).scalar_one()
        waiting = self._waiting_reply(channel)
        if reason == "fallback":  # say why a person is coming
            waiting = Reply(text=self.k.text("handoff.after_fallback") + "\n" + (waiting.text or ""),
                            buttons=waiting.buttons)
        return [waiting]

    # ------------------------------------------------------------------ wording
    def _waiting_reply(self, channel: str) -> Reply:
        text = hours.waiting_text(self.k, datetime.now(UTC), self.timezone)
        return Reply(text=text.strip(), buttons=self._buttons(channel, waiting=True))

    def _buttons(self, channel: str, *, waiting: bool) -> list[Button]:
        out = [Button(label=self.k.text("handoff.cancel"), payload=CANCEL)] if waiting else []
        if channel in MUST_ANSWER:
            out.append(Button(label=self.k.text("handoff.check"), payload=CHECK))
        return out

    def _check(self) -> list[Reply]:
        """"상담사 답변 확인" when nothing waits; ``with_waiting`` drops it when the outbox has answers."""
        return [Reply(text=self.k.text("handoff.check_none"), buttons=[Button(label=self.k.text("handoff.check"),
                                                                              payload=CHECK)])]

    @staticmethod
    def with_waiting(waiting: list[Reply], relayed: list[Reply], payload: str | None) -> list[Reply]:
        """The outbox's waiting messages (a consultant's answer held for KakaoTalk) on top of a held turn."""
        if waiting and payload == CHECK:
            return waiting
        return [*waiting, *relayed]

    def timeout_replies(self) -> list[Reply]:
        """The apology a student gets when nobody claimed the request in time, with the centre's contacts."""
        return [Reply(text=self.k.text("handoff.timeout").strip() + "\n\n" + hours.contacts_text(self.k),
                      buttons=[Button(label=self.k.text("handoff.cancel"), payload=CANCEL)])]
