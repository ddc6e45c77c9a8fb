"""Reading, every typed turn and before any part claims it, where the messages before placed the person in
a guide (``flows.told``): a turn another part answers ("학력사항 다 썼어요" ticks nothing, yet is claimed by
the checklist) still records the place its message before told."""

from __future__ import annotations

from typing import ClassVar

from flows.answers import answer_context, build_answerer
from flows.context import TurnContext
from flows.loader import Domain
from flows.payloads import Payload


class ToldReader:
    """A part with no payloads or intents of its own: it only reads each typed turn first."""

    payloads: ClassVar[tuple[type[Payload], ...]] = ()
    intents: ClassVar[tuple[str, ...]] = ()

    def __init__(self, domain: Domain) -> None:
        self.ranker = build_answerer(domain).ranker

    def before_text(self, ctx: TurnContext, text: str) -> None:
        answer_context(ctx, self.ranker, None, 0.0, text)
