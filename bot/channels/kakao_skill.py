"""KakaoTalk in the server: the Open Builder skill endpoint, and the Event API sender when configured.

Translation (requests to ``Inbound``, replies to skill responses) lives in ``kakao``; this module
only wires it to the server through the channel interface. A skill server cannot message a user
first: without the Event API settings the channel has no sender, so outbox rows wait ("held") and
go out at the top of the user's next answer.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from bot.channels import kakao
from bot.channels.base import Channel, ChannelContext, Endpoint, Sender, secret_ok
from bot.channels.kakao_event import create_event_sender
from bot.messages import Reply

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.direct import DirectRequest

log = logging.getLogger("giljabi.channels.kakao")

CHANNEL = kakao.CHANNEL
#: Open Builder waits about 5 s; a turn still running after this gets a "busy" answer instead
KAKAO_BUDGET_SECONDS = 4.0


class KakaoMount(Channel):
    """``POST /kakao/skill`` behind the shared secret header; the Event API sender if configured."""

    name = CHANNEL

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        self._sender = create_event_sender(context.settings)
        if not context.settings.kakao_skill_secret or not context.settings.kakao_skill_secret.get_secret_value():
            log.warning("GILJABI_KAKAO_SKILL_SECRET is not set: every Kakao skill request is rejected")

    def sender(self) -> Sender | None:
        return self._sender

    async def stop(self) -> None:
        if self._sender is not None:
            await self._sender.close()

    def direct_routes(self) -> dict[str, Endpoint]:
        context = self._context
        apology, busy = context.text("error.sorry"), context.text("channel.busy")

        # served straight from the ASGI entry (``bot.direct``): no FastAPI middleware, dependency solving,
        # Starlette Request or Response, which cost about a third of the event loop's time per turn
        async def kakao_skill(request: DirectRequest) -> tuple[int, Any]:
            if not secret_ok(request.header(b"x-skill-secret"), context.settings.kakao_skill_secret):
                context.count_error(CHANNEL, "unauthorized")
                return 401, {"detail": "unauthorized"}
            try:
                inbound = kakao.parse_request(json.loads(request.body))
            except (ValueError, RecursionError):  # JSON, UTF-8 and kakao.BadRequest errors are ValueErrors
                context.count_error(CHANNEL, "bad_request")
                return 400, kakao.simple_response(apology)
            replies = await context.turn(inbound, KAKAO_BUDGET_SECONDS)
            if replies is None:
                return 200, kakao.simple_response(busy)
            return 200, kakao.render(replies or [Reply(text=apology)])

        return {"/kakao/skill": kakao_skill}


def create_channel(context: ChannelContext) -> KakaoMount:
    """The Kakao skill endpoint is always mounted (it rejects everything until its secret is set)."""
    return KakaoMount(context)


def create_sender(settings: Settings) -> Sender | None:
    """The Event API sender for ``giljabi worker``, when ``GILJABI_KAKAO_EVENT_*`` are set."""
    return create_event_sender(settings)
