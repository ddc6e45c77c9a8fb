"""Messages that wait for the user's next turn, delivered at the top of that turn's answer.

Channels that cannot push (KakaoTalk without the Event API, the terminal) get their rows ``held`` by
the dispatcher; the Assistant calls ``take_waiting`` inside the turn's transaction, so a message is
delivered exactly when the answer carrying it is stored. Rows already due but not yet dispatched are
taken too (the user is here now). A few per turn (``limit``), oldest first: KakaoTalk shows at most 3
outputs, so the rest wait for the turn after. The same turn clears the user's "unreachable" mark:
they wrote again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.channels.base import Permanent
from bot.messages import Reply
from bot.outbox.compose import Composer
from bot.outbox.queue import OutboxStatus, is_proactive
from bot.store.models import OutboxMessage, User

S = OutboxStatus
O = OutboxMessage  # noqa: E741 - short alias for the statements below

_WAITING = or_(O.status == S.HELD.value, (O.status == S.PENDING.value) & (O.due_at <= bindparam("now")))
#: one round trip on every turn: is anything waiting, and was the user marked unreachable?
_PROBE = select(
    User.unreachable_since, User.notifications,
    exists().where(O.user_id == User.id, _WAITING),
).where(User.id == bindparam("uid"))
_TAKE = (
    select(O.id, O.kind, O.replies, O.template, O.params)
    .where(O.user_id == bindparam("uid"), _WAITING)
    .order_by(O.due_at, O.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_NOTIFICATIONS = select(User.notifications).where(User.id == bindparam("uid"))
_REACHABLE = update(User).where(User.id == bindparam("uid")).values(unreachable_since=None)

#: messages put on top of one answer; KakaoTalk's three outputs leave room for the answer itself
PER_TURN = 2


def take_waiting(
    session: Session,
    user_id: int,
    now: datetime,
    composer: Composer,
    limit: int = PER_TURN,
    *,
    known: tuple[bool, bool] | None = None,
) -> list[Reply]:
    """The replies of up to ``limit`` waiting rows, marked ``sent`` in the caller's transaction.

    ``known`` is ``(rows waiting, user unreachable)`` when the caller has already read them (the
    Store reads both with the conversation, so a turn with nothing waiting costs no query here)."""
    if known is None:
        probe = session.execute(_PROBE, {"uid": user_id, "now": now}).first()
        if probe is None:
            return []
        waiting, unreachable = bool(probe[2]), probe[0] is not None
    else:
        waiting, unreachable = known
    if unreachable:
        session.execute(_REACHABLE, {"uid": user_id})
    if not waiting:
        return []
    notifications = session.scalar(_NOTIFICATIONS, {"uid": user_id})
    replies: list[Reply] = []
    delivered: list[int] = []
    cancelled: list[int] = []
    failed: list[int] = []
    for row in session.execute(_TAKE, {"uid": user_id, "now": now, "limit": limit}):
        if is_proactive(row.kind) and not notifications:
            cancelled.append(row.id)
            continue
        try:
            replies += composer.replies(row.kind, row.replies, row.template, row.params)
        except Permanent:
            failed.append(row.id)
            continue
        delivered.append(row.id)
    if delivered:
        session.execute(update(O).where(O.id.in_(delivered)).values(
            status=S.SENT.value, sent_at=now, provider_message_id="next-turn"))
    if cancelled:
        session.execute(update(O).where(O.id.in_(cancelled)).values(
            status=S.CANCELLED.value, last_error="notifications off"))
    if failed:
        session.execute(update(O).where(O.id.in_(failed)).values(status=S.FAILED.value, last_error="unreadable"))
    return replies
