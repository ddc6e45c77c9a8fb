"""One pass over a message that every later stage shares: normalised text, morphemes, lexicon,
pattern and date/time hits, and the sparse features the classifier reads.

Training and parsing call the same ``analyze`` so the features can never drift apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from nlu import datetime_ko, lexicon, patterns
from nlu.config import MAX_ANALYSED_CHARS
from nlu.hangul import skeleton, to_jamo
from nlu.lexicon import Hit
from nlu.normalize import Normalized, normalize
from nlu.tokenize import Token, tokenize


@dataclass(frozen=True, slots=True)
class Analysis:
    norm: Normalized
    tokens: list[Token]
    hits: list[Hit]  # lexicon + regex hits
    datetimes: list[datetime_ko.DateTimeHit]
    features: Counter[str]


def _ngrams(seq: str, lo: int, hi: int, prefix: str, out: Counter[str]) -> None:
    n = len(seq)
    for size in range(lo, hi + 1):
        out.update([prefix + seq[i : i + size] for i in range(0, n - size + 1)])  # counted in C, same order


def _features(norm: str, tokens: list[Token], hits: list[Hit], dts: list[datetime_ko.DateTimeHit]) -> Counter:
    feats: Counter[str] = Counter()
    if not norm:
        return feats
    # w: morphemes and morpheme bigrams, with sentence boundaries.
    words = ["<s>"] + [t.surface for t in tokens] + ["</s>"]
    for w in words[1:-1]:
        feats["w:" + w] += 1
    for a, b in zip(words, words[1:], strict=False):
        feats["w:" + a + "_" + b] += 1
    # t: part-of-speech tags (past tense EP marks "가입했어요" apart from "가입 어떻게 해요").
    for t in tokens:
        for tag in t.tags.split("+"):
            feats["t:" + tag] += 1
    if tokens:
        feats["t:$" + tokens[-1].tags] += 1
    # c: characters, spacing ignored.
    compact = "".join(norm.split())
    _ngrams("^" + compact + "$", 1, 3, "c:", feats)
    # j: keystroke jamo, spacing ignored.
    _ngrams(to_jamo(compact), 3, 5, "j:", feats)
    # k: initial-consonant skeleton runs.
    for run in skeleton(norm).split():
        _ngrams(run, 1, 3, "k:", feats)
        if len(run) <= 4:
            feats["k:=" + run] += 1
    # l: lexicon, patterns, dates, plus a coarse length bucket.
    for h in hits:
        feats["l:" + h.entity] += 1
        feats["l:" + h.entity + "=" + h.value] += 1
    for d in dts:
        feats["l:" + d.entity] += 1
    feats["l:len=" + str(min(len(compact), 12) // 3)] += 1
    if "?" in norm:
        feats["l:?"] += 1
    return feats


def analyze(text: str, ref_date: date | None = None) -> Analysis:
    """Analyse one message (never raises on any ``str``)."""
    norm = normalize(text, max_chars=MAX_ANALYSED_CHARS)
    tokens = tokenize(norm.text)
    hits = lexicon.match(norm.text) + patterns.match(norm.text)
    dts = datetime_ko.match(norm.text, ref_date)
    return Analysis(norm, tokens, hits, dts, _features(norm.text, tokens, hits, dts))
