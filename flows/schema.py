"""The shape of a flow file (``flows/content/*.yml``), in the spirit of Rasa's flows.

A flow is an ordered list of steps. A step says a fact, or asks a question fact whose option ids
choose where to go next, and may be skipped by a condition on a slot. Flows hold no Korean: every
word a user sees is a fact or text in ``knowledge/content`` referenced by id.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

FlowId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,23}$")]
StepId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,16}$")]
SlotName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
StageId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,15}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Target(Strict):
    """Where an option leads: another step, another flow, or the end. ``done`` marks a stage."""

    step: StepId | None = None
    flow: FlowId | None = None
    end: bool = False
    done: StageId | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Target:
        if sum((self.step is not None, self.flow is not None, self.end)) > 1:
            raise ValueError("an option leads to one place: step, flow or end")
        return self


class Step(Strict):
    """``say`` a fact, or ``ask`` a question fact whose answer goes into ``slot``.

    ``collect`` is ``slot`` for something asked once per person (e.g. grade): the step is skipped
    when the slot is already known.
    """

    id: StepId | None = None
    say: str | None = None
    ask: str | None = None
    slot: SlotName | None = None
    collect: SlotName | None = None
    next: dict[str, Target] = Field(default_factory=dict)
    when: dict[SlotName, list[str]] = Field(default_factory=dict, alias="if")
    done: StageId | None = None

    @model_validator(mode="after")
    def _say_or_ask(self) -> Step:
        if (self.say is None) == (self.ask is None):
            raise ValueError("a step has exactly one of `say` or `ask`")
        if self.say is not None and (self.next or self.collect or self.slot):
            raise ValueError("`next`, `slot` and `collect` belong to `ask` steps")
        return self

    @property
    def fact_id(self) -> str:
        return self.say or self.ask or ""

    @property
    def slot_name(self) -> str | None:
        return self.collect or self.slot

    @property
    def key(self) -> str:
        """The step id: explicit, or the last part of its fact id."""
        return self.id or self.fact_id.rsplit(".", 1)[-1][:16]


class Flow(Strict):
    """A guide. ``about`` is a fact whose title names the guide and whose text sums it up."""

    id: FlowId
    about: str
    intent: str | None = None
    stage: StageId | None = None
    then: FlowId | None = None
    #: guides that say this one's steps in more detail: their facts answer questions asked in this one
    details: list[FlowId] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)


class MenuItem(Strict):
    """A menu entry opens a flow, another menu, or one of the engine's built-in actions."""

    flow: FlowId | None = None
    menu: FlowId | None = None
    action: Literal["progress", "jobs", "center", "handoff"] | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> MenuItem:
        if sum(x is not None for x in (self.flow, self.menu, self.action)) != 1:
            raise ValueError("a menu item has exactly one of flow, menu or action")
        if self.flow is None and self.label is None:
            raise ValueError("menu and action items need a `label` text id")
        return self


class Menu(Strict):
    id: FlowId
    title: str
    items: list[MenuItem] = Field(min_length=1, max_length=10)


class Stage(Strict):
    """One item of the 재맞고 checklist, and the guide that walks it."""

    id: StageId
    label: str
    flow: FlowId


class FlowFile(Strict):
    flows: list[Flow] = Field(default_factory=list)
    menus: list[Menu] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
