"""``giljabi jobs`` — occupation search, details, comparison, recommendation, report, market import.

All Korean text comes from ``knowledge/content/occupations/labels.yml``; JSON is printed with
``ensure_ascii=False``. Heavy imports stay inside the handlers so that ``giljabi --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

_WIDTH = 40  # display cells per line (a Hangul syllable takes two): fits a phone chat bubble


# --------------------------------------------------------------------------- registration
def _profile_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("profile")
    group.add_argument("--major", action="extend", nargs="+", default=[], metavar="M", help="전공")
    group.add_argument("--course", action="extend", nargs="+", default=[], metavar="C", help="교육·훈련과정")
    group.add_argument("--cert", action="extend", nargs="+", default=[], metavar="C", help="자격증")
    group.add_argument("--skill", action="extend", nargs="+", default=[], metavar="S", help="기술")
    group.add_argument("--experience", action="extend", nargs="+", default=[], metavar="E", help="경험")


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
    _profile_flags(p)
    p.set_defaults(func=_show)

    p = sub.add_parser("compare", help="직종 2-3개 비교")
    p.add_argument("occupations", nargs="+", metavar="CODE_OR_NAME", help="코드 또는 이름 2-3개")
    p.add_argument("--json", action="store_true")
    _profile_flags(p)
    p.set_defaults(func=_compare)

    p = sub.add_parser("recommend", help="프로필로 직종 추천")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    _profile_flags(p)
    p.set_defaults(func=_recommend)

    p = sub.add_parser("report", help="경력개발 보고서")
    p.add_argument("code", help="코드 또는 이름")
    p.add_argument("--user", help="저장된 프로필을 쓸 사용자 ID")
    p.add_argument("--json", action="store_true")
    _profile_flags(p)
    p.set_defaults(func=_report)

    p = sub.add_parser("import-market", help="취업시장 정보 CSV 가져오기")
    p.add_argument("csv", type=Path)
    p.set_defaults(func=_import_market)


# --------------------------------------------------------------------------- helpers
def _labels():
    from knowledge.occupations import load_labels

    return load_labels()


def _catalogue():
    from knowledge.occupations import default_catalogue

    return default_catalogue()


def _data_dir() -> Path:
    from bot.config import get_settings

    return get_settings().data_dir


def _market():
    from knowledge.occupations import MarketData, MarketDataError, load_market

    try:
        return load_market(_data_dir())
    except MarketDataError as exc:
        print(str(exc), file=sys.stderr)
        return MarketData()


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, indent: str = "", hang: str | None = None, width: int = _WIDTH) -> list[str]:
    """Wrap on spaces by display width. Continuation lines start with ``hang`` (default: ``indent``);
    a word longer than a line stays whole."""
    hang = indent if hang is None else hang
    lines: list[str] = []
    current = ""
    prefix = indent
    for word in text.split():
        if current and _cells(prefix + current + " " + word) > width:
            lines.append(prefix + current)
            prefix, current = hang, word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(prefix + current)
    return lines


def _emit(text: str, indent: str = "", hang: str | None = None) -> None:
    for line in _wrap(text, indent, hang):
        print(line)


def _profile(args: argparse.Namespace):
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


def _not_found(exc, labels) -> int:
    print(labels.fmt("show.not_found", q=exc.query), file=sys.stderr)
    if exc.suggestions:
        print(labels["show.suggestions"], file=sys.stderr)
        for occ in exc.suggestions:
            print(f"- {occ.name} ({occ.code})", file=sys.stderr)
    return 1


def _hit_json(hit) -> dict[str, Any]:
    return {"code": hit.code, "name": hit.name, "aliases": hit.aliases, "score": hit.score, "why": hit.why}


def _number(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _catalogue_or_error():
    from knowledge.occupations import CatalogueError

    try:
        return _catalogue()
    except CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return None


# --------------------------------------------------------------------------- handlers
def _search(args: argparse.Namespace) -> int:
    labels = _labels()
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    if args.jsonl:
        for raw in sys.stdin:
            q = raw.rstrip("\r\n").strip()
            hits = cat.index.search(q, limit=args.limit) if q else []
            line = {"q": q, "results": [_hit_json(h) for h in hits]}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return 0
    if not args.keyword or not args.keyword.strip():
        print(labels["search.usage"], file=sys.stderr)
        return 2
    q = args.keyword.strip()
    hits = cat.index.search(q, limit=args.limit)
    if args.json:
        _print_json({"q": q, "results": [_hit_json(h) for h in hits]})
        return 0
    if not hits:
        _emit(labels.fmt("search.none", q=q))
        return 0
    print(labels.fmt("search.heading", q=q))
    for i, hit in enumerate(hits, 1):
        print(f"{i}. {hit.name} ({hit.code})")
        for why in hit.why:
            _emit(why, "   ")
    return 0


def _list(args: argparse.Namespace) -> int:
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    if args.json:
        _print_json([occ.model_dump(mode="json") for occ in cat])
        return 0
    print(_labels().fmt("list.count", count=len(cat)))
    for occ in cat:
        print(f"{occ.code} {occ.name}")
    return 0


def _market_lines(section_loaded: bool, record, source: str | None, labels) -> None:
    print(labels["market.heading"])
    if not section_loaded or record is None:
        _emit(labels.fmt("market.not_loaded", service_name=labels["market.service_name"]), "  ")
        print(f"  {labels['market.service_url']}")
        return
    print(f"  {labels['market.period']}: {record.period}")
    if record.job_openings is not None:
        print(f"  {labels['market.job_openings']}: "
              f"{labels.fmt('market.unit_people', value=_number(record.job_openings))}")
    if record.job_seekers is not None:
        print(f"  {labels['market.job_seekers']}: "
              f"{labels.fmt('market.unit_cases', value=_number(record.job_seekers))}")
    if record.openings_ratio is not None:
        print(f"  {labels['market.openings_ratio']}: {_number(record.openings_ratio)}")
    if record.top_certificates:
        _emit(f"{labels['market.top_certificates']}: {', '.join(record.top_certificates)}", "  ", "    ")
    if record.top_majors:
        _emit(f"{labels['market.top_majors']}: {', '.join(record.top_majors)}", "  ", "    ")
    if record.age_bands:
        bands = ", ".join(f"{b.label} {b.share:g}%" for b in record.age_bands)
        _emit(f"{labels['market.age_bands']}: {bands}", "  ", "    ")
    service = labels["market.service_name"]
    note = labels.fmt("market.imported_note", source=source or "CSV", service_name=service)
    _emit(note, "  ")
    print(f"  {labels['market.service_url']}")


def _show(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, details

    labels = _labels()
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    market = _market()
    try:
        d = details(" ".join(args.occupation), profile=_profile(args), market=market, catalogue=cat)
    except OccupationNotFound as exc:
        return _not_found(exc, labels)
    if args.json:
        _print_json(d.model_dump(mode="json"))
        return 0
    occ = d.occupation
    f = labels.field
    print(f"{occ.name} ({occ.code})")
    _emit(f"{f('aliases')}: {', '.join(occ.aliases)}")
    _emit(occ.summary)
    print()
    print(f("tasks"))
    for task in occ.tasks:
        _emit(f"- {task}", "", "  ")
    for field in ("examples", "majors", "certificates", "skills", "training"):
        values = getattr(occ, field)
        if values:
            _emit(f"{f(field)}: {', '.join(values)}")
    _emit(f"{f('ncs')}: {', '.join(d.ncs)}")
    lo, hi = (labels.fmt("fields.level", level=lv) for lv in (d.levels[0], d.levels[-1]))
    levels = f"{lo}~{hi}"
    print(f"{f('competency_count')}: {d.unit_count} ({levels})")
    if d.coverage is not None:
        print(f"{f('coverage')}: " + labels.fmt("recommend.held_line", held=d.coverage.held,
                                                 required=d.coverage.required, percent=d.coverage.percent))
    print()
    _market_lines(d.market is not None, d.market, market.source, labels)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, compare

    labels = _labels()
    if not 2 <= len(args.occupations) <= 3:
        print(labels["compare.too_many"], file=sys.stderr)
        return 2
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    try:
        cmp = compare(args.occupations, profile=_profile(args), catalogue=cat)
    except OccupationNotFound as exc:
        return _not_found(exc, labels)
    if args.json:
        _print_json(cmp.model_dump(mode="json"))
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
            _emit(f"[{i}] {value}", "", "    ")
    commons = [("certificates", cmp.common_certificates), ("majors", cmp.common_majors),
               ("skills", cmp.common_skills)]
    if any(v for _, v in commons):
        print()
        for field, values in commons:
            if values:
                _emit(f"= {f(field)}: {', '.join(values)}")
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from knowledge.occupations import recommend

    labels = _labels()
    profile = _profile(args)
    if profile is None:
        print(labels["recommend.empty_profile"], file=sys.stderr)
        return 2
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    recs = recommend(profile, limit=args.limit, catalogue=cat)
    if args.json:
        _print_json([r.model_dump(mode="json") for r in recs])
        return 0
    if not recs:
        _emit(labels["recommend.none"])
        return 0
    print(labels["recommend.heading"])
    for i, rec in enumerate(recs, 1):
        print(f"{i}. {rec.name} ({rec.code})")
        held = labels.fmt("recommend.held_line", held=rec.held, required=rec.required, percent=rec.percent)
        print(f"   {held}")
        evidence = list(dict.fromkeys(f"{m.item}→{m.keyword}" if m.item != m.keyword else m.item
                                      for m in rec.matched))
        _emit(f"{labels['recommend.matched_by']}: {', '.join(evidence)}", "   ")
    return 0


def _report(args: argparse.Namespace) -> int:
    from knowledge.occupations import OccupationNotFound, build_report

    labels = _labels()
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    profile = _profile(args)
    if args.user:
        profile = _merge(_saved_profile(args.user, labels), profile)
    market = _market()
    try:
        rep = build_report(args.code, profile=profile, market=market, catalogue=cat)
    except OccupationNotFound as exc:
        return _not_found(exc, labels)
    if args.json:
        _print_json(rep.model_dump(mode="json"))
        return 0
    f = labels.field
    print(labels.fmt("report.title", name=rep.name))
    _emit(rep.summary)
    if rep.has_profile:
        _emit(labels.fmt("report.coverage_line", required=rep.required, held=rep.held, percent=rep.percent))
    else:
        _emit(f"{f('competency_count')}: {rep.required}")
        _emit(labels["report.no_profile"])
    print()
    print(labels["report.path"])
    for row in rep.levels:
        print(f"[{labels.fmt('fields.level', level=row.level)}]")
        for unit in row.units:
            mark = labels["status.held"] if unit.held else labels["status.missing"]
            _emit(f"{mark} · {unit.name} ({unit.ncs})", "  ", "    ")
    print()
    print(labels["report.gap"])
    if not any(rep.gap.values()):
        _emit(labels["report.gap_none"], "  ")
    for kind, items in rep.gap.items():
        if items:
            print(f"  {labels['kinds.' + kind]}")
            for g in items:
                _emit(f"- {g.keyword} → {', '.join(g.closes)}", "    ", "      ")
    print()
    _market_lines(rep.market.loaded, rep.market.record, rep.market.source, labels)
    return 0


def _import_market(args: argparse.Namespace) -> int:
    from knowledge.occupations import import_market_csv

    labels = _labels()
    cat = _catalogue_or_error()
    if cat is None:
        return 2
    try:
        result = import_market_csv(args.csv, _data_dir(), cat.by_code)
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
