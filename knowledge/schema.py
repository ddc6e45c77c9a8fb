"""The shape of a content file, checked when it loads.

Every Korean sentence the assistant says lives in ``knowledge/content/*.yml`` as a *fact* (something
from the source documents) or a *text* (interface wording: buttons, prompts, apologies). Flows refer
to both by id, so a fact is written once and can be both a guide step and a direct answer.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, field_validator

FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", max_length=60)]
OptionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,12}$")]
TextId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", max_length=60)]

#: Longest text one bubble may carry; longer content belongs in more steps.
MAX_FACT_CHARS = 700
#: Longest option label; Kakao shows about 14 characters of a quick reply.
MAX_LABEL_CHARS = 14


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(Strict):
    """A web link shown as a button; only addresses that appear in the source documents."""

    label: Annotated[str, StringConstraints(min_length=1, max_length=MAX_LABEL_CHARS)]
    url: HttpUrl


class Fact(Strict):
    """One thing the sources say, phrased for a phone screen in 해요체.

    ``ask`` lists ways people ask for it, which is what direct questions are matched against.
    ``options`` turns the fact into a question with buttons (id -> label), for flow ``ask`` steps.
    """

    id: FactId
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_FACT_CHARS)]
    title: Annotated[str, StringConstraints(max_length=40)] | None = None
    ask: list[str] = Field(default_factory=list)
    intent: str | None = None
    link: Link | None = None
    options: dict[OptionId, Annotated[str, StringConstraints(min_length=1, max_length=MAX_LABEL_CHARS)]] = Field(
        default_factory=dict
    )
    source: str | None = None

    @field_validator("text", "title")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return value.strip() if value else value

    @field_validator("ask")
    @classmethod
    def _non_empty_questions(cls, value: list[str]) -> list[str]:
        if any(not q.strip() for q in value):
            raise ValueError("a question in `ask` is empty")
        return value


class ContentFile(Strict):
    """A ``knowledge/content/*.yml`` file: facts, interface texts and word lists."""

    facts: list[Fact] = Field(default_factory=list)
    texts: dict[TextId, str] = Field(default_factory=dict)
    #: words that mean a command wherever they are typed (다음, 이전, 그만 ...), by command id
    words: dict[TextId, list[str]] = Field(default_factory=dict)


def _unset_placeholder(value: object) -> object:
    """``<...>`` marks a placeholder in the shipped example: it counts as unset."""
    if isinstance(value, str) and (not value.strip() or re.fullmatch(r"\s*<.*>\s*", value, re.DOTALL)):
        return None
    return value


class Consultant(Strict):
    college: str | None = None
    name: str | None = None
    contact: str | None = None

    _unset = field_validator("college", "name", "contact", mode="before")(_unset_placeholder)


class Institution(Strict):
    """The one school-specific file (``GILJABI_INSTITUTION_FILE``). Unset values stay ``None``.

    Values written as ``<...>`` are placeholders from the shipped example and count as unset, so
    the example can never leak into an answer as if it were real contact data.
    """

    school_name: str | None = None
    centre_name: str | None = None
    location: str | None = None
    hours: str | None = None
    phone: str | None = None
    url: HttpUrl | None = None
    booking: str | None = None
    consultants: list[Consultant] = Field(default_factory=list)
    #: when consultants answer in the console, by weekday (mon … sun): "09:00-18:00"; unset days are closed.
    #: Left empty, the bot promises no time at all when a student asks for a person.
    consultant_hours: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], str] = Field(
        default_factory=dict
    )

    @field_validator("consultant_hours")
    @classmethod
    def _hours_ranges(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d", span or ""):
                raise ValueError(f"{day}: write the hours as HH:MM-HH:MM, e.g. 09:00-18:00")
        return value

    @field_validator("consultants")
    @classmethod
    def _known_colleges_only(cls, value: list[Consultant]) -> list[Consultant]:
        return [c for c in value if c.college]

    _unset = field_validator(
        "school_name", "centre_name", "location", "hours", "phone", "url", "booking", mode="before"
    )(_unset_placeholder)
