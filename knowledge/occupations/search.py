"""Keyword search over the occupation catalogue (JobCare's 관심 키워드 검색).

Every searchable string of an occupation — name, aliases, job-title examples, majors, certificates,
skills, training fields, tasks, NCS 직무 and unit names — becomes an *entry*. Each entry contributes
its whole compact form and its content morphemes (python-mecab-ko) to one vocabulary, expanded with
the synonym table (파이썬 ↔ python). Postings are stored CSR-style: for every vocabulary string, the
occupations holding it with the best field weight and the entry that explains the hit.

A query is split into words; each word is looked up whole and morpheme by morpheme, exactly, by
prefix/substring (syllable-bigram index) and — only for words the vocabulary does not know — by
jamo-level edit distance (jamo-bigram index + rapidfuzz on the few candidates). Nothing scans the
whole catalogue per query except numpy arrays of one float per occupation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from rapidfuzz.distance import Levenshtein

from knowledge.occupations.model import Occupation, Synonyms
from knowledge.occupations.text import (
    CONTENT_TAGS,
    analyze,
    compact,
    fuzzy_budget,
    is_hangul,
    is_latin,
    is_noise_tag,
    normalize,
    strip_trailing_noise,
    to_jamo,
)

__all__ = ["FIELD_WEIGHTS", "MatchReason", "SearchHit", "SearchIndex"]

# How much a hit in each field is worth (a name hit is the strongest evidence).
FIELD_WEIGHTS: dict[str, float] = {
    "code": 1.0,
    "name": 1.0,
    "aliases": 0.95,
    "examples": 0.9,
    "certificates": 0.9,
    "skills": 0.85,
    "majors": 0.85,
    "training": 0.8,
    "ncs": 0.7,
    "units": 0.65,
    "tasks": 0.6,
}
FIELDS = tuple(FIELD_WEIGHTS)
_FIELD_BIT = {f: 1 << i for i, f in enumerate(FIELDS)}
_VIA_FIELDS = frozenset({"certificates", "majors", "skills", "training"})
TOKEN_FACTOR = 0.9  # a morpheme of an entry is weaker evidence than the whole entry
PREFIX_FACTOR = 0.7
SUBSTRING_FACTOR = 0.6
MIN_SCORE = 0.2
_MAX_AFFIX_HITS = 400
_LEVEL_WORD = re.compile(r"^\d{1,2}(급|종|차|단계|수준)?$")


class MatchReason(BaseModel):
    field: str
    text: str


class SearchHit(BaseModel):
    code: str
    name: str
    aliases: list[str]
    score: float
    why: list[str]
    matches: list[MatchReason]


@dataclass(slots=True)
class _Part:
    """One looked-up piece of the query: a whole word, one of its morphemes, or the whole phrase."""

    cov: float  # share of the query word this part stands for (1.0 for the whole word)
    pos: np.ndarray  # positions in the postings arrays
    fac: np.ndarray  # match factor per position (exact 1.0, prefix, substring, fuzzy)


def _entry_fields(occ: Occupation) -> list[tuple[str, str]]:
    out = [("code", occ.code), ("name", occ.name)]
    for field in ("aliases", "examples", "certificates", "skills", "majors", "training", "tasks"):
        out += [(field, text) for text in getattr(occ, field)]
    for comp in occ.competencies:
        out.append(("ncs", comp.ncs))
        out += [("units", unit.name) for unit in comp.units]
    return out


class SearchIndex:
    """Inverted index over one list of occupations. Build once with :meth:`build`, then :meth:`search`."""

    def __init__(self, occupations: Sequence[Occupation], synonyms: Synonyms,
                 field_labels: Mapping[str, str]):
        self.occupations = list(occupations)
        self.synonyms = synonyms
        self.field_labels = dict(field_labels)
        self._stop = synonyms.stopword_keys

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, occupations: Sequence[Occupation], synonyms: Synonyms | None = None,
              field_labels: Mapping[str, str] | None = None) -> SearchIndex:
        if field_labels is None:
            from knowledge.occupations.labels import load_labels

            labels = load_labels()
            field_labels = {f: labels.field(f) for f in FIELDS}
        self = cls(occupations, synonyms or Synonyms(), field_labels)
        self._build()
        return self

    def _strings_of(self, field: str, text: str, cache: dict) -> tuple[tuple[str, float], ...]:
        cached = cache.get((field == "tasks", text))
        if cached is not None:
            return cached
        found: dict[str, float] = {}

        def add(s: str, factor: float) -> None:
            for form in self.synonyms.variants(s):
                if form and found.get(form, 0.0) < factor:
                    found[form] = factor

        norm = normalize(text)
        parts = norm.split()
        if field != "tasks":
            add(norm.replace(" ", ""), 1.0)
            if len(parts) > 1:
                for word in parts:
                    if word not in self._stop and not _LEVEL_WORD.match(word):
                        add(word, TOKEN_FACTOR)
        for surface, tag in analyze(norm):
            if tag in CONTENT_TAGS and surface not in self._stop:
                add(surface, TOKEN_FACTOR)
        result = tuple(found.items())
        cache[(field == "tasks", text)] = result
        return result

    def _build(self) -> None:
        cache: dict = {}
        self._entries: list[tuple[int, str, str]] = []
        postings: dict[str, dict[int, list]] = defaultdict(dict)
        for oi, occ in enumerate(self.occupations):
            via_count: dict[str, int] = defaultdict(int)
            for _, unit in occ.units:
                for kw in {compact(k) for k in unit.via}:
                    via_count[kw] += 1
            n_units = max(1, occ.unit_count)
            for field, text in _entry_fields(occ):
                eid = len(self._entries)
                self._entries.append((oi, field, text))
                weight = FIELD_WEIGHTS[field]
                bit = _FIELD_BIT[field]
                # Share of the occupation's units this keyword evidences (a tie-breaker between equal hits).
                share = via_count.get(compact(text), 0) / n_units if field in _VIA_FIELDS else 0.0
                for s, factor in self._strings_of(field, text, cache):
                    w = weight * factor
                    slot = postings[s].get(oi)
                    if slot is None:
                        postings[s][oi] = [w, eid, bit, share]
                    else:
                        if w > slot[0]:
                            slot[0], slot[1] = w, eid
                        slot[2] |= bit
                        slot[3] = max(slot[3], share)
        vocab = sorted(postings)
        self._vocab = vocab
        self._sid = {s: i for i, s in enumerate(vocab)}
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        occ_l: list[int] = []
        w_l: list[float] = []
        e_l: list[int] = []
        m_l: list[int] = []
        v_l: list[float] = []
        for i, s in enumerate(vocab):
            for oi, (w, eid, mask, share) in sorted(postings[s].items()):
                occ_l.append(oi)
                w_l.append(w)
                e_l.append(eid)
                m_l.append(mask)
                v_l.append(share)
            offsets[i + 1] = len(occ_l)
        self._off = offsets
        self._p_occ = np.asarray(occ_l, dtype=np.int32)
        self._p_w = np.asarray(w_l, dtype=np.float32)
        self._p_entry = np.asarray(e_l, dtype=np.int32)
        self._p_mask = np.asarray(m_l, dtype=np.int32)
        self._p_via = np.asarray(v_l, dtype=np.float32)
        self._build_gram_indexes()

    @staticmethod
    def _csr(gram_sets: list) -> tuple[dict[str, tuple[int, int]], np.ndarray]:
        """gram → span of one flat array of vocabulary ids (ascending) holding that gram."""
        grams = [g for gs in gram_sets for g in gs]
        if not grams:
            return {}, np.zeros(0, dtype=np.int32)
        ids = np.repeat(np.arange(len(gram_sets), dtype=np.int32), [len(gs) for gs in gram_sets])
        gram_ids: dict[str, int] = {}
        codes = np.fromiter((gram_ids.setdefault(g, len(gram_ids)) for g in grams), dtype=np.int32,
                            count=len(grams))
        order = np.argsort(codes, kind="stable")  # stable keeps ids ascending within a gram
        counts = np.bincount(codes, minlength=len(gram_ids))
        ends = np.cumsum(counts).tolist()
        starts = (np.cumsum(counts) - counts).tolist()
        spans = {g: (starts[c], ends[c]) for g, c in gram_ids.items()}
        return spans, ids[order]

    def _build_gram_indexes(self) -> None:
        self._jamo: list[str] = [to_jamo(s) for s in self._vocab]
        jamo_sets = [set(map(str.__add__, j, j[1:])) if len(j) >= 4 else () for j in self._jamo]
        syl_sets = [set(map(str.__add__, s, s[1:])) if len(s) >= 3 and not s.isascii() else ()
                    for s in self._vocab]
        self._jlen = np.asarray([len(j) for j in self._jamo], dtype=np.int32)
        self._slen = np.asarray([len(s) for s in self._vocab], dtype=np.int32)
        self._jamo_spans, self._jamo_ids = self._csr(jamo_sets)
        self._syl_spans, self._syl_ids = self._csr(syl_sets)

    # ----------------------------------------------------------------- lookup
    def _ids(self, spans: dict[str, tuple[int, int]], flat: np.ndarray, gram: str) -> np.ndarray:
        span = spans.get(gram)
        return flat[span[0]:span[1]] if span else flat[:0]

    def _affix(self, s: str, exact_sid: int | None) -> list[tuple[int, float]]:
        """Vocabulary strings that start with or contain ``s`` (Hangul ≥ 2 syllables, Latin ≥ 3 letters)."""
        out: list[tuple[int, float]] = []
        if is_latin(s):
            if len(s) < 3:
                return out
            lo = bisect_left(self._vocab, s)
            hi = bisect_left(self._vocab, s + "\uffff")
            for sid in range(lo, min(hi, lo + _MAX_AFFIX_HITS)):
                if sid != exact_sid:
                    out.append((sid, PREFIX_FACTOR))
            return out
        if len(s) < 2 or not any(is_hangul(c) for c in s):
            return out
        grams = {s[k:k + 2] for k in range(len(s) - 1)}
        lists = sorted((self._ids(self._syl_spans, self._syl_ids, g) for g in grams), key=len)
        cand = lists[0]
        for other in lists[1:]:
            if not len(cand):
                break
            cand = np.intersect1d(cand, other, assume_unique=True)
        if len(cand) > _MAX_AFFIX_HITS:  # keep the closest (shortest) strings
            cand = cand[np.argsort(self._slen[cand], kind="stable")[:_MAX_AFFIX_HITS]]
        for sid in cand.tolist():
            if sid == exact_sid:
                continue
            v = self._vocab[sid]
            if v.startswith(s):
                out.append((sid, PREFIX_FACTOR))
            elif s in v:
                out.append((sid, SUBSTRING_FACTOR))
        return out

    def _fuzzy(self, s: str) -> list[tuple[int, float]]:
        j = to_jamo(s)
        k = fuzzy_budget(j)
        if k == 0:
            return []
        grams = {j[i:i + 2] for i in range(len(j) - 1)}
        need = max(1, len(grams) - 2 * k)
        arrays = [self._ids(self._jamo_spans, self._jamo_ids, g) for g in grams]
        arrays = [a for a in arrays if len(a)]
        if not arrays:
            return []
        counts = np.bincount(np.concatenate(arrays), minlength=len(self._vocab))
        cand = np.flatnonzero(counts >= need)
        cand = cand[np.abs(self._jlen[cand] - len(j)) <= k]
        digits = re.sub(r"\D", "", s)
        out = []
        for sid in cand.tolist():
            if re.sub(r"\D", "", self._vocab[sid]) != digits:
                continue  # '1급' vs '2급' is not a typo
            d = Levenshtein.distance(j, self._jamo[sid], score_cutoff=k)
            if d <= k:
                out.append((sid, 0.85 - 0.1 * (d - 1)))
        return out

    def _match(self, s: str, *, affix: bool = True, fuzzy: bool = True,
               affix_if_exact: bool = True) -> list[tuple[int, float]]:
        hits: dict[int, float] = {}
        exact = None
        for form in self.synonyms.variants(s):
            sid = self._sid.get(form)
            if sid is not None:
                hits[sid] = 1.0
                if form == s:
                    exact = sid
        if affix and (affix_if_exact or not hits):
            for sid, f in self._affix(s, exact):
                if hits.get(sid, 0.0) < f:
                    hits[sid] = f
        if fuzzy and not any(f == 1.0 for f in hits.values()):
            for sid, f in self._fuzzy(s):
                if hits.get(sid, 0.0) < f:
                    hits[sid] = f
        return list(hits.items())

    def _part(self, cov: float, hits: list[tuple[int, float]]) -> tuple[np.ndarray, _Part]:
        """Best score per occupation for these vocabulary hits, and the part that remembers them."""
        arr = np.zeros(len(self.occupations), dtype=np.float32)
        if not hits:
            empty = np.zeros(0, dtype=np.int64)
            return arr, _Part(cov, empty, np.zeros(0, dtype=np.float32))
        sids = np.fromiter((h[0] for h in hits), dtype=np.int64, count=len(hits))
        factors = np.fromiter((h[1] for h in hits), dtype=np.float32, count=len(hits))
        starts = self._off[sids]
        lens = self._off[sids + 1] - starts
        pos = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
        fac = np.repeat(factors, lens)
        np.maximum.at(arr, self._p_occ[pos], self._p_w[pos] * fac)
        return arr, _Part(cov, pos, fac)

    def _word_parts(self, word: str) -> tuple[np.ndarray, list[_Part]] | None:
        key = word.replace(" ", "")
        if key in self._stop or _LEVEL_WORD.match(key):
            return None
        morphs = analyze(word)
        content = [s for s, t in morphs if t in CONTENT_TAGS and s not in self._stop]
        unknown = any(t.startswith(("UNK", "NA")) for _, t in morphs)
        denom = sum(len(s) for s, t in morphs if not is_noise_tag(t) and s not in self._stop)
        denom = max(denom, sum(len(c) for c in content), 1)
        whole = strip_trailing_noise(word)
        if not content and not unknown and whole not in self._sid:
            return None
        best, part = self._part(1.0, self._match(whole, fuzzy=bool(content) or unknown))
        parts = [part]
        if not (len(content) == 1 and content[0] == whole):
            summed = np.zeros(len(self.occupations), dtype=np.float32)
            for m in content:
                cov = len(m) / denom
                arr, part = self._part(cov, self._match(m, affix_if_exact=False))
                summed += arr * np.float32(cov)
                parts.append(part)
            best = np.maximum(best, summed)
        return best, parts

    # ----------------------------------------------------------------- search
    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        """Best ``limit`` occupations for ``query``, each with the reasons it matched."""
        if limit <= 0 or not self.occupations:
            return []
        norm = normalize(query)
        word_scores: list[np.ndarray] = []
        parts: list[_Part] = []
        for word in norm.split():
            scored = self._word_parts(word)
            if scored is None or not scored[0].any():
                continue
            word_scores.append(scored[0])
            parts += scored[1]
        if not word_scores:
            return []
        total = np.mean(word_scores, axis=0) if len(word_scores) > 1 else word_scores[0]
        if len(norm.split()) > 1:
            phrase_hits = self._match(norm.replace(" ", ""), affix=False)
            if phrase_hits:
                arr, part = self._part(1.0, phrase_hits)
                total = np.maximum(total, arr)
                parts.append(part)
        pool = min(len(total), max(limit * 4, 20))
        cand = np.argpartition(-total, pool - 1)[:pool] if pool < len(total) else np.arange(len(total))
        cand = np.sort(cand[total[cand] > 0]).astype(np.int32)
        if not len(cand):
            return []
        return self._explain(cand, total[cand], parts, limit)

    def _explain(self, cand: np.ndarray, base: np.ndarray, parts: list[_Part], limit: int) -> list[SearchHit]:
        n = len(cand)
        masks = np.zeros(n, dtype=np.int64)
        via = np.zeros(n, dtype=np.float32)
        reasons: list[dict[int, float]] = [{} for _ in range(n)]
        for part in parts:
            if not len(part.pos):
                continue
            occ = self._p_occ[part.pos]
            idx = np.minimum(np.searchsorted(cand, occ), n - 1)
            sel = cand[idx] == occ
            if not sel.any():
                continue
            pos, fac, who = part.pos[sel], part.fac[sel], idx[sel]
            vals = self._p_w[pos] * fac * np.float32(part.cov)
            if part.cov >= 1.0:  # breadth and centrality count only strong, whole-word hits
                strong = fac >= PREFIX_FACTOR
                np.bitwise_or.at(masks, who[strong], self._p_mask[pos[strong]].astype(np.int64))
                np.maximum.at(via, who[strong], self._p_via[pos[strong]])
            order = np.lexsort((-vals, who))
            _, first = np.unique(who[order], return_index=True)
            chosen = order[first]
            for i, eid, value in zip(who[chosen].tolist(), self._p_entry[pos[chosen]].tolist(),
                                     vals[chosen].tolist(), strict=True):
                if reasons[i].get(eid, -1.0) < value:
                    reasons[i][eid] = value
        ranked = []
        for i in range(n):
            fields = bin(int(masks[i])).count("1")
            score = float(base[i]) * (0.9 + 0.025 * min(2, max(0, fields - 1)) + 0.05 * float(via[i]))
            if score < MIN_SCORE:
                continue
            ranked.append((score, int(cand[i]), i))
        ranked.sort(key=lambda t: (-round(t[0], 6), self.occupations[t[1]].code))
        hits = []
        for score, oi, i in ranked[:limit]:
            occ = self.occupations[oi]
            order = sorted(reasons[i].items(), key=lambda kv: (-kv[1], kv[0]))
            matches: list[MatchReason] = []
            seen: set[tuple[str, str]] = set()
            for eid, _ in order:
                _, field, text = self._entries[eid]
                if (field, text) not in seen:
                    seen.add((field, text))
                    matches.append(MatchReason(field=field, text=text))
            hits.append(SearchHit(
                code=occ.code,
                name=occ.name,
                aliases=list(occ.aliases),
                score=round(min(score, 1.0), 3),
                why=[self._why(m) for m in matches[:3]],
                matches=matches,
            ))
        return hits

    def _why(self, match: MatchReason) -> str:
        label = self.field_labels.get(match.field, match.field)
        if match.field in ("name", "code"):
            return label
        return f"{label}: {match.text}"

    @property
    def stats(self) -> dict[str, int]:
        return {"occupations": len(self.occupations), "entries": len(self._entries),
                "vocabulary": len(self._vocab), "postings": int(len(self._p_occ))}
