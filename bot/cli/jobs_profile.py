"""``giljabi jobs recommend`` and ``report``: the commands that read a profile (flags or a saved one)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bot.cli.jobs_output import (
    catalogue_or_error,
    emit,
    jobs_labels,
    load_market_or_empty,
    market_lines,
    not_found,
    print_json,
)

if TYPE_CHECKING:
    from knowledge.occupations import Profile


def profile_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("profile")
    group.add_argument("--major", action="extend", nargs="+", default=[], metavar="M", help="전공")
    group.add_argument("--course", action="extend", nargs="+", default=[], metavar="C", help="교육·훈련과정")
    group.add_argument("--cert", action="extend", nargs="+", default=[], metavar="C", help="자격증")
    group.add_argument("--skill", action="extend", nargs="+", default=[], metavar="S", help="기술")
    group.add_argument("--experience", action="extend", nargs="+", default=[], metavar="E", help="경험")


def profile_from(args: argparse.Namespace) -> Profile | None:
    from knowledge.occupations import Profile

    profile = Profile(majors=args.major, courses=args.course, certificates=args.cert, skills=args.skill,
                      experiences=args.experience)
    return None if profile.is_empty else profile


def _merge(a, b):
    from knowledge.occupations import Profile

    if a is None or b is None:
        return a or b
    return Profile(**{k: [*getattr(a, k), *getattr(b, k)] for k in Profile.model_fields})


def _as_profile(raw: Any):
    from knowledge.occupations import Profile

    if raw is None or isinstance(raw, Profile):
        return raw
    if hasattr(raw, "model_dump"):
        raw = raw.model_dump()
    elif not isinstance(raw, dict):
        raw = {k: v for k, v in vars(raw).items() if not k.startswith("_")}
    profile = Profile.model_validate(raw)
    return None if profile.is_empty else profile


def _saved_profile(user_id: str, labels):
    from bot.profiles import load_profile

    profile = _as_profile(load_profile(user_id))
    if profile is None:
        print(labels.fmt("report.user_missing", user=user_id), file=sys.stderr)
    return profile


def recommend_command(args: argparse.Namespace) -> int:
    from knowledge.occupations import recommend

    labels = jobs_labels()
    profile = profile_from(args)
    if profile is None:
        print(labels["recommend.empty_profile"], file=sys.stderr)
        return 2
    cat = catalogue_or_error()
    if cat is None:
        return 2
    recs = recommend(profile, limit=args.limit, catalogue=cat)
    if args.json:
        print_json([r.model_dump(mode="json") for r in recs])
        return 0
    if not recs:
        emit(labels["recommend.none"])
        return 0
    print(labels["recommend.heading"])
    for i, rec in enumerate(recs, 1):
        print(f"{i}. {rec.name} ({rec.code})")
        held = labels.fmt("recommend.held_line", held=rec.held, required=rec.required, percent=rec.percent)
        print(f"   {held}")
        evidence = list(dict.fromkeys(f"{m.item}→{m.keyword}" if m.item != m.keyword else m.item
                                      for m in rec.matched))
        emit(f"{labels['recommend.matched_by']}: {', '.join(evidence)}", "   ")
    return 0


def report_command(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, build_report

    labels = jobs_labels()
    cat = catalogue_or_error()
    if cat is None:
        return 2
    profile = profile_from(args)
    if args.user:
        profile = _merge(_saved_profile(args.user, labels), profile)
    market = load_market_or_empty()
    try:
        rep = build_report(args.code, profile=profile, market=market, catalogue=cat)
    except OccupationNotFound as exc:
        return not_found(exc, labels)
    if args.json:
        print_json(rep.model_dump(mode="json"))
        return 0
    f = labels.field
    print(labels.fmt("report.title", name=rep.name))
    emit(rep.summary)
    if rep.has_profile:
        emit(labels.fmt("report.coverage_line", required=rep.required, held=rep.held, percent=rep.percent))
    else:
        emit(f"{f('competency_count')}: {rep.required}")
        emit(labels["report.no_profile"])
    print()
    print(labels["report.path"])
    for row in rep.levels:
        print(f"[{labels.fmt('fields.level', level=row.level)}]")
        for unit in row.units:
            mark = labels["status.held"] if unit.held else labels["status.missing"]
            emit(f"{mark} · {unit.name} ({unit.ncs})", "  ", "    ")
    print()
    print(labels["report.gap"])
    if not any(rep.gap.values()):
        emit(labels["report.gap_none"], "  ")
    for kind, items in rep.gap.items():
        if items:
            print(f"  {labels['kinds.' + kind]}")
            for g in items:
                emit(f"- {g.keyword} → {', '.join(g.closes)}", "    ", "      ")
    print()
    market_lines(rep.market.loaded, rep.market.record, rep.market.source, labels)
    return 0
