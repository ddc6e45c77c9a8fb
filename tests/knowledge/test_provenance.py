"""Provenance: every number, URL and proper noun a fact says appears in the source it cites.

A fact cites its documents in ``source`` ("02 · PART 4 ...; 01 · 잡케어 실시하기"). From its text (and
link) we take numbers with their unit, web addresses, Latin-script words (PASS, Q-NET, KECO, ...),
and names of institutions and sites (words ending in 센터, 재단, 포털, 협회 ..., plus the services and
companies the sources name). Each must appear in one of the cited documents or in the institution
file, compared without spacing or comma grouping. What does not is an offender; the only offenders
allowed are listed in ``data/provenance.yml``, each with the reason it is there on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from knowledge.loader import CONTENT_DIR, Knowledge, load_knowledge
from knowledge.schema import Fact

EXCEPTIONS = Path(__file__).parent / "data" / "provenance.yml"
INSTITUTION_EXAMPLE = CONTENT_DIR / "institution.example.yml"

_URL = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+(?:go\.kr|or\.kr|co\.kr|kr|net|com|org)(?:/[\w./-]*)?", re.I)
_UNITS = (
    "천 원|천원|만 원|만원|원|명|건|회|개소|개조|개|시간|세|년|월|일|%|㎡|층|주차|주|Byte|종|수준|학년|차|대|h"
)
_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*(?:\s?(?:{_UNITS}))?")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+&-]*")
_SUFFIXES = "센터|재단|포털|협회|공단|대학교|인재은행|상공회|정책과|지원과|담당관실|디자인단|창조기업"
_INSTITUTION = re.compile(rf"[0-9A-Za-z+가-힣]*(?:{_SUFFIXES})")
#: Services, sites and companies named in the sources, checked wherever a fact mentions them.
_NAMES = (
    "워크넷", "고용24", "잡케어", "사이렌24", "카카오톡", "네이버", "잡코리아", "사람인", "월드잡", "직업훈련포털",
    "이마트", "비트플렉스", "국민취업지원제도", "취업성공패키지", "고용행정통합포털", "재학생맞춤형고용서비스",
    "생애경력설계서비스", "고용노동부", "서울시", "성동구", "경기도", "직업안정법", "고용(지)청", "고용센터",
)


def claims(fact: Fact) -> list[str]:
    """The checkable pieces of a fact: addresses, numbers with units, Latin words, names."""
    text = fact.text + (f"\n{fact.link.url}" if fact.link else "")
    found = [m.group().rstrip("/.") for m in _URL.finditer(text)]
    rest = _URL.sub(" ", text)
    found += [m.group().rstrip(".,") for m in _NUMBER.finditer(rest)]
    found += _LATIN.findall(rest)
    found += _INSTITUTION.findall(rest)
    found += [name for name in _NAMES if name in rest]
    return list(dict.fromkeys(c for c in found if c))


def _spellings(claim: str) -> list[str]:
    """A year may be written "2017년" for a source's "2017. 6. 7", "사업년도: 2024" or "'17년"."""
    year = re.fullmatch(r"(?:19|20)(\d\d)년", claim)
    return [claim, claim[:-1], f"'{year.group(1)}년"] if year else [claim]


def _institution_text(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return yaml.safe_dump(data, allow_unicode=True)


def offenders(
    knowledge: Knowledge, sources: SimpleNamespace, institution: Path = INSTITUTION_EXAMPLE
) -> set[tuple[str, str]]:
    """(fact id, claim) for every claim not found in the fact's cited documents."""
    extra = sources.squash(_institution_text(institution))
    out: set[tuple[str, str]] = set()
    for fact in knowledge.facts.values():
        cited = [n for n in sources.cited(fact.source) if n in sources.files()]
        if not cited:
            out.add((fact.id, "<no source cited>"))
            continue
        corpus = "".join(sources.squashed(n) for n in cited) + extra
        for claim in claims(fact):
            needles = [sources.squash(re.sub(r"^https?://", "", s)) for s in _spellings(claim)]
            if not any(needle in corpus for needle in needles):
                out.add((fact.id, claim))
    return out


@pytest.fixture(scope="module")
def exceptions() -> list[dict]:
    return yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8"))["exceptions"]


def test_claims_are_found_in_the_cited_sources(sources: SimpleNamespace, exceptions: list[dict]) -> None:
    if not sources.files():
        pytest.skip("shared/sources is not beside the checkout")
    found = offenders(load_knowledge(), sources)
    allowed = {(e["fact"], e["claim"]) for e in exceptions}
    unlisted = sorted(found - allowed)
    stale = sorted(allowed - found)
    assert not unlisted, "not in the cited source(s):\n" + "\n".join(f"  {f}: {c!r}" for f, c in unlisted)
    assert not stale, "listed as exceptions but no longer offending (remove them):\n" + "\n".join(
        f"  {f}: {c!r}" for f, c in stale
    )


def test_every_exception_says_why(exceptions: list[dict]) -> None:
    assert all(len(str(e.get("reason", "")).strip()) >= 20 for e in exceptions), "each exception needs a reason"


def test_the_check_catches_an_invented_claim(sources: SimpleNamespace, tmp_path: Path) -> None:
    if not sources.files():
        pytest.skip("shared/sources is not beside the checkout")
    facts = [
        ("a.ok", "워크넷(www.work.go.kr)에서 14세 이상 개인회원으로 가입해요.", "01 · 워크넷 가입하기"),
        ("a.two", "'경력관리AI서비스 잡케어'에서 보고서를 PDF로 저장해요.", "02 · STEP 3; 01 · 잡케어"),
        ("a.bad", "수당은 월 최대 30만원, 관할 고용센터(www.example.com)에서 Zoom으로 상담해요.", "01 · 수당"),
        ("a.none", "출처 없는 말", "안내"),
    ]
    body = "".join(f"  - {{id: {i}, text: \"{t}\", source: '{s}'}}\n" for i, t, s in facts)
    (tmp_path / "a.yml").write_text("facts:\n" + body, encoding="utf-8")
    found = offenders(load_knowledge(tmp_path), sources)
    assert found == {
        ("a.bad", "30만원"), ("a.bad", "고용센터"), ("a.bad", "www.example.com"), ("a.bad", "Zoom"),
        ("a.none", "<no source cited>"),
    }
