"""The terminal (``giljabi chat``): a channel without routes or a sender.

Messages for a terminal user cannot be pushed; the outbox holds them and the Assistant puts them at
the top of that user's next answer, as for KakaoTalk without the Event API.
"""

from __future__ import annotations

from bot.channels.base import Channel, ChannelContext

CHANNEL = "cli"


class TerminalChannel(Channel):
    name = CHANNEL


def create_channel(context: ChannelContext) -> TerminalChannel:
    return TerminalChannel()
