"""The channel-neutral reply model.

Flows produce these; every channel adapter renders them within its own limits. Keeping the model
this small is what lets a new channel be one short module.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator


class Button(BaseModel):
    """A quick reply (``payload``) or a link (``url``) — exactly one of the two."""

    label: str
    payload: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Button:
        if (self.payload is None) == (self.url is None):
            raise ValueError("a button has either a payload or a url")
        return self

    def to_dict(self) -> dict[str, str]:
        out = {"label": self.label}
        if self.payload is not None:
            out["payload"] = self.payload
        if self.url is not None:
            out["url"] = self.url
        return out


class ListItem(BaseModel):
    """One row of a list reply; pressing it sends ``payload`` or opens ``url``."""

    title: str
    description: str | None = None
    payload: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Reply(BaseModel):
    """One message bubble: plain text, a card (title + text + buttons) or a list."""

    type: Literal["text", "card", "list"] = "text"
    text: str | None = None
    title: str | None = None
    buttons: list[Button] = Field(default_factory=list)
    items: list[ListItem] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented REPLY JSON shape: only the fields that apply."""
        out: dict[str, Any] = {"type": self.type}
        if self.title is not None:
            out["title"] = self.title
        if self.text is not None:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = [b.to_dict() for b in self.buttons]
        if self.items:
            out["items"] = [i.to_dict() for i in self.items]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        return cls.model_validate(data)


def numbered_payloads(replies: list[Reply]) -> list[str]:
    """The payloads a user can pick by number, in the order every channel shows them."""
    out: list[str] = []
    for reply in replies:
        out += [item.payload for item in reply.items if item.payload]
        out += [button.payload for button in reply.buttons if button.payload]
    return out
