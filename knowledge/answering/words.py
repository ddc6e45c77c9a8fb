"""A text in the facts' own words: its content morphemes and its everyday words mapped.

Everything that compares a question with the facts reads it this way (the nearest-phrasing index, the
learned ranker, coverage), and one turn reads the same text several times, so the last texts' terms
are kept.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from knowledge.answering.lexicon import AnswerLexicon
from knowledge.occupations.text import CONTENT_TAGS, analyze
from knowledge.retrieval import squash

#: morpheme tags that carry what a question is about: nouns, foreign words, roots, verb and adjective
#: stems, adverbs ("다시", "따로": IDF keeps the empty ones small)
TERM_TAGS = CONTENT_TAGS | {"VV", "VA", "MAG"}
#: a morpheme shorter than this inside an everyday word of several morphemes is a fragment of a
#: shortening ("취준도" = 취+준+도): dropped; longer ones are words of their own and are kept ("연락이 와")
FRAGMENT = 2
#: how many recent texts' terms are kept
MEMO = 256


class Words:
    """Reads texts with one lexicon. Only a small cache changes after construction (dict operations,
    safe across threads)."""

    def __init__(self, lexicon: AnswerLexicon) -> None:
        self.lex = lexicon
        self.canonical = {variant: squash(canonical) for variant, canonical in lexicon.variants}
        #: squashed variant -> its canonical word as written (analysed into morphemes where one is met)
        self._written = dict(lexicon.variants)
        self._longest = max((len(v) for v in self._written), default=0)
        self._memo: dict[tuple[str, frozenset[str]], Counter[str]] = {}
        self._expanded: dict[str, str] = {}

    def signature(self) -> str:
        """Everything of the lexicon this reading depends on, in a stable form (what cached readings are
        keyed by, ``knowledge.answering.derived``): keep it in step with what the methods here use."""
        return repr((self.lex.variants, sorted(self.lex.stop_terms)))

    def terms(self, text: str, tags: frozenset[str] = TERM_TAGS) -> Counter[str]:
        """Content morphemes, everyday words mapped to the facts' own ("돈" -> 수당)."""
        memo = self._memo.get((text, tags))
        if memo is None:
            memo = self._terms(text, tags)
            if len(self._memo) >= MEMO:
                self._memo.clear()
            self._memo[(text, tags)] = memo
        return Counter(memo)

    def _terms(self, text: str, tags: frozenset[str]) -> Counter[str]:
        out: Counter[str] = Counter()
        for surface, tag in self._mapped(analyze(unicodedata.normalize("NFKC", text).lower())):
            if tag in tags:
                key = squash(surface)
                if key and key not in self.lex.stop_terms:
                    out[self.canonical.get(key, key)] += 1
        return out

    def _mapped(self, morphs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        """The morphemes with each everyday word of several morphemes ("취준도" = 취+준+도, "연락이 와")
        read also as its canonical word's own morphemes (취업+준비+검사), as the facts' word is read;
        its one-syllable pieces are dropped: they would match other facts (취준생). A variant starts at
        a morpheme and covers whole morphemes; one it ends inside ("와" of "와요") stays. Single
        morphemes are mapped by ``canonical`` as before (and only when their tag counts)."""
        out: list[tuple[str, str]] = []
        keys = [squash(surface) for surface, _ in morphs]
        i = 0
        while i < len(morphs):
            found = self._variant_at(keys, i)
            if found is not None and not any(tag in CONTENT_TAGS for _, tag in morphs[i:found[0]]):
                found = None  # "어디 있": no word of a thing, only how it is asked
            if found is None:
                out.append(morphs[i])
                i += 1
            else:
                end, canonical = found
                kept = [morphs[k] for k in range(i, end) if len(keys[k]) >= FRAGMENT]
                own = {squash(surface) for surface, _ in kept}
                out.extend(kept)
                out.extend(m for m in analyze(unicodedata.normalize("NFKC", canonical).lower())
                           if squash(m[0]) not in own)
                i = end
        return out

    def _variant_at(self, keys: list[str], i: int) -> tuple[int, str] | None:
        """(end, canonical) of the longest variant of two or more morphemes starting at morpheme ``i``:
        ``end`` is past the whole morphemes it covers."""
        best: tuple[int, str] | None = None
        whole = keys[i]
        for j in range(i + 1, len(keys)):
            if len(whole) >= self._longest:
                break
            joined = whole + keys[j]
            for cut in range(len(whole) + 1, len(joined) + 1):  # shortest first: the longest wins
                canonical = self._written.get(joined[:cut])
                if canonical is not None:
                    best = (j + 1 if cut == len(joined) else j, canonical)
            whole = joined
        return best

    def expand(self, question: str) -> str:
        """The question with the facts' own words added for the everyday ones it uses."""
        expanded = self._expanded.get(question)
        if expanded is None:
            if len(self._expanded) >= MEMO:
                self._expanded.clear()
            expanded = self._expanded[question] = self._expand(question)
        return expanded

    def _expand(self, question: str) -> str:
        key = squash(question)
        added = [canonical for variant, canonical in self.lex.variants
                 if variant in key and squash(canonical) not in key]
        return question if not added else f"{question} {' '.join(dict.fromkeys(added))}"
