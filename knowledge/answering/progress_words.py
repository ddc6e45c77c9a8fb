"""Progress said in words: "워크넷이랑 잡케어는 다 했어요" -> the stages worknet and jobcare are done.

A message counts as a report of progress when it names stages of the checklist and says they are
done, without a word that makes it a question or a plan ("어떻게", "아직", "해야"). Stages are
returned in the order they are named; a longer name wins over a shorter one inside it ("3가지 검사"
over "검사"). A stage made of parts (the three tests; 가입, 실명등록 and 전환 for 워크넷) counts only
when all its parts are named, "…까지" naming the ones before it too: "취업준비도검사 끝냈어요" is one
test done, not the stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.retrieval import squash


@dataclass(frozen=True)
class PartsDone:
    """Some, not all, parts of a stage said done: what is done and what is left, as shown."""

    stage: str
    done: tuple[str, ...]
    left: tuple[str, ...]


def _mentions(key: str, lex: AnswerLexicon) -> list[tuple[int, str, int]]:
    """(position, stage, part number or -1 for the whole stage) for each name found, longest first."""
    words = sorted([(w, (s, -1)) for w, s in lex.stage_words] + list(lex.stage_parts),
                   key=lambda pair: len(pair[0]), reverse=True)
    taken = [False] * len(key)
    found: list[tuple[int, str, int]] = []
    for word, (stage, part) in words:
        start = key.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append((start, stage, part))
            start = key.find(word, end)
    return sorted(_up_to(key, found, lex))


def _up_to(key: str, found: list[tuple[int, str, int]], lex: AnswerLexicon) -> list[tuple[int, str, int]]:
    """A part named with "까지" ("취업활동평가까지") brings every part before it."""
    out = list(found)
    for start, stage, part in found:
        word = next((w for w, (s, p) in lex.stage_parts if s == stage and p == part and key.startswith(w, start)), "")
        if part > 0 and key.startswith(lex.stage_up_to, start + len(word)):
            out += [(start, stage, earlier) for earlier in range(part)]
    return out


def stages_named(text: str, lex: AnswerLexicon) -> list[str]:
    """Stage ids named in ``text``, in order, each once (a stage of parts only with all its parts)."""
    mentions = _mentions(squash(text), lex)
    counts = {stage: len(labels) for stage, labels in lex.part_labels}
    parts: dict[str, set[int]] = {}
    for _, stage, part in mentions:
        parts.setdefault(stage, set()).add(part)
    ordered: list[str] = []
    for _, stage, _ in mentions:
        named = parts[stage]
        whole = -1 in named or (stage in counts and len(named) == counts[stage])
        if whole and stage not in ordered:
            ordered.append(stage)
    return ordered


def _says_done(text: str, lex: AnswerLexicon) -> bool:
    key = squash(text)
    if not any(w in key for w in lex.done_words) or any(w in key for w in lex.not_done_words):
        return False
    return "?" not in text and not any(q in key for q in lex.question_words)


def stages_said_done(text: str, lex: AnswerLexicon) -> list[str]:
    """The stages ``text`` reports as done; empty when it is no such report."""
    return stages_named(text, lex) if _says_done(text, lex) else []


def parts_said_done(text: str, lex: AnswerLexicon) -> list[PartsDone]:
    """Stages of which ``text`` reports some parts done but not all ("취업준비도검사 끝냈어요")."""
    if not _says_done(text, lex):
        return []
    named: dict[str, set[int]] = {}
    for _, stage, part in _mentions(squash(text), lex):
        named.setdefault(stage, set()).add(part)
    out = []
    for stage, labels in lex.part_labels:
        done = named.get(stage, set())
        if done and -1 not in done and len(done) < len(labels):
            out.append(PartsDone(stage, tuple(labels[i] for i in sorted(done)),
                                 tuple(label for i, label in enumerate(labels) if i not in done)))
    return out
