"""Handing a conversation to a person: modes, transitions and the turn while a consultant holds it."""

from bot.handoff.machine import HELD, Mode
from bot.handoff.turn import Desk

__all__ = ["HELD", "Desk", "Mode"]
