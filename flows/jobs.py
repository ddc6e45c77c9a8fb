"""Occupations in the chat: keyword search, details, comparison, a saved profile, recommendation
and the career-path report in phone-sized parts — JobCare's idea over ``knowledge.occupations``.

Its payloads are the ``Job*`` types of ``flows/payloads.py``; the views it shares with the report are
in ``flows/jobs_views.py`` and the report in ``flows/jobs_report.py``. Market data is given to it by
``bot`` (:meth:`JobsDialogue.set_market`), never read from disk during a turn.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.jobs_report import show_report
from flows.jobs_text import occupation_named, open_named, save_profile_answer
from flows.jobs_views import (
    PROFILE_FIELDS,
    profile_button,
    saved_profile,
    search_button,
    show_comparison,
    show_details,
    show_profile,
    show_recommendations,
)
from flows.payloads import (
    JobAdd,
    JobAsk,
    JobClear,
    JobCompare,
    JobDeleteProfile,
    JobDetails,
    JobEdit,
    JobPayload,
    JobProfile,
    JobRecommend,
    JobReport,
    Payload,
)
from flows.replies import ListItem, Reply
from knowledge.answering import load_lexicon
from knowledge.answering.occupation_names import OccupationNames
from knowledge.occupations import (
    MarketData,
    Profile,
    default_catalogue,
    load_labels,
    search,
)

MAX_COMPARE = 3
#: Guide intents this sure mean a new question, not the keyword or profile item we asked for.
_NEW_QUESTION_CONFIDENCE = 0.9
_JOB_INTENTS = {"job_search", "occupation_compare", "profile_recommend", "nlu_fallback", "out_of_scope"}

#: Texts this dialogue uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = (
    "jobs.ask_keyword", "jobs.results", "jobs.none", "jobs.not_found", "jobs.details_more", "jobs.added",
    "jobs.already_added", "jobs.compare_full", "jobs.compare_need", "jobs.compare_cleared", "jobs.compare_line",
    "jobs.coverage_line", "jobs.rec_header", "jobs.rec_item", "jobs.rec_none", "jobs.rec_from_text",
    "jobs.profile_header", "jobs.profile_empty", "jobs.profile_line", "jobs.profile_hint", "jobs.profile_ask",
    "jobs.profile_saved", "jobs.profile_deleted", "jobs.none_word", "jobs.report_part", "jobs.report_level_line",
    "jobs.report_no_gap", "jobs.report_gap_line", "jobs.market_line", "jobs.btn.search", "jobs.btn.details",
    "jobs.btn.add", "jobs.btn.compare", "jobs.btn.clear", "jobs.btn.report", "jobs.btn.more", "jobs.btn.profile",
    "jobs.btn.recommend", "jobs.btn.delete_profile", "jobs.btn.market",
    *(f"jobs.field.{f}" for f in PROFILE_FIELDS),
    "answer.jobs.requirements_title", "answer.jobs.requirements_intro", "answer.jobs.requirements_ncs",
    "answer.jobs.preparing_note",
)


def whole_words(text: str, entity: dict[str, Any]) -> str:
    """The space-separated words an entity span touches: a typo can make the tagger split a word
    ("정보쳐리기사" -> 정보/쳐/리기사) and the search copes with whole words far better than fragments."""
    start, end = int(entity.get("start", 0)), int(entity.get("end", 0))
    if not 0 <= start < end <= len(text):
        return str(entity.get("value", ""))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip(" ?!.,~")



class JobsDialogue:
    """The occupation part of the dialogue; stateless itself, it reads and writes the turn's state."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (
        JobAsk, JobDetails, JobAdd, JobCompare, JobClear, JobReport, JobProfile, JobEdit, JobRecommend,
        JobDeleteProfile,
    )
    intents: ClassVar[tuple[str, ...]] = ("job_search", "occupation_compare", "profile_recommend")

    def __init__(self, market: MarketData | None = None) -> None:
        self.catalogue = default_catalogue()
        self.labels = load_labels()
        self.market = market or MarketData()
        self.lexicon = load_lexicon()
        self.names = OccupationNames(self.catalogue, self.lexicon)

    def warm_up(self) -> None:
        """Build the search index now (a server's start-up), not on somebody's first search."""
        self.catalogue.index  # noqa: B018

    def set_market(self, market: MarketData) -> None:
        """New market data (bot reloads the imported file when it changes); used from the next turn."""
        self.market = market

    # ----------------------------------------------------------- entry points
    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        entities = parse.get("entities") or []
        if intent == "occupation_compare":
            names = [str(e["value"]) for e in entities if e.get("entity") in ("occupation", "keyword")]
            self.compare_named(ctx, names)
        elif intent == "profile_recommend":
            saved = saved_profile(ctx) or Profile()
            profile = saved.model_copy(update={"experiences": [*saved.experiences, text[:200]]})
            show_recommendations(ctx, self.catalogue, profile, intro=text)
        else:
            spans = [e for e in entities if e.get("entity") in ("keyword", "occupation")]
            keyword = whole_words(text, spans[0]) if spans else ""
            if keyword or text:
                self.search(ctx, keyword or text)
            else:
                self.ask_keyword(ctx)

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, JobPayload):
            raise LookupError(payload)
        match payload:
            case JobAsk():
                self.ask_keyword(ctx)
            case JobDetails(code):
                show_details(ctx, self.catalogue, self.labels, code)
            case JobAdd(code):
                self.add(ctx, code)
            case JobCompare():
                self.compare_basket(ctx)
            case JobClear():
                ctx.state.compare = []
                ctx.say(ctx.t("jobs.compare_cleared"), [search_button(ctx), ctx.menu_button()])
            case JobReport(code, part):
                show_report(ctx, self.catalogue, self.labels, self.market, code, part)
            case JobProfile():
                show_profile(ctx)
            case JobEdit(field) if field in PROFILE_FIELDS:
                ctx.state.expecting = f"jobs:profile:{field}"
                ctx.say(ctx.t("jobs.profile_ask", label=ctx.t(f"jobs.field.{field}")), [profile_button(ctx)])
            case JobRecommend():
                profile = saved_profile(ctx)
                if profile is None:
                    show_profile(ctx)
                else:
                    show_recommendations(ctx, self.catalogue, profile, intro=None)
            case JobDeleteProfile():
                ctx.state.profile = {}
                ctx.say(ctx.t("jobs.profile_deleted"), [profile_button(ctx), ctx.menu_button()])
            case _:
                raise LookupError(payload)

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """The keyword or profile item we asked for — unless the message is plainly a new question;
        otherwise an occupation asked for by name."""
        expecting = ctx.expecting
        if not expecting:
            return self.by_name(ctx, text, parse)
        intent = parse.get("intent") or {}
        if intent.get("name") not in _JOB_INTENTS and (intent.get("confidence") or 0) >= _NEW_QUESTION_CONFIDENCE:
            return False
        if expecting == "jobs:keyword":
            self.search(ctx, text)
            return True
        field = expecting.removeprefix("jobs:profile:")
        if field not in PROFILE_FIELDS:
            return False
        save_profile_answer(ctx, self.lexicon, field, text)
        return True

    def by_name(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """"간호사", "바리스타 되려면?", "데이터분석가 보고서": that occupation's details, needs or report."""
        mention = occupation_named(self.names, self.lexicon, text, parse)
        if mention is not None:
            open_named(ctx, self, mention)
        return mention is not None

    # ------------------------------------------------------------------ views
    def ask_keyword(self, ctx: TurnContext) -> None:
        ctx.state.expecting = "jobs:keyword"
        ctx.say(ctx.t("jobs.ask_keyword"), [profile_button(ctx), ctx.menu_button()])

    def search(self, ctx: TurnContext, keyword: str) -> None:
        keyword = keyword.strip()[:100]
        hits = search(keyword, limit=5, catalogue=self.catalogue)
        if not hits:
            ctx.state.expecting = "jobs:keyword"
            ctx.say(ctx.t("jobs.none", q=keyword), [profile_button(ctx), ctx.menu_button()])
            return
        items = [ListItem(title=h.name, description=", ".join(h.why[:2]), payload=JobDetails(h.code).encode())
                 for h in hits]
        ctx.replies.append(Reply(type="list", title=ctx.t("jobs.results", q=keyword), items=items))
        ctx.say(ctx.t("jobs.details_more"), [search_button(ctx), profile_button(ctx), ctx.menu_button()])

    # ------------------------------------------------------------- comparing
    def add(self, ctx: TurnContext, code: str) -> None:
        occ = self.catalogue.get(code)
        if occ is None:
            raise LookupError(code)
        basket = ctx.state.compare
        if occ.code in basket:
            text = ctx.t("jobs.already_added", name=occ.name, count=len(basket))
        elif len(basket) >= MAX_COMPARE:
            text = ctx.t("jobs.compare_full")
        else:
            basket.append(occ.code)
            text = ctx.t("jobs.added", name=occ.name, count=len(basket))
        buttons = [ctx.button("jobs.btn.compare", JobCompare())] if len(basket) >= 2 else []
        ctx.say(text, [*buttons, search_button(ctx), ctx.button("jobs.btn.clear", JobClear())])

    def compare_named(self, ctx: TurnContext, names: list[str]) -> None:
        codes: list[str] = []
        for name in names:
            hits = search(name, limit=1, catalogue=self.catalogue)
            if hits and hits[0].code not in codes:
                codes.append(hits[0].code)
        if len(codes) >= 2:
            show_comparison(ctx, self.catalogue, self.labels, codes[:MAX_COMPARE])
        else:
            self.compare_basket(ctx)

    def compare_basket(self, ctx: TurnContext) -> None:
        if len(ctx.state.compare) < 2:
            ctx.say(ctx.t("jobs.compare_need"), [search_button(ctx), ctx.menu_button()])
            return
        show_comparison(ctx, self.catalogue, self.labels, ctx.state.compare)
