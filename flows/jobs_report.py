"""The career-path report of one occupation in phone-sized parts: the path, the gap, the market."""

from __future__ import annotations

from flows.context import TurnContext
from flows.jobs_views import profile_button, saved_profile, search_button
from flows.payloads import JobDetails, JobReport
from flows.replies import Button
from knowledge.occupations import Catalogue, Labels, MarketData, OccupationNotFound, Report, build_report

REPORT_PARTS = 3


def show_report(
    ctx: TurnContext, catalogue: Catalogue, labels: Labels, market: MarketData, code: str, part: int
) -> None:
    """Part ``part`` of the report on ``code``; ``market`` is the data bot loaded (never read here)."""
    if not 1 <= part <= REPORT_PARTS:
        raise LookupError(part)
    try:
        report = build_report(code, profile=saved_profile(ctx), market=market, catalogue=catalogue)
    except OccupationNotFound:
        ctx.say(ctx.t("jobs.not_found"), [search_button(ctx)])
        return
    part_label = ctx.t("jobs.report_part", part=part, parts=REPORT_PARTS)
    title = f"{labels.fmt('report.title', name=report.name)} {part_label}"
    text, links = [_path, _gap, _market][part - 1](ctx, labels, report)
    buttons = [*links]
    if part < REPORT_PARTS:
        buttons.append(ctx.button("jobs.btn.more", JobReport(report.code, part + 1)))
    buttons += [ctx.button("jobs.btn.details", JobDetails(report.code)), profile_button(ctx), ctx.menu_button()]
    ctx.say(text, buttons, title=title)


def _path(ctx: TurnContext, lab: Labels, report: Report) -> tuple[str, list[Button]]:
    lines = [report.summary, ""]
    if report.has_profile:
        lines.append(lab.fmt("report.coverage_line", required=report.required, held=report.held,
                             percent=report.percent))
    else:
        lines.append(lab["report.no_profile"])
    lines += ["", lab["report.path"]]
    for row in report.levels:
        lines.append(lab.fmt("fields.level", level=row.level))
        for unit in row.units:
            mark = ("✅" if unit.held else "⬜") if report.has_profile else "•"
            lines.append(ctx.t("jobs.report_level_line", mark=mark, name=unit.name))
    return "\n".join(lines), []


def _gap(ctx: TurnContext, lab: Labels, report: Report) -> tuple[str, list[Button]]:
    lines = [lab["report.gap"]]
    items = [(kind, item) for kind, group in report.gap.items() for item in group]
    if not items:
        lines.append(ctx.t("jobs.report_no_gap"))
    for kind, group in report.gap.items():
        if group:
            lines.append(f"[{lab[f'kinds.{kind}']}]")
            lines += [ctx.t("jobs.report_gap_line", keyword=g.keyword, units=", ".join(g.closes[:3]))
                      for g in group[:5]]
    return "\n".join(lines), []


def _market(ctx: TurnContext, lab: Labels, report: Report) -> tuple[str, list[Button]]:
    market = report.market
    link = Button(label=ctx.t("jobs.btn.market"), url=lab["market.service_url"])
    if not market.loaded or market.record is None:
        return lab.fmt("market.not_loaded", service_name=lab["market.service_name"]), [link]
    record = market.record
    lines = [lab["market.heading"], ctx.t("jobs.market_line", label=lab["market.period"], value=record.period)]
    figures = {
        "job_openings": record.job_openings, "job_seekers": record.job_seekers,
        "openings_ratio": record.openings_ratio,
    }
    lines += [ctx.t("jobs.market_line", label=lab[f"market.{k}"], value=v) for k, v in figures.items()
              if v is not None]
    for key in ("top_certificates", "top_majors"):
        values = getattr(record, key)
        if values:
            lines.append(ctx.t("jobs.market_line", label=lab[f"market.{key}"], value=", ".join(values[:5])))
    lines.append(lab.fmt("market.imported_note", source=market.source or "-",
                         service_name=lab["market.service_name"]))
    return "\n".join(lines), [link]
