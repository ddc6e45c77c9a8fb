"""Views of the occupation dialogue shared by its modules: the standing buttons, the saved profile,
comparisons and recommendations."""

from __future__ import annotations

from flows.context import TurnContext
from flows.payloads import (
    JobAdd,
    JobAsk,
    JobClear,
    JobDeleteProfile,
    JobDetails,
    JobEdit,
    JobProfile,
    JobRecommend,
    JobReport,
)
from flows.replies import Button, ListItem, Reply
from knowledge.occupations import Catalogue, Labels, OccupationNotFound, Profile, compare, details, recommend

PROFILE_FIELDS = ("majors", "courses", "certificates", "skills", "experiences")


def search_button(ctx: TurnContext) -> Button:
    return ctx.button("jobs.btn.search", JobAsk())


def profile_button(ctx: TurnContext) -> Button:
    return ctx.button("jobs.btn.profile", JobProfile())


def saved_profile(ctx: TurnContext) -> Profile | None:
    saved = {f: ctx.state.profile.get(f, []) for f in PROFILE_FIELDS}
    return Profile(**saved) if any(saved.values()) else None


def show_details(ctx: TurnContext, catalogue: Catalogue, labels: Labels, code: str) -> None:
    try:
        info = details(code, profile=saved_profile(ctx), catalogue=catalogue)
    except OccupationNotFound:
        ctx.say(ctx.t("jobs.not_found"), [search_button(ctx)])
        return
    occ, field = info.occupation, labels.field
    lines = [occ.summary, "", f"{field('tasks')}"] + [f"• {task}" for task in occ.tasks]
    for name in ("certificates", "majors", "skills"):
        values = getattr(occ, name)
        if values:
            lines.append(ctx.t("jobs.compare_line", label=field(name), values=", ".join(values[:6])))
    lines.append(ctx.t("jobs.compare_line", label=field("competency_count"), values=info.unit_count))
    if info.coverage is not None:
        c = info.coverage
        lines.append(ctx.t("jobs.coverage_line", held=c.held, required=c.required, percent=c.percent))
    buttons = [
        ctx.button("jobs.btn.report", JobReport(occ.code, 1)),
        ctx.button("jobs.btn.add", JobAdd(occ.code)),
        search_button(ctx),
        ctx.menu_button(),
    ]
    ctx.say("\n".join(lines), buttons, title=occ.name)


def show_requirements(ctx: TurnContext, catalogue: Catalogue, labels: Labels, code: str) -> None:
    """What it takes to become CODE: its certificates, majors, skills and training, from the catalogue."""
    occ = catalogue.get(code)
    if occ is None:
        ctx.say(ctx.t("jobs.not_found"), [search_button(ctx)])
        return
    lines = [ctx.t("answer.jobs.requirements_intro")]
    for name in ("certificates", "majors", "skills", "training"):
        values = getattr(occ, name)
        if values:
            lines.append(ctx.t("jobs.compare_line", label=labels.field(name), values=", ".join(values[:6])))
    lines.append(ctx.t("answer.jobs.requirements_ncs", count=occ.unit_count))
    buttons = [ctx.button("jobs.btn.report", JobReport(occ.code, 1)),
               ctx.button("jobs.btn.details", JobDetails(occ.code)),
               ctx.button("jobs.btn.add", JobAdd(occ.code)), ctx.menu_button()]
    ctx.say("\n".join(lines), buttons, title=ctx.t("answer.jobs.requirements_title", name=occ.name))


def show_comparison(ctx: TurnContext, catalogue: Catalogue, labels: Labels, codes: list[str]) -> None:
    result = compare(codes, profile=saved_profile(ctx), catalogue=catalogue)
    field = labels.field
    for column in result.columns:
        lines = [column.summary]
        for name in ("certificates", "majors"):
            values = getattr(column, name)
            lines.append(ctx.t("jobs.compare_line", label=field(name), values=", ".join(values[:4]) or "-"))
        lines.append(ctx.t("jobs.compare_line", label=field("competency_count"), values=column.unit_count))
        if column.held is not None:
            lines.append(ctx.t("jobs.compare_line", label=field("coverage"), values=f"{column.percent}%"))
        ctx.say("\n".join(lines), [ctx.button("jobs.btn.details", JobDetails(column.code))], title=column.name)
    ctx.say(ctx.t("jobs.details_more"), [search_button(ctx), ctx.button("jobs.btn.clear", JobClear()),
                                         ctx.menu_button()])


def show_profile(ctx: TurnContext) -> None:
    lines = [ctx.t("jobs.profile_header")]
    filled = [(f, ctx.state.profile.get(f) or []) for f in PROFILE_FIELDS]
    if not any(values for _, values in filled):
        lines.append(ctx.t("jobs.profile_empty"))
    for field, values in filled:
        if values:
            lines.append(ctx.t("jobs.profile_line", label=ctx.t(f"jobs.field.{field}"), values=", ".join(values)))
    lines.append(ctx.t("jobs.profile_hint"))
    buttons = [ctx.button(f"jobs.field.{f}", JobEdit(f)) for f in PROFILE_FIELDS]
    if any(values for _, values in filled):
        buttons += [ctx.button("jobs.btn.recommend", JobRecommend()),
                    ctx.button("jobs.btn.delete_profile", JobDeleteProfile())]
    ctx.say("\n".join(lines), [*buttons, ctx.menu_button()])


def show_recommendations(ctx: TurnContext, catalogue: Catalogue, profile: Profile, intro: str | None) -> None:
    ranked = [r for r in recommend(profile, limit=5, catalogue=catalogue) if r.held > 0]
    if not ranked:
        ctx.say(ctx.t("jobs.rec_none"), [profile_button(ctx), search_button(ctx)])
        return
    items = [
        ListItem(title=r.name, description=ctx.t("jobs.rec_item", held=r.held, required=r.required,
                                                 percent=r.percent), payload=JobDetails(r.code).encode())
        for r in ranked
    ]
    matched = sorted({m.keyword for r in ranked for m in r.matched})
    text = ctx.t("jobs.rec_from_text", items=", ".join(matched[:5])) if intro else None
    ctx.replies.append(Reply(type="list", title=ctx.t("jobs.rec_header"), text=text, items=items))
    ctx.say(ctx.t("jobs.details_more"), [profile_button(ctx), search_button(ctx), ctx.menu_button()])
