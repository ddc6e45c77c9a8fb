"""Profile answers cut into items: "정보처리기사 준비중이고 컴활 2급 있어요" -> held 컴활 2급, preparing
정보처리기사. A certificate being prepared is not one the person holds, so it must not count toward
the competencies a profile covers.
"""

from __future__ import annotations

import re

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.retrieval import squash

_SEPARATORS = r"[,，、/·;\n]"
MAX_ITEMS = 10
MAX_ITEM_CHARS = 60


def split_profile_items(text: str, lex: AnswerLexicon) -> tuple[list[str], list[str]]:
    """(held items, items being prepared), each in the order written, without predicate words."""
    joiners = "|".join(re.escape(j) for j in lex.profile_joiners)
    # a joining word is a word of its own, or a clause ending glued to the word before it ("준비중이고 ")
    pattern = rf"{_SEPARATORS}|\s+(?:{joiners})\s+|{lex.grammar.profile_glued}" if joiners else _SEPARATORS
    held: list[str] = []
    preparing: list[str] = []
    for raw in re.split(pattern, text):
        if not raw or not raw.strip():
            continue
        key = squash(raw)
        item = _strip_tails(raw.strip(" .!?~"), lex)
        if not squash(item) or item in lex.profile_tails:  # only a predicate ("있어요") is no item
            continue
        (preparing if any(p in key for p in lex.profile_preparing) else held).append(item[:MAX_ITEM_CHARS])
    return held[:MAX_ITEMS], preparing[:MAX_ITEMS]


def _strip_tails(item: str, lex: AnswerLexicon) -> str:
    """Drop trailing predicate words ("있어요", "준비중", "땄어요") and particles, as whole words or endings."""
    changed = True
    while changed and item:
        changed = False
        words = item.split()
        if len(words) > 1 and words[-1] in lex.profile_tails:
            item, changed = " ".join(words[:-1]), True
            continue
        for tail in lex.profile_tails:
            if len(tail) > 1 and item.endswith(tail) and len(item) > len(tail) + 1:
                item, changed = item[: -len(tail)].rstrip(), True
                break
    return item.strip()
