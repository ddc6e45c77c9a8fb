"""One turn of dialogue: conversation state + input -> replies, new state, effects.

The engine is pure: it reads the domain (flows over knowledge) and the state it is given, and says
what to reply and what should change. Storage, channels and clocks belong to ``bot``.

Buttons carry explicit payloads, so a pressed button never depends on the NLU guessing right:

==============  ==================================================
``m`` ``m:ID``  a menu                ``p``        progress checklist
``f:FLOW``      start a guide         ``f:FLOW:S`` start it at step S
``n:FLOW:S``    next (from step S)    ``b:FLOW:S`` back (from step S)
``o:FLOW:S:O``  option O of step S    ``r``        resume the guide
``h``           처음으로 (home)        ``x``        그만 (stop the guide)
``d:STAGE``     mark a stage done     ``u:STAGE``  mark it not done
``i:INTENT``    "I meant this"        ``c``        talk to a person
``a:center``    centre information    ``a:jobs``   occupation search
``j:...``       occupations (see flows/jobs.py)
``y`` / ``no``  answer a confirmation   ``dd:S1:S2..`` mark stages said done in words (``dn``: don't)
==============  ==================================================
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from flows.answering import Answers
from flows.loader import Domain

if TYPE_CHECKING:
    from flows.jobs import JobsDialogue
from flows.replies import Button, ListItem, Reply, numbered_payloads
from flows.schema import Flow, Step, Target
from flows.state import ConversationState, Effect, Place, UserInput
from knowledge.retrieval import squash
from knowledge.schema import Fact

#: Texts the engine uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = (
    "nav.next", "nav.back", "nav.home", "nav.stop", "nav.resume", "nav.menu", "nav.start",
    "nav.start_here", "nav.from_start", "nav.done", "nav.later", "nav.progress", "nav.consultant",
    "nav.yes", "nav.no", "nav.next_guide", "nav.open_other",
    "greet.first", "greet.again", "goodbye", "thanks", "affirm.nothing", "deny.ok",
    "menu.hint", "step.header", "step.header_open", "step.first", "step.resume", "guide.finished", "guide.stage_hint",
    "guide.stage_already", "guide.stopped", "guide.none_to_resume",
    "fallback.clarify", "fallback.again", "fallback.plain", "out_of_scope",
    "input.empty", "input.too_long", "input.no_words", "input.masked_number",
    "button.stale", "button.unknown",
    "progress.header", "progress.item_done", "progress.item_todo", "progress.next", "progress.all_done",
    "progress.grade", "progress.pick_stage", "stage.marked_done", "stage.marked_undone",
    "center.unset", "center.header", "center.consultants_unset", "handoff.requested",
    "reminders.unavailable", "delete.confirm", "delete.done", "delete.cancelled",
    "jobs.unavailable", "error.sorry", "channel.busy", "cli.welcome", "cli.prompt",
)

#: Typed words that act like buttons (word lists in knowledge/content/ui.yml ``words``).
NAV_COMMANDS = ("next", "back", "home", "stop", "resume", "menu", "progress")

#: Confidence below which a guide intent is not trusted to pick a fact on its own.
FACT_IN_INTENT = 0.28
#: A fact this similar answers the question whatever the intent said.
FACT_ANYWHERE = 0.55
#: How much better a fact outside the intent must match to be preferred.
CLEARLY_BETTER = 0.15
#: Only a near-verbatim match to a fact outweighs an action intent or "out of scope".
FACT_OVERRULES_INTENT = 0.7
#: Intents that act rather than inform; a clear fact match wins over them (e.g. "보고서 삭제").
_ACTION_INTENTS = {"out_of_scope", "help", "delete_my_data", "job_search", "occupation_compare",
                   "profile_recommend", "reminder_settings", "human_handoff"}

_SMALL_TALK = {"greet", "goodbye", "thanks", "affirm", "deny"}
_YES_OPTIONS = ("yes", "y", "ok")
_NO_OPTIONS = ("no", "n")


@dataclass
class Outcome:
    replies: list[Reply]
    state: ConversationState
    effects: list[Effect] = field(default_factory=list)


class Engine:
    """Holds the domain; ``step`` runs one turn. Safe to share between threads (no turn state)."""

    def __init__(self, domain: Domain, jobs: JobsDialogue | None = None) -> None:
        self.domain = domain
        self.k = domain.knowledge
        self.jobs = jobs
        self.answers = Answers(domain)
        self._words = {cmd: {squash(w) for w in self.k.words.get(cmd, [])} for cmd in NAV_COMMANDS}

    def step(self, state: ConversationState, message: UserInput, done: Iterable[str] = ()) -> Outcome:
        turn = Turn(self, state.model_copy(deep=True), set(done))
        turn.run(message)
        turn.state.numbered = numbered_payloads(turn.replies)
        return Outcome(turn.replies, turn.state, turn.effects)

    def command_for(self, text: str) -> str | None:
        """The navigation command a typed word means (다음, 이전, 처음으로, 그만, 계속, 메뉴)."""
        key = squash(text)
        return next((cmd for cmd, words in self._words.items() if key in words), None)


class Turn:
    """The work of one turn; collects replies and effects while it changes its copy of the state."""

    def __init__(self, engine: Engine, state: ConversationState, done: set[str]) -> None:
        self.e, self.d, self.k = engine, engine.domain, engine.k
        self.state, self.done = state, done
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        # a confirmation, or free text asked for, only holds for the very next turn
        self.awaiting, state.confirm = state.confirm, None
        self.expecting, state.expecting = state.expecting, None

    # ----------------------------------------------------------------- helpers
    def t(self, text_id: str, **values: object) -> str:
        return self.k.text(text_id, **values)

    def say(self, text: str, buttons: Iterable[Button] = (), title: str | None = None) -> None:
        self.replies.append(Reply(type="card" if title else "text", text=text, title=title, buttons=list(buttons)))

    def button(self, text_id: str, payload: str, **values: object) -> Button:
        return Button(label=self.t(text_id, **values), payload=payload)

    def flow_title(self, flow_id: str) -> str:
        return self.k.fact(self.d.flows[flow_id].about).title or flow_id

    def menu_button(self) -> Button:
        return self.button("nav.menu", "m")

    # -------------------------------------------------------------- dispatch
    def run(self, message: UserInput) -> None:
        if "masked_number" in message.notices:
            self.say(self.t("input.masked_number"))
        for notice in ("empty", "too_long", "no_words"):
            if notice in message.notices:
                self.say(self.t(f"input.{notice}"), self.where_am_i_buttons())
                return
        if message.payload is not None:
            self.on_payload(message.payload.strip())
        else:
            self.on_text(message.text or "", message.parse or {})

    def where_am_i_buttons(self) -> list[Button]:
        if self.state.place:
            return [self.button("nav.resume", "r"), self.menu_button()]
        return [self.menu_button()]

    # -------------------------------------------------------------- payloads
    def on_payload(self, payload: str) -> None:
        verb, _, rest = payload.partition(":")
        args = rest.split(":") if rest else []
        self.e.answers.observe_payload(self, verb, args)
        handler = {
            "m": self.show_menu, "f": self.start_flow, "n": self.press_next, "b": self.press_back,
            "o": self.press_option, "r": self.resume, "h": self.home, "x": self.stop, "p": self.show_progress,
            "d": self.mark_done, "u": self.mark_undone, "i": self.clarified, "c": self.handoff,
            "a": self.action, "y": self.confirmed, "no": self.declined, "j": self.jobs_payload,
            "dd": self.mark_stages, "dn": self.keep_stages,
        }.get(verb)
        try:
            if handler is None:
                raise LookupError(payload)
            inspect.signature(handler).bind(*args)
        except (LookupError, TypeError):
            self.unknown_button()
            return
        try:
            handler(*args)
        except LookupError:  # an id that no longer exists: a button from another version of the content
            self.unknown_button()

    def unknown_button(self) -> None:
        self.say(self.t("button.unknown"), self.where_am_i_buttons())

    def stale_button(self, flow_id: str | None = None) -> None:
        buttons = self.where_am_i_buttons()
        if flow_id in self.d.flows and not self.state.place:
            buttons.insert(0, self.button("nav.start", f"f:{flow_id}", title=self.flow_title(flow_id)))
        self.say(self.t("button.stale"), buttons)

    def _current(self, flow_id: str, key: str) -> bool:
        place = self.state.place
        return place is not None and place.flow == flow_id and place.step == key

    # ------------------------------------------------------------------ text
    def on_text(self, text: str, parse: dict[str, Any]) -> None:
        number = squash(text)
        if number.isdigit() and 1 <= int(number) <= len(self.state.numbered):
            self.on_payload(self.state.numbered[int(number) - 1])
            return
        self.absorb_entities(parse)
        place = self.state.place
        if place is not None:
            step = self.d.step(place.flow, place.step)
            if step is not None and step.ask and self.try_answer_question(place, step, text, parse):
                return
        command = self.e.command_for(text)
        if command is not None:
            self.on_command(command)
            return
        jobs = self.e.jobs
        if self.expecting and jobs is not None and jobs.on_expected_text(self, self.expecting, text, parse):
            return
        if self.e.answers.on_text(self, text, parse):
            return
        intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
        self.on_intent(intent, text, parse)

    def on_command(self, command: str) -> None:
        """A typed navigation word; 다음/이전 act on the step being shown."""
        place = self.state.place
        if command in ("next", "back"):
            if place is None:
                self.say(self.t("guide.none_to_resume"), [self.menu_button()])
            elif command == "next":
                self.press_next(place.flow, place.step)
            else:
                self.press_back(place.flow, place.step)
            return
        {"home": self.home, "stop": self.stop, "resume": self.resume, "menu": self.show_menu,
         "progress": self.show_progress}.get(command, self.unknown_button)()

    def absorb_entities(self, parse: dict[str, Any]) -> None:
        for entity in parse.get("entities") or []:
            if entity.get("entity") == "grade" and str(entity.get("value")) in {"1", "2", "3", "4"}:
                self.state.slots["grade"] = str(entity["value"])

    def try_answer_question(self, place: Place, step: Step, text: str, parse: dict[str, Any]) -> bool:
        """Typed answers to a question step: the label, its number, yes/no, or a grade entity."""
        options = list(self.k.fact(step.fact_id).options.items())
        key = squash(text)
        chosen: str | None = None
        for option, label in options:
            if key and (key == squash(label) or key == option):
                chosen = option
        if chosen is None and step.slot_name == "grade":
            grade = next((str(e["value"]) for e in parse.get("entities") or [] if e.get("entity") == "grade"), None)
            grade = grade or (key[0] if key[:1] in {"1", "2", "3", "4"} and len(key) <= 3 else None)
            chosen = grade if grade in dict(options) else None
        if chosen is None:
            intent = (parse.get("intent") or {}).get("name")
            ids = [o for o, _ in options]
            if intent == "affirm":
                chosen = next((o for o in ids if o in _YES_OPTIONS), None)
            elif intent == "deny":
                chosen = next((o for o in ids if o in _NO_OPTIONS), None)
        if chosen is None and key and len(key) >= 2:
            scored = [(fuzz.ratio(key, squash(label)), option) for option, label in options]
            score, option = max(scored)
            chosen = option if score >= 85 else None
        if chosen is None:
            return False
        self.press_option(place.flow, place.step, chosen)
        return True

    # --------------------------------------------------------------- intents
    def on_intent(self, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent != "nlu_fallback":
            self.state.fallbacks = 0
        offer, self.state.offer = self.state.offer, None
        if self.awaiting == "delete" and intent in ("affirm", "deny"):
            (self.confirmed if intent == "affirm" else self.declined)()
            return
        if self.e.answers.on_confirmation(self, intent):
            return
        if intent in _SMALL_TALK:
            self.small_talk(intent, offer)
            return
        fact = self.strong_fact(text) if intent in _ACTION_INTENTS else None
        if fact is not None:
            self.answer_fact(fact)
            return
        simple = {
            "help": self.show_menu, "progress_status": self.show_progress, "human_handoff": self.handoff,
            "center_info": self.show_center, "reminder_settings": self.reminders,
            "delete_my_data": self.ask_delete,
        }
        if intent in simple:
            simple[intent]()
        elif intent == "out_of_scope":
            self.say(self.t("out_of_scope"), self.where_am_i_buttons())
        elif intent == "step_done":
            self.step_done(parse)
        elif intent in ("job_search", "occupation_compare", "profile_recommend"):
            self.jobs(intent, text, parse)
        elif intent == "nlu_fallback":
            self.fallback(text, parse)
        else:
            self.answer(text, intent)

    def small_talk(self, intent: str, offer: str | None) -> None:
        if intent == "greet":
            first = not self.state.greeted
            self.state.greeted = True
            self.say(self.t("greet.first" if first else "greet.again"))
            self.show_menu()
        elif intent == "affirm" and offer in self.d.flows:
            self.start_flow(offer)
        elif intent == "affirm":
            self.say(self.t("affirm.nothing"), self.where_am_i_buttons())
        elif intent == "deny":
            self.say(self.t("deny.ok"), self.where_am_i_buttons())
        elif intent == "thanks":
            self.say(self.t("thanks"), self.where_am_i_buttons())
        else:
            self.say(self.t("goodbye"))

    def jobs(self, intent: str, text: str, parse: dict[str, Any]) -> None:
        if self.e.jobs is None:
            self.say(self.t("jobs.unavailable"), [self.menu_button()])
        else:
            self.e.jobs.on_intent(self, intent, text, parse)

    def jobs_payload(self, *args: str) -> None:
        if self.e.jobs is None:
            raise LookupError("jobs")
        self.e.jobs.on_payload(self, list(args))

    # ------------------------------------------------------------- answering
    def find_fact(self, text: str, intent: str | None) -> Fact | None:
        """The best fact for ``text`` in this conversation's context; else the intent's guide summary."""
        fact = self.e.answers.best_fact(self, text, intent)
        if fact is not None:
            return fact
        flow = self.d.flow_for_intent(intent) if intent else None
        return self.k.fact(flow.about) if flow else None

    def strong_fact(self, text: str) -> Fact | None:
        """A near-verbatim match to a fact: it outweighs what the NLU made of the message."""
        hits = self.d.index.search(text, limit=1) if self.d.index and text else []
        return hits[0].fact if hits and hits[0].score >= FACT_OVERRULES_INTENT else None

    def answer(self, text: str, intent: str | None) -> None:
        fact = self.find_fact(text, intent)
        if fact is None:
            self.fallback(text, {})
            return
        self.answer_fact(fact)

    def answer_fact(self, fact: Fact) -> None:
        """The fact first; then, mid-guide, the guide again; otherwise an offer to walk the guide."""
        links = [Button(label=fact.link.label, url=str(fact.link.url))] if fact.link else []
        flow_id = self.d.flow_of_fact(fact.id)
        place = self.state.place
        if place is not None:
            self.say(fact.text, links, title=fact.title)
            other = flow_id not in (None, place.flow)
            extra = [self.button("nav.open_other", self.start_button(fact, flow_id).payload or "")] if other else []
            self.render_step(place, prefix=self.t("step.resume"), extra=extra)
            return
        buttons = links[:]
        if flow_id is not None:
            buttons.append(self.start_button(fact, flow_id))
            self.state.offer = flow_id
            if fact.id in self.d.fact_places and fact.id not in self.d.about_of:
                buttons.append(self.button("nav.from_start", f"f:{flow_id}"))
        buttons.append(self.menu_button())
        self.say(fact.text, buttons, title=fact.title)

    def start_button(self, fact: Fact, flow_id: str) -> Button:
        if fact.id in self.d.about_of:
            return self.button("nav.start", f"f:{flow_id}", title=self.flow_title(flow_id))
        _, key = self.d.fact_places[fact.id]
        return self.button("nav.start_here", f"f:{flow_id}:{key}")

    def fallback(self, text: str, parse: dict[str, Any]) -> None:
        """Try the facts once more; then ask which of the two likeliest things was meant."""
        fact = self.find_fact(text, None)
        if fact is not None:
            self.state.fallbacks = 0
            self.answer_fact(fact)
            return
        self.state.fallbacks += 1
        self.state.unclear = text[:200]
        if self.state.fallbacks >= 2:
            self.say(self.t("fallback.again"), [self.button("nav.consultant", "c"), self.menu_button()])
            return
        ranking = [r.get("name") for r in parse.get("intent_ranking") or []]
        likely = [name for name in ranking if name and f"intent.{name}" in self.k.texts][:2]
        if likely:
            buttons = [Button(label=self.t(f"intent.{name}"), payload=f"i:{name}") for name in likely]
            self.say(self.t("fallback.clarify"), [*buttons, self.menu_button()])
        else:
            self.say(self.t("fallback.plain"), [self.menu_button()])

    def clarified(self, intent: str) -> None:
        text, self.state.unclear = self.state.unclear or "", None
        self.state.fallbacks = 0
        if f"intent.{intent}" not in self.k.texts:
            raise LookupError(intent)
        self.on_intent(intent, text, {"intent": {"name": intent, "confidence": 1.0}, "entities": []})

    # ----------------------------------------------------------------- guides
    def start_flow(self, flow_id: str, key: str | None = None) -> None:
        flow = self.d.flows[flow_id]
        self.state.offer = None
        if key is not None:
            step = self.d.step(flow_id, key)
            if step is None:
                raise LookupError(key)
        else:
            step = self.first_applicable(flow, 0)
        if step is None:
            self.finish(flow)
            return
        place = Place(flow=flow_id, step=step.key)
        self.state.place, self.state.paused = place, None
        self.render_step(place)

    def applies(self, step: Step) -> bool:
        slots = self.state.slots
        if step.collect and step.collect in slots:
            return False
        return all(slots.get(name) in values for name, values in step.when.items())

    def counted_steps(self, flow: Flow, place: Place) -> tuple[list[str], bool]:
        """The steps "n/total" counts (walked, current, and those that apply), and whether the total
        is known: while a branch ahead is undecided it is not, and only "n단계" is shown."""
        keys: list[str] = []
        known = True
        for step in flow.steps:
            if step.key in place.trail or step.key == place.step:
                keys.append(step.key)
            elif any(name not in self.state.slots for name in step.when):
                known = False
            elif self.applies(step):
                keys.append(step.key)
        return keys, known

    def first_applicable(self, flow: Flow, start: int) -> Step | None:
        return next((s for s in flow.steps[start:] if self.applies(s)), None)

    def render_step(self, place: Place, prefix: str | None = None, extra: Iterable[Button] = ()) -> None:
        flow = self.d.flows[place.flow]
        step = self.d.step(place.flow, place.step)
        assert step is not None
        fact = self.k.fact(step.fact_id)
        counted, known = self.counted_steps(flow, place)
        position = counted.index(step.key) + 1
        header = "step.header" if known else "step.header_open"
        title = self.t(header, title=self.flow_title(flow.id), n=position, total=len(counted))
        text = f"{prefix}\n\n{fact.text}" if prefix else fact.text
        buttons: list[Button] = []
        if step.ask:
            buttons += [
                Button(label=label, payload=f"o:{flow.id}:{step.key}:{option}")
                for option, label in fact.options.items()
            ]
        else:
            buttons.append(self.button("nav.next", f"n:{flow.id}:{step.key}"))
        if fact.link:
            buttons.append(Button(label=fact.link.label, url=str(fact.link.url)))
        if place.trail:
            buttons.append(self.button("nav.back", f"b:{flow.id}:{step.key}"))
        buttons += [self.button("nav.home", "h"), self.button("nav.stop", "x"), *extra]
        self.replies.append(Reply(type="card", title=title, text=text, buttons=buttons))

    def press_next(self, flow_id: str, key: str) -> None:
        if not self._current(flow_id, key):
            self.stale_button(flow_id)
            return
        self.advance()

    def advance(self) -> None:
        place = self.state.place
        assert place is not None
        flow = self.d.flows[place.flow]
        index = [s.key for s in flow.steps].index(place.step)
        step = self.first_applicable(flow, index + 1)
        if step is None:
            self.finish(flow)
            return
        self.go_to(step.key)

    def go_to(self, key: str) -> None:
        place = self.state.place
        assert place is not None
        self.state.place = Place(flow=place.flow, step=key, trail=[*place.trail, place.step][-30:])
        self.render_step(self.state.place)

    def press_back(self, flow_id: str, key: str) -> None:
        place = self.state.place
        if not self._current(flow_id, key) or place is None:
            self.stale_button(flow_id)
            return
        if not place.trail:
            self.render_step(place, prefix=self.t("step.first"))
            return
        self.state.place = Place(flow=flow_id, step=place.trail[-1], trail=place.trail[:-1])
        self.render_step(self.state.place)

    def press_option(self, flow_id: str, key: str, option: str) -> None:
        step = self.d.step(flow_id, key)
        if step is None or option not in self.k.fact(step.fact_id).options:
            raise LookupError(option)
        if not self._current(flow_id, key):
            self.stale_button(flow_id)
            return
        if step.slot_name:
            self.state.slots[step.slot_name] = option
        target = step.next.get(option, Target())
        branch = f"{flow_id}:{key}"
        earlier = self.state.marks.pop(branch, None)
        if earlier and earlier != target.done and earlier in self.done:  # another answer: undo what it marked
            self.done.discard(earlier)
            self.effects.append(Effect("stage_undone", earlier))
        if target.done and target.done not in self.done:
            self.mark(target.done, quiet=True)
            self.state.marks[branch] = target.done
        if target.flow:
            self.start_flow(target.flow)
        elif target.step:
            self.go_to(target.step)
        elif target.end:
            self.finish(self.d.flows[flow_id])
        else:
            self.advance()

    def finish(self, flow: Flow) -> None:
        """End of a guide: offer to tick its stage, and the guide that usually comes next."""
        self.state.place = None
        buttons: list[Button] = []
        lines = [self.t("guide.finished", title=self.flow_title(flow.id))]
        if flow.stage and flow.stage not in self.done:
            lines.append(self.t("guide.stage_hint", stage=self.stage_label(flow.stage)))
            buttons += [self.button("nav.done", f"d:{flow.stage}"), self.button("nav.later", "p")]
        elif flow.stage:
            lines.append(self.t("guide.stage_already", stage=self.stage_label(flow.stage)))
        if flow.then:
            self.state.offer = flow.then
            buttons.append(self.button("nav.next_guide", f"f:{flow.then}", title=self.flow_title(flow.then)))
        buttons.append(self.menu_button())
        self.say("\n".join(lines), buttons)

    def resume(self) -> None:
        place = self.state.place or self.state.paused
        if place is None:
            self.say(self.t("guide.none_to_resume"), [self.menu_button()])
            return
        self.state.place, self.state.paused = place, None
        self.render_step(place)

    def stop(self) -> None:
        if self.state.place is not None:
            self.state.paused, self.state.place = self.state.place, None
        self.say(self.t("guide.stopped"), [self.button("nav.resume", "r"), self.menu_button()])

    def home(self) -> None:
        if self.state.place is not None:
            self.state.paused, self.state.place = self.state.place, None
        self.show_menu()

    # ------------------------------------------------------------ menus, etc.
    def show_menu(self, menu_id: str = "main") -> None:
        menu = self.d.menus[menu_id]
        items = []
        for item in menu.items:
            if item.flow:
                items.append(ListItem(title=self.flow_title(item.flow), payload=f"f:{item.flow}"))
            else:
                payload = f"m:{item.menu}" if item.menu else {"progress": "p", "handoff": "c"}.get(
                    item.action or "", f"a:{item.action}"
                )
                items.append(ListItem(title=self.t(item.label or ""), payload=payload))
        self.replies.append(Reply(type="list", title=self.t(menu.title), text=self.t("menu.hint"), items=items))

    def action(self, name: str) -> None:
        if name == "center":
            self.show_center()
        elif name == "jobs":
            self.jobs("job_search", "", {})
        else:
            raise LookupError(name)

    def stage_label(self, stage_id: str) -> str:
        return self.t(self.d.stages[stage_id].label)

    def next_stage(self) -> str | None:
        return next((s for s in self.d.stages if s not in self.done), None)

    def show_progress(self) -> None:
        lines = [self.t("progress.header")]
        grade = self.state.slots.get("grade")
        if grade:
            lines.append(self.t("progress.grade", grade=grade, track=self.t(f"track.{grade}")))
        for number, stage in enumerate(self.d.stages, start=1):
            key = "progress.item_done" if stage in self.done else "progress.item_todo"
            lines.append(self.t(key, n=number, stage=self.stage_label(stage)))
        upcoming = self.next_stage()
        buttons: list[Button] = []
        if upcoming is None:
            lines.append(self.t("progress.all_done"))
        else:
            lines.append(self.t("progress.next", stage=self.stage_label(upcoming)))
            flow = self.d.stages[upcoming].flow
            self.state.offer = flow
            buttons += [
                self.button("nav.start", f"f:{flow}", title=self.flow_title(flow)),
                self.button("nav.done", f"d:{upcoming}"),
            ]
        buttons.append(self.menu_button())
        self.say("\n".join(lines), buttons)

    def mark(self, stage: str, quiet: bool = False) -> None:
        if stage not in self.d.stages:
            raise LookupError(stage)
        if stage not in self.done:
            self.done.add(stage)
            self.effects.append(Effect("stage_done", stage))
        if not quiet:
            self.say(self.t("stage.marked_done", stage=self.stage_label(stage)))

    def mark_done(self, stage: str) -> None:
        self.mark(stage)
        upcoming = self.next_stage()
        if upcoming is None:
            self.say(self.t("progress.all_done"), [self.menu_button()])
            return
        flow = self.d.stages[upcoming].flow
        self.state.offer = flow
        self.say(
            self.t("progress.next", stage=self.stage_label(upcoming)),
            [self.button("nav.start", f"f:{flow}", title=self.flow_title(flow)), self.button("nav.progress", "p")],
        )

    def mark_stages(self, *stages: str) -> None:
        self.e.answers.mark_stages(self, list(stages))

    def keep_stages(self) -> None:
        self.say(self.t("deny.ok"), self.where_am_i_buttons())

    def mark_undone(self, stage: str) -> None:
        if stage not in self.d.stages:
            raise LookupError(stage)
        self.done.discard(stage)
        self.effects.append(Effect("stage_undone", stage))
        self.say(self.t("stage.marked_undone", stage=self.stage_label(stage)), [self.button("nav.progress", "p")])

    def step_done(self, parse: dict[str, Any]) -> None:
        """"다 했어요": the stage named, else the guide being walked (or just left), else ask which."""
        stage = next((e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "stage"), None)
        place = self.state.place or self.state.paused
        if stage not in self.d.stages and place is not None:
            stage = self.d.stage_of_flow(place.flow)
        if stage in self.d.stages:
            self.state.place = None
            self.mark_done(stage)
            return
        buttons = [Button(label=self.stage_label(s), payload=f"d:{s}") for s in self.d.stages if s not in self.done]
        self.say(self.t("progress.pick_stage"), [*buttons, self.menu_button()])

    def show_center(self) -> None:
        inst = self.k.institution
        fields = [
            ("school_name", inst.school_name), ("centre_name", inst.centre_name), ("location", inst.location),
            ("hours", inst.hours), ("phone", inst.phone), ("booking", inst.booking),
            ("url", str(inst.url) if inst.url else None),
        ]
        known = [(name, value) for name, value in fields if value]
        if not known:
            self.say(self.t("center.unset"), [self.menu_button()])
            return
        lines = [self.t("center.header")] + [self.t(f"center.{name}", value=value) for name, value in known]
        consultants = [c for c in inst.consultants if c.name or c.contact]
        if consultants:
            lines += [self.t("center.consultant", college=c.college, name=c.name or "-", contact=c.contact or "-")
                      for c in consultants]
        else:
            lines.append(self.t("center.consultants_unset"))
        self.say("\n".join(lines), [self.menu_button()])

    def handoff(self) -> None:
        self.effects.append(Effect("handoff"))
        self.say(self.t("handoff.requested"), [self.button("nav.resume", "r")] if self.state.place else [])
        self.show_center()

    def reminders(self) -> None:
        self.say(self.t("reminders.unavailable"), [self.button("nav.progress", "p"), self.menu_button()])

    def ask_delete(self) -> None:
        self.state.confirm = "delete"
        self.say(self.t("delete.confirm"), [self.button("nav.yes", "y"), self.button("nav.no", "no")])

    def confirmed(self) -> None:
        if self.awaiting != "delete":
            self.stale_button()
            return
        self.effects.append(Effect("delete_data"))
        self.state = ConversationState(greeted=True)
        self.done.clear()
        self.say(self.t("delete.done"), [self.menu_button()])

    def declined(self) -> None:
        if self.awaiting != "delete":
            self.stale_button()
            return
        self.say(self.t("delete.cancelled"), self.where_am_i_buttons())
