"""Where a statement puts someone inside a guide step: before its action, or past it.

People walking a procedure on another screen say where they are. "워크넷 로그인 했어요" names the
condition step ① starts from ("워크넷에 로그인한 뒤 [고용복지정책] 탭에서 …를 눌러요"): they are
*at* that step, and what they do next is its action. "더보기 눌렀어요" names the action of step ②
itself: they are *past* it, and what comes next is step ③. A step's text is read as clauses; a
clause that ends in a completion connective ("…한 뒤", "…후", "마치면", "…하고") is a lead-in, any
other clause an action. The statement's last clause (the thing done last) is matched against the
step's clauses by shared content words, rarer words counting more.

Pure text functions: the dialogue (``flows.next_step``) decides what to do with the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from knowledge.answering.lexicon import AnswerLexicon, load_lexicon
from knowledge.retrieval import squash

#: where a step's text is cut into sentences (the clause before is an action); the completion
#: connectives that make a clause a lead-in, and those that chain a statement, are built from the
#: lexicon's ``grammar:`` lists (knowledge.answering.grammar)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
#: a numbered action of a step ("② 참여자 자격요건을 확인해요.")
_NUMBERED = re.compile(r"\s*[①-⑳]")
_HANGUL_BASE, _JONG_SS = 0xAC00, 20
#: how much a statement's word counts against the word after it
DECAY = 0.5


def says_done(text: str, lex: AnswerLexicon) -> bool:
    """Whether a statement says something is finished: a done word ("끝냈", "다 했") or a verb in the
    past tense ("풀었어요", "눌렀는데") — not an ongoing "하고 있어요"."""
    key = squash(text)
    if any(w in key for w in lex.done_words):
        return True
    for i, ch in enumerate(key[:-1]):
        code = ord(ch) - _HANGUL_BASE
        if (0 <= code < 11172 and code % 28 == _JONG_SS and ch not in lex.grammar.past_exceptions
                and key[i + 1] in lex.grammar.past_tails):
            return True
    return False


def last_clause(statement: str, lex: AnswerLexicon | None = None) -> str:
    """What a statement says was done last: "이력서 등록하기 누르고 동의까지 했어요" -> "동의까지 했어요"."""
    parts = [p for p in (lex or load_lexicon()).grammar.statement_join.split(statement) if p.strip()]
    return parts[-1] if parts else statement


def says_appeared(text: str, lex: AnswerLexicon) -> bool:
    """Whether a statement says a screen or message appeared ("홈페이지 떴어요", "…라고 나와요")."""
    key = squash(text)
    return any(w in key for w in lex.appeared_words)


def clauses(step_text: str, on_screen: bool = False, lex: AnswerLexicon | None = None) -> list[tuple[str, bool]]:
    """A step's text as (clause, is_lead_in) in order; with ``on_screen``, a condition on what
    appears ("…이 뜨면") is a lead-in too."""
    grammar = (lex or load_lexicon()).grammar
    out: list[tuple[str, bool]] = []
    for sentence in _SENTENCE.split(step_text):
        start = 0
        screen = grammar.on_screen.finditer(sentence) if on_screen else ()
        cuts = sorted([*grammar.lead_in.finditer(sentence), *screen], key=lambda m: m.start())
        for match in cuts:
            if match.start() < start:
                continue
            if sentence[start:match.start()].strip():
                out.append((sentence[start:match.start()], True))
            start = match.end()
        if sentence[start:].strip():
            out.append((sentence[start:], False))
    return out


def before_action(statement: str, step_text: str, terms: Callable[[str], Counter[str]],
                  idf: Mapping[str, float], on_screen: bool = False, lex: AnswerLexicon | None = None) -> bool:
    """Whether what the statement says was done last is a lead-in of the step (they are at the step,
    its action still to do), or one of its actions with a numbered action after it ("① … 인증번호를
    눌러 확인해요. ② … ③ …": the rest of the step is still to do), rather than its last action (they
    are past it). Korean puts the deed last ("능력평가 제출했어요"), so each word counts half as much
    as the one after it."""
    said = list(dict.fromkeys(terms(last_clause(statement, lex))))
    weight = {t: idf.get(t, 0.0) * DECAY ** (len(said) - 1 - i) for i, t in enumerate(said)}
    parts = clauses(step_text, on_screen, lex)
    best, at = (0.0, 0.0), -1
    for i, (clause, is_lead) in enumerate(parts):
        found = terms(clause)
        shared = sum(w for t, w in weight.items() if t in found)
        # words said that stand as words of their own in the clause ("'확인'을 누르고"), not inside a
        # compound ("'실명확인'을 눌러요"), decide between clauses that share as much
        whole = sum(w for t, w in weight.items() if t in found and _whole_word(t, clause))
        if (shared, whole) > best or ((shared, whole) == best and shared > 0 and not is_lead):
            best, at = (shared, whole), i  # a full tie goes to the action
    if at < 0:
        return False
    return parts[at][1] or any(_NUMBERED.match(clause) for clause, _ in parts[at + 1:])


def _whole_word(term: str, clause: str) -> bool:
    """Whether ``term`` starts a word of ``clause`` (no Hangul syllable right before it)."""
    at = clause.find(term)
    while at >= 0:
        if at == 0 or not ("가" <= clause[at - 1] <= "힣"):
            return True
        at = clause.find(term, at + 1)
    return False
