"""The outbox: every message the bot sends first goes through one table.

Whatever wants to reach a user (a notice, a reminder, a consultant's reply) calls ``enqueue`` inside
the transaction that made the change, so the message exists exactly when the change does. Sending is
the dispatcher's job; quiet hours and opt-out are applied there, so every sender obeys them.
"""

from bot.outbox.queue import OutboxStatus, cancel, enqueue, enqueue_many

__all__ = ["OutboxStatus", "cancel", "enqueue", "enqueue_many"]
