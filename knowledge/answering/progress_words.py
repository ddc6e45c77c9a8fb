"""Progress said in words: "워크넷이랑 잡케어는 다 했어요" -> the stages worknet and jobcare are done.

A message counts as a report of progress when it names stages of the checklist and says they are
done, without a word that makes it a question or a plan ("어떻게", "아직", "해야"). Stages are
returned in the order they are named; a longer name wins over a shorter one inside it ("3가지 검사"
over "검사").
"""

from __future__ import annotations

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.retrieval import squash


def stages_named(text: str, lex: AnswerLexicon) -> list[str]:
    """Stage ids named in ``text``, in order, each once."""
    key = squash(text)
    taken = [False] * len(key)
    found: list[tuple[int, str]] = []
    for word, stage in lex.stage_words:
        start = key.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append((start, stage))
            start = key.find(word, end)
    ordered: list[str] = []
    for _, stage in sorted(found):
        if stage not in ordered:
            ordered.append(stage)
    return ordered


def stages_said_done(text: str, lex: AnswerLexicon) -> list[str]:
    """The stages ``text`` reports as done; empty when it is no such report."""
    key = squash(text)
    if not any(w in key for w in lex.done_words) or any(w in key for w in lex.not_done_words):
        return []
    if "?" in text or any(q in key for q in lex.question_words):
        return []
    return stages_named(text, lex)
