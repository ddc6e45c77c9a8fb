"""Typed text in the occupation dialogue: a profile answer cut into items, and an occupation named in
a question. Kept apart from the dialogue class so that each stays small."""

from __future__ import annotations

from typing import Any, Protocol

from flows.context import TurnContext
from flows.jobs_views import show_profile, show_requirements
from flows.payloads import JobDetails, JobReport, Payload
from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.occupation_names import OccupationMention, OccupationNames
from knowledge.answering.profile_items import split_profile_items
from knowledge.answering.split import strip_greeting
from knowledge.occupations import Catalogue, Labels

#: intents under which a name like 상담사 means something else than an occupation
NOT_OCCUPATION = frozenset({"human_handoff", "center_info", "delete_my_data", "progress_status", "step_done",
                            "reminder_settings", "help", "greet", "goodbye", "thanks", "affirm", "deny"})




class Dialogue(Protocol):
    """What opening an occupation needs of the occupation dialogue."""

    catalogue: Catalogue
    labels: Labels

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None: ...


def open_named(ctx: TurnContext, jobs: Dialogue, mention: OccupationMention) -> None:
    """An occupation asked for by name, in the view asked: what it takes, its report or its page."""
    if mention.view == "requirements":
        show_requirements(ctx, jobs.catalogue, jobs.labels, mention.code)
    else:
        jobs.on_payload(ctx, (JobReport if mention.view == "report" else JobDetails)(mention.code))


def save_profile_answer(ctx: TurnContext, lexicon: AnswerLexicon, field: str, text: str) -> None:
    """Store the items of a profile answer; what is still being prepared is said, not stored as held."""
    none = text.strip() == ctx.t("jobs.none_word")
    held, preparing = ([], []) if none else split_profile_items(text, lexicon)
    ctx.state.profile[field] = held
    ctx.say(ctx.t("jobs.profile_saved", label=ctx.t(f"jobs.field.{field}")))
    if preparing:
        ctx.say(ctx.t("answer.jobs.preparing_note", items=", ".join(preparing)))
    show_profile(ctx)


def occupation_named(names: OccupationNames, lexicon: AnswerLexicon, text: str,
                     parse: dict[str, Any]) -> OccupationMention | None:
    """The occupation a message asks about by name (after any greeting), unless the NLU heard an
    intent under which the name means something else ("상담사 연결")."""
    rest = strip_greeting(text, lexicon)
    mention = names.find(rest or text)
    if ((parse.get("intent") or {}).get("name") or "") in NOT_OCCUPATION and rest is None:
        # "상담사 연결" is a handoff; "상담사 되려면 뭐 필요해요" still asks about the occupation
        alone = mention is not None and names.is_name(text)  # "프로그래머" alone is no 'yes'
        if not alone and (mention is None or not mention.framed
                          or (mention.view == "details" and mention.everyday_word
                              and not any(cue in text for cue in lexicon.occupation_cues))):
            return None
    return mention
