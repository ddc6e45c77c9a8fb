"""Occupations in the chat: keyword search, details, comparison, a saved profile, recommendation
and the career-path report in phone-sized parts — JobCare's idea over ``knowledge.occupations``.

Payloads (all short ASCII, well under Telegram's 64 bytes):
``j:s`` ask for a keyword · ``j:d:CODE`` details · ``j:a:CODE`` add to comparison · ``j:c`` compare ·
``j:x`` empty the comparison · ``j:r:CODE:PART`` report part · ``j:q:CODE`` what it takes · ``j:p`` profile ·
``j:e:FIELD`` edit a profile field · ``j:rec`` recommend from the profile · ``j:del`` delete the profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flows.replies import Button, ListItem, Reply
from knowledge.occupations import (
    MarketData,
    OccupationNotFound,
    Profile,
    Report,
    build_report,
    compare,
    default_catalogue,
    details,
    load_labels,
    recommend,
    search,
)

if TYPE_CHECKING:
    from flows.engine import Turn

PROFILE_FIELDS = ("majors", "courses", "certificates", "skills", "experiences")
MAX_COMPARE = 3
REPORT_PARTS = 3
_SEPARATORS = r"\s*[,，、/·;\n]\s*"
#: Guide intents this sure mean a new question, not the keyword or profile item we asked for.
_NEW_QUESTION_CONFIDENCE = 0.9
_JOB_INTENTS = {"job_search", "occupation_compare", "profile_recommend", "nlu_fallback", "out_of_scope"}

MarketLoader = Callable[[], MarketData]

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
    """The occupation part of the dialogue; stateless itself, it reads and writes the Turn's state."""

    def __init__(self, market: MarketLoader | None = None) -> None:
        self.catalogue = default_catalogue()
        self.catalogue.index  # build the search index now, not on somebody's first search  # noqa: B018
        self.labels = load_labels()
        self.market = market or MarketData

    # ----------------------------------------------------------- entry points
    def on_intent(self, turn: Turn, intent: str, text: str, parse: dict[str, Any]) -> None:
        entities = parse.get("entities") or []
        if intent == "occupation_compare":
            names = [str(e["value"]) for e in entities if e.get("entity") in ("occupation", "keyword")]
            self.compare_named(turn, names)
        elif intent == "profile_recommend":
            self.recommend_from_text(turn, text)
        else:
            spans = [e for e in entities if e.get("entity") in ("keyword", "occupation")]
            keyword = whole_words(text, spans[0]) if spans else ""
            if keyword or text:
                self.search(turn, keyword or text)
            else:
                self.ask_keyword(turn)

    def on_payload(self, turn: Turn, args: list[str]) -> None:
        verb, rest = (args[0], args[1:]) if args else ("s", [])
        if verb == "s":
            self.ask_keyword(turn)
        elif verb == "d":
            self.show(turn, rest[0])
        elif verb == "q":
            self.requirements(turn, rest[0])
        elif verb == "a":
            self.add(turn, rest[0])
        elif verb == "c":
            self.compare_basket(turn)
        elif verb == "x":
            turn.state.compare = []
            turn.say(turn.t("jobs.compare_cleared"), [self.search_button(turn), turn.menu_button()])
        elif verb == "r":
            part = rest[1] if len(rest) > 1 else "1"
            if not part.isdigit():
                raise LookupError(part)
            self.report(turn, rest[0], int(part))
        elif verb == "p":
            self.show_profile(turn)
        elif verb == "e" and rest and rest[0] in PROFILE_FIELDS:
            turn.state.expecting = f"jobs:profile:{rest[0]}"
            turn.say(turn.t("jobs.profile_ask", label=turn.t(f"jobs.field.{rest[0]}")), [self.profile_button(turn)])
        elif verb == "rec":
            self.recommend_profile(turn)
        elif verb == "del":
            turn.state.profile = {}
            turn.say(turn.t("jobs.profile_deleted"), [self.profile_button(turn), turn.menu_button()])
        else:
            raise LookupError(verb)

    def on_expected_text(self, turn: Turn, expecting: str, text: str, parse: dict[str, Any]) -> bool:
        """The keyword or profile item we asked for — unless the message is plainly a new question."""
        intent = parse.get("intent") or {}
        if intent.get("name") not in _JOB_INTENTS and (intent.get("confidence") or 0) >= _NEW_QUESTION_CONFIDENCE:
            return False
        if expecting == "jobs:keyword":
            self.search(turn, text)
            return True
        field = expecting.removeprefix("jobs:profile:")
        if field not in PROFILE_FIELDS:
            return False
        items = [] if text.strip() == turn.t("jobs.none_word") else [i for i in self.splitter(turn).split(text) if i]
        turn.state.profile[field] = [i.strip()[:60] for i in items][:10]
        turn.say(turn.t("jobs.profile_saved", label=turn.t(f"jobs.field.{field}")))
        self.show_profile(turn)
        return True

    def splitter(self, turn: Turn) -> re.Pattern[str]:
        """Commas and the like, or a joining word between spaces ("컴퓨터공학 및 통계학")."""
        words = "|".join(re.escape(w) for w in turn.k.words.get("and", []))
        return re.compile(_SEPARATORS + (rf"|\s+(?:{words})\s+" if words else ""))

    # ------------------------------------------------------------------ views
    def search_button(self, turn: Turn) -> Button:
        return turn.button("jobs.btn.search", "j:s")

    def profile_button(self, turn: Turn) -> Button:
        return turn.button("jobs.btn.profile", "j:p")

    def ask_keyword(self, turn: Turn) -> None:
        turn.state.expecting = "jobs:keyword"
        turn.say(turn.t("jobs.ask_keyword"), [self.profile_button(turn), turn.menu_button()])

    def search(self, turn: Turn, keyword: str) -> None:
        keyword = keyword.strip()[:100]
        hits = search(keyword, limit=5, catalogue=self.catalogue)
        if not hits:
            turn.state.expecting = "jobs:keyword"
            turn.say(turn.t("jobs.none", q=keyword), [self.profile_button(turn), turn.menu_button()])
            return
        items = [ListItem(title=h.name, description=", ".join(h.why[:2]), payload=f"j:d:{h.code}") for h in hits]
        turn.replies.append(Reply(type="list", title=turn.t("jobs.results", q=keyword), items=items))
        turn.say(turn.t("jobs.details_more"), [self.search_button(turn), self.profile_button(turn), turn.menu_button()])

    def profile(self, turn: Turn) -> Profile | None:
        saved = {f: turn.state.profile.get(f, []) for f in PROFILE_FIELDS}
        return Profile(**saved) if any(saved.values()) else None

    def show(self, turn: Turn, code: str) -> None:
        try:
            info = details(code, profile=self.profile(turn), catalogue=self.catalogue)
        except OccupationNotFound:
            turn.say(turn.t("jobs.not_found"), [self.search_button(turn)])
            return
        occ, field = info.occupation, self.labels.field
        lines = [occ.summary, "", f"{field('tasks')}"] + [f"• {task}" for task in occ.tasks]
        for name in ("certificates", "majors", "skills"):
            values = getattr(occ, name)
            if values:
                lines.append(turn.t("jobs.compare_line", label=field(name), values=", ".join(values[:6])))
        lines.append(turn.t("jobs.compare_line", label=field("competency_count"), values=info.unit_count))
        if info.coverage is not None:
            c = info.coverage
            lines.append(turn.t("jobs.coverage_line", held=c.held, required=c.required, percent=c.percent))
        buttons = [
            turn.button("jobs.btn.report", f"j:r:{occ.code}:1"),
            turn.button("answer.jobs.btn.requirements", f"j:q:{occ.code}"),
            turn.button("jobs.btn.add", f"j:a:{occ.code}"),
            self.search_button(turn),
            turn.menu_button(),
        ]
        turn.say("\n".join(lines), buttons, title=occ.name)

    def open_view(self, turn: Turn, code: str, view: str) -> None:
        """An occupation asked for by name: its details, what it takes, or its report."""
        if view == "report":
            self.report(turn, code, 1)
        elif view == "requirements":
            self.requirements(turn, code)
        else:
            self.show(turn, code)

    def requirements(self, turn: Turn, code: str) -> None:
        """What it takes: certificates, majors, skills and training, from the catalogue."""
        occ = self.catalogue.get(code)
        if occ is None:
            turn.say(turn.t("jobs.not_found"), [self.search_button(turn)])
            return
        field = self.labels.field
        lines = [turn.t("answer.jobs.requirements_intro")]
        for name in ("certificates", "majors", "skills", "training"):
            values = getattr(occ, name)
            if values:
                lines.append(turn.t("jobs.compare_line", label=field(name), values=", ".join(values[:6])))
        lines.append(turn.t("answer.jobs.requirements_ncs", count=occ.unit_count))
        buttons = [turn.button("jobs.btn.report", f"j:r:{occ.code}:1"),
                   turn.button("jobs.btn.details", f"j:d:{occ.code}"),
                   turn.button("jobs.btn.add", f"j:a:{occ.code}"), turn.menu_button()]
        turn.say("\n".join(lines), buttons, title=turn.t("answer.jobs.requirements_title", name=occ.name))

    # ------------------------------------------------------------- comparing
    def add(self, turn: Turn, code: str) -> None:
        occ = self.catalogue.get(code)
        if occ is None:
            raise LookupError(code)
        basket = turn.state.compare
        if occ.code in basket:
            text = turn.t("jobs.already_added", name=occ.name, count=len(basket))
        elif len(basket) >= MAX_COMPARE:
            text = turn.t("jobs.compare_full")
        else:
            basket.append(occ.code)
            text = turn.t("jobs.added", name=occ.name, count=len(basket))
        buttons = [turn.button("jobs.btn.compare", "j:c")] if len(basket) >= 2 else []
        turn.say(text, [*buttons, self.search_button(turn), turn.button("jobs.btn.clear", "j:x")])

    def compare_named(self, turn: Turn, names: list[str]) -> None:
        codes: list[str] = []
        for name in names:
            hits = search(name, limit=1, catalogue=self.catalogue)
            if hits and hits[0].code not in codes:
                codes.append(hits[0].code)
        if len(codes) >= 2:
            self.show_comparison(turn, codes[:MAX_COMPARE])
        else:
            self.compare_basket(turn)

    def compare_basket(self, turn: Turn) -> None:
        if len(turn.state.compare) < 2:
            turn.say(turn.t("jobs.compare_need"), [self.search_button(turn), turn.menu_button()])
            return
        self.show_comparison(turn, turn.state.compare)

    def show_comparison(self, turn: Turn, codes: list[str]) -> None:
        result = compare(codes, profile=self.profile(turn), catalogue=self.catalogue)
        field = self.labels.field
        for column in result.columns:
            lines = [column.summary]
            for name in ("certificates", "majors"):
                values = getattr(column, name)
                lines.append(turn.t("jobs.compare_line", label=field(name), values=", ".join(values[:4]) or "-"))
            lines.append(turn.t("jobs.compare_line", label=field("competency_count"), values=column.unit_count))
            if column.held is not None:
                lines.append(turn.t("jobs.compare_line", label=field("coverage"), values=f"{column.percent}%"))
            turn.say("\n".join(lines), [turn.button("jobs.btn.details", f"j:d:{column.code}")], title=column.name)
        turn.say(turn.t("jobs.details_more"), [self.search_button(turn), turn.button("jobs.btn.clear", "j:x"),
                                                turn.menu_button()])

    # -------------------------------------------------------- profile, advice
    def show_profile(self, turn: Turn) -> None:
        lines = [turn.t("jobs.profile_header")]
        filled = [(f, turn.state.profile.get(f) or []) for f in PROFILE_FIELDS]
        if not any(values for _, values in filled):
            lines.append(turn.t("jobs.profile_empty"))
        for field, values in filled:
            if values:
                lines.append(turn.t("jobs.profile_line", label=turn.t(f"jobs.field.{field}"), values=", ".join(values)))
        lines.append(turn.t("jobs.profile_hint"))
        buttons = [turn.button(f"jobs.field.{f}", f"j:e:{f}") for f in PROFILE_FIELDS]
        if any(values for _, values in filled):
            buttons += [turn.button("jobs.btn.recommend", "j:rec"), turn.button("jobs.btn.delete_profile", "j:del")]
        turn.say("\n".join(lines), [*buttons, turn.menu_button()])

    def recommend_profile(self, turn: Turn) -> None:
        profile = self.profile(turn)
        if profile is None:
            self.show_profile(turn)
            return
        self.show_recommendations(turn, profile, intro=None)

    def recommend_from_text(self, turn: Turn, text: str) -> None:
        """"컴공에 정보처리기사 있는데 뭐가 맞아요?": the message itself, on top of any saved profile."""
        saved = self.profile(turn) or Profile()
        profile = saved.model_copy(update={"experiences": [*saved.experiences, text[:200]]})
        self.show_recommendations(turn, profile, intro=text)

    def show_recommendations(self, turn: Turn, profile: Profile, intro: str | None) -> None:
        ranked = [r for r in recommend(profile, limit=5, catalogue=self.catalogue) if r.held > 0]
        if not ranked:
            turn.say(turn.t("jobs.rec_none"), [self.profile_button(turn), self.search_button(turn)])
            return
        items = [
            ListItem(title=r.name, description=turn.t("jobs.rec_item", held=r.held, required=r.required,
                                                      percent=r.percent), payload=f"j:d:{r.code}")
            for r in ranked
        ]
        matched = sorted({m.keyword for r in ranked for m in r.matched})
        text = turn.t("jobs.rec_from_text", items=", ".join(matched[:5])) if intro else None
        turn.replies.append(Reply(type="list", title=turn.t("jobs.rec_header"), text=text, items=items))
        turn.say(turn.t("jobs.details_more"), [self.profile_button(turn), self.search_button(turn), turn.menu_button()])

    # ---------------------------------------------------------------- report
    def report(self, turn: Turn, code: str, part: int) -> None:
        if not 1 <= part <= REPORT_PARTS:
            raise LookupError(part)
        try:
            report = build_report(code, profile=self.profile(turn), market=self.market(), catalogue=self.catalogue)
        except OccupationNotFound:
            turn.say(turn.t("jobs.not_found"), [self.search_button(turn)])
            return
        part_label = turn.t("jobs.report_part", part=part, parts=REPORT_PARTS)
        title = f"{self.labels.fmt('report.title', name=report.name)} {part_label}"
        text, links = [self._path, self._gap, self._market][part - 1](turn, report)
        buttons = [*links]
        if part < REPORT_PARTS:
            buttons.append(turn.button("jobs.btn.more", f"j:r:{report.code}:{part + 1}"))
        buttons += [turn.button("jobs.btn.details", f"j:d:{report.code}"), self.profile_button(turn),
                    turn.menu_button()]
        turn.say(text, buttons, title=title)

    def _path(self, turn: Turn, report: Report) -> tuple[str, list[Button]]:
        lab = self.labels
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
                lines.append(turn.t("jobs.report_level_line", mark=mark, name=unit.name))
        return "\n".join(lines), []

    def _gap(self, turn: Turn, report: Report) -> tuple[str, list[Button]]:
        lab = self.labels
        lines = [lab["report.gap"]]
        items = [(kind, item) for kind, group in report.gap.items() for item in group]
        if not items:
            lines.append(turn.t("jobs.report_no_gap"))
        for kind, group in report.gap.items():
            if group:
                lines.append(f"[{lab[f'kinds.{kind}']}]")
                lines += [turn.t("jobs.report_gap_line", keyword=g.keyword, units=", ".join(g.closes[:3]))
                          for g in group[:5]]
        return "\n".join(lines), []

    def _market(self, turn: Turn, report: Report) -> tuple[str, list[Button]]:
        lab, market = self.labels, report.market
        link = Button(label=turn.t("jobs.btn.market"), url=lab["market.service_url"])
        if not market.loaded or market.record is None:
            return lab.fmt("market.not_loaded", service_name=lab["market.service_name"]), [link]
        record = market.record
        lines = [lab["market.heading"], turn.t("jobs.market_line", label=lab["market.period"], value=record.period)]
        figures = {
            "job_openings": record.job_openings, "job_seekers": record.job_seekers,
            "openings_ratio": record.openings_ratio,
        }
        lines += [turn.t("jobs.market_line", label=lab[f"market.{k}"], value=v) for k, v in figures.items()
                  if v is not None]
        for key in ("top_certificates", "top_majors"):
            values = getattr(record, key)
            if values:
                lines.append(turn.t("jobs.market_line", label=lab[f"market.{key}"], value=", ".join(values[:5])))
        lines.append(lab.fmt("market.imported_note", source=market.source or "-",
                             service_name=lab["market.service_name"]))
        return "\n".join(lines), [link]
