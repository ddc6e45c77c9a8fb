"""``giljabi jobs`` — occupation search, details, comparison, recommendation, report, market import.

All Korean text comes from ``knowledge/content/occupations/labels.yml``; JSON is printed with
``ensure_ascii=False``. Heavy imports stay inside the handlers so that ``giljabi --help`` is instant.
Shared loading and terminal output are in ``jobs_output``; the profile commands in ``jobs_profile``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.jobs_output import (
    catalogue_or_error,
    data_dir,
    emit,
    hit_json,
    jobs_labels,
    load_market_or_empty,
    market_lines,
    not_found,
    print_json,
)
from bot.cli.jobs_profile import profile_flags, profile_from, recommend_command, report_command


def register(subparsers: Any) -> None:
    jobs = subparsers.add_parser("jobs", help="직종 검색·비교·추천·보고서 (잡케어 방식)")
    sub = jobs.add_subparsers(dest="jobs_command", required=True)

    p = sub.add_parser("search", help="키워드로 관련 직종 찾기")
    p.add_argument("keyword", nargs="?", help="전공, 자격증, 훈련과정, 직업, 직무, 기술 키워드")
    p.add_argument("--limit", type=int, default=5)
    p.add_argument("--json", action="store_true", help="한 키워드의 결과를 JSON으로")
    p.add_argument("--jsonl", action="store_true", help="표준입력 한 줄에 키워드 하나, 한 줄에 결과 하나")
    p.set_defaults(func=_search)

    p = sub.add_parser("list", help="모든 직종")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_list)

    p = sub.add_parser("show", help="직종 상세")
    p.add_argument("occupation", nargs="+", help="코드 또는 이름")
    p.add_argument("--json", action="store_true")
    profile_flags(p)
    p.set_defaults(func=_show)

    p = sub.add_parser("compare", help="직종 2-3개 비교")
    p.add_argument("occupations", nargs="+", metavar="CODE_OR_NAME", help="코드 또는 이름 2-3개")
    p.add_argument("--json", action="store_true")
    profile_flags(p)
    p.set_defaults(func=_compare)

    p = sub.add_parser("recommend", help="프로필로 직종 추천")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    profile_flags(p)
    p.set_defaults(func=recommend_command)

    p = sub.add_parser("report", help="경력개발 보고서")
    p.add_argument("code", help="코드 또는 이름")
    p.add_argument("--user", help="저장된 프로필을 쓸 사용자 ID")
    p.add_argument("--json", action="store_true")
    profile_flags(p)
    p.set_defaults(func=report_command)

    p = sub.add_parser("import-market", help="취업시장 정보 CSV 가져오기")
    p.add_argument("csv", type=Path)
    p.set_defaults(func=_import_market)


def _search(args: argparse.Namespace) -> int:
    labels = jobs_labels()
    cat = catalogue_or_error()
    if cat is None:
        return 2
    if args.jsonl:
        for raw in sys.stdin:
            q = raw.rstrip("\r\n").strip()
            hits = cat.index.search(q, limit=args.limit) if q else []
            line = {"q": q, "results": [hit_json(h) for h in hits]}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return 0
    if not args.keyword or not args.keyword.strip():
        print(labels["search.usage"], file=sys.stderr)
        return 2
    q = args.keyword.strip()
    hits = cat.index.search(q, limit=args.limit)
    if args.json:
        print_json({"q": q, "results": [hit_json(h) for h in hits]})
        return 0
    if not hits:
        emit(labels.fmt("search.none", q=q))
        return 0
    print(labels.fmt("search.heading", q=q))
    for i, hit in enumerate(hits, 1):
        print(f"{i}. {hit.name} ({hit.code})")
        for why in hit.why:
            emit(why, "   ")
    return 0


def _list(args: argparse.Namespace) -> int:
    cat = catalogue_or_error()
    if cat is None:
        return 2
    if args.json:
        print_json([occ.model_dump(mode="json") for occ in cat])
        return 0
    print(jobs_labels().fmt("list.count", count=len(cat)))
    for occ in cat:
        print(f"{occ.code} {occ.name}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, details

    labels = jobs_labels()
    cat = catalogue_or_error()
    if cat is None:
        return 2
    market = load_market_or_empty()
    try:
        d = details(" ".join(args.occupation), profile=profile_from(args), market=market, catalogue=cat)
    except OccupationNotFound as exc:
        return not_found(exc, labels)
    if args.json:
        print_json(d.model_dump(mode="json"))
        return 0
    occ = d.occupation
    f = labels.field
    print(f"{occ.name} ({occ.code})")
    emit(f"{f('aliases')}: {', '.join(occ.aliases)}")
    emit(occ.summary)
    print()
    print(f("tasks"))
    for task in occ.tasks:
        emit(f"- {task}", "", "  ")
    for field in ("examples", "majors", "certificates", "skills", "training"):
        values = getattr(occ, field)
        if values:
            emit(f"{f(field)}: {', '.join(values)}")
    emit(f"{f('ncs')}: {', '.join(d.ncs)}")
    lo, hi = (labels.fmt("fields.level", level=lv) for lv in (d.levels[0], d.levels[-1]))
    levels = f"{lo}~{hi}"
    print(f"{f('competency_count')}: {d.unit_count} ({levels})")
    if d.coverage is not None:
        print(f"{f('coverage')}: " + labels.fmt("recommend.held_line", held=d.coverage.held,
                                                 required=d.coverage.required, percent=d.coverage.percent))
    print()
    market_lines(d.market is not None, d.market, market.source, labels)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, compare

    labels = jobs_labels()
    if not 2 <= len(args.occupations) <= 3:
        print(labels["compare.too_many"], file=sys.stderr)
        return 2
    cat = catalogue_or_error()
    if cat is None:
        return 2
    try:
        cmp = compare(args.occupations, profile=profile_from(args), catalogue=cat)
    except OccupationNotFound as exc:
        return not_found(exc, labels)
    if args.json:
        print_json(cmp.model_dump(mode="json"))
        return 0
    f = labels.field
    print(labels["compare.heading"])
    for i, col in enumerate(cmp.columns, 1):
        print(f"[{i}] {col.name} ({col.code})")
    sections: list[tuple[str, list[str]]] = [
        (f("summary"), [c.summary for c in cmp.columns]),
        (f("tasks"), [" / ".join(c.tasks) for c in cmp.columns]),
        (f("certificates"), [", ".join(c.certificates) or "-" for c in cmp.columns]),
        (f("majors"), [", ".join(c.majors) for c in cmp.columns]),
        (f("skills"), [", ".join(c.skills) for c in cmp.columns]),
        (f("training"), [", ".join(c.training) for c in cmp.columns]),
        (f("competency_count"), [
            f"{c.unit_count} ({labels.fmt('fields.level', level=c.level_min)}"
            f"~{labels.fmt('fields.level', level=c.level_max)})" for c in cmp.columns]),
    ]
    if cmp.columns[0].percent is not None:
        sections.append((f("coverage"), [
            labels.fmt("recommend.held_line", held=c.held, required=c.unit_count, percent=c.percent)
            for c in cmp.columns]))
    for title, values in sections:
        print()
        print(title)
        for i, value in enumerate(values, 1):
            emit(f"[{i}] {value}", "", "    ")
    commons = [("certificates", cmp.common_certificates), ("majors", cmp.common_majors),
               ("skills", cmp.common_skills)]
    if any(v for _, v in commons):
        print()
        for field, values in commons:
            if values:
                emit(f"= {f(field)}: {', '.join(values)}")
    return 0


def _import_market(args: argparse.Namespace) -> int:
    from knowledge.occupations import import_market_csv

    labels = jobs_labels()
    cat = catalogue_or_error()
    if cat is None:
        return 2
    try:
        result = import_market_csv(args.csv, data_dir(), cat.by_code)
    except FileNotFoundError:
        print(labels.fmt("import.not_found", path=args.csv), file=sys.stderr)
        return 2
    for issue in result.unknown:
        print(labels.fmt("import.unknown", line=issue.line, code=issue.code), file=sys.stderr)
    if result.errors:
        print(labels["import.failed"], file=sys.stderr)
        for issue in result.errors:
            print(f"{args.csv}: {issue}", file=sys.stderr)
        return 1
    print(labels.fmt("import.done", count=result.codes, path=result.stored_at))
    return 0
