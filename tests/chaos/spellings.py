"""Personal numbers as people really write them: the chaos suite's inputs.

Each case is (text, secret): ``secret`` is the number's digits (and letters) that must never be
stored, parsed, logged or counted anywhere.
"""

from __future__ import annotations

import random

FULL = str.maketrans("0123456789", "０１２３４５６７８９")
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d", "_", "/", ".", "~", " - ", " "]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
PHRASES = [
    "제 주민번호는 {n}이에요", "{n}", "주민등록번호: {n}", "생년월일 포함 {n} 맞나요?", "{n} 로 가입했어요",
    "외국인등록번호 {n} 입니다", "번호({n})", "확인 부탁드려요 {n}!!", "주민번호{n}", "«{n}»", "'{n}'",
    "제 거 {n} 이거 맞죠? 워크넷 가입하려고요", "{n}\n이거 어디 입력해요", "ID:{n}", "주민 {n} 이름 홍길동",
]
SPLITS = [
    "앞자리 {a} 뒷자리 {b}", "앞 {a} 뒤 {b}", "{a} 그리고 {b}", "주민번호 앞은 {a}이고 뒤는 {b}",
    "생년월일 {a} / 뒷번호 {b}", "{a}\n{b}",
]


def resident_numbers(count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        yy, mm, dd = rng.randint(0, 99), rng.randint(1, 12), rng.randint(1, 28)
        out.append(f"{yy:02d}{mm:02d}{dd:02d}{rng.randint(1, 8)}{rng.randint(0, 999999):06d}")
    return out


def _spaced(digits: str) -> str:
    return " ".join(digits)


def resident_spellings() -> list[tuple[str, str]]:
    """At least 60 ways to write a resident number, each with a number of its own."""
    numbers = iter(resident_numbers(120))
    cases: list[tuple[str, str]] = []
    for dash in DASHES:  # every dash and separator, half-width and full-width digits
        n = next(numbers)
        cases.append((f"제 번호 {n[:6]}{dash}{n[6:]}", n))
        n = next(numbers)
        cases.append((f"{n[:6]}{dash}{n[6:]}".translate(FULL), n))
    for zw in ZERO_WIDTH:  # a zero-width character pasted between digits
        n = next(numbers)
        cases.append((f"{n[:3]}{zw}{n[3:6]}-{n[6:10]}{zw}{n[10:]}", n))
    for phrase in PHRASES:
        n = next(numbers)
        cases.append((phrase.format(n=n), n))
    for split in SPLITS:  # the two halves in neighbouring words
        n = next(numbers)
        cases.append((split.format(a=n[:6], b=n[6:]), n))
    n = next(numbers)
    cases.append((_spaced(n), n))  # every digit apart
    n = next(numbers)
    cases.append((f"{_spaced(n[:6])} - {_spaced(n[6:])}", n))
    n = next(numbers)
    cases.append((f"{n[:2]} {n[2:4]} {n[4:6]}-{n[6:]}", n))
    n = next(numbers)
    cases.append((f"{n[:6]}-{n[6:]}".translate(FULL).replace("－", "\u200b－\u200b"), n))
    n = next(numbers)
    cases.append((f"앞자리 {n[:6]}".translate(FULL) + f" 뒷자리 {n[6:]}", n))
    n = next(numbers)
    cases.append((f"{n}번이요 010-1234-5678로 연락주세요", n))
    n = next(numbers)
    cases.append((f"\t{n[:6]}\u00a0-\u00a0{n[6:]}\t", n))  # tabs, no-break spaces
    return cases


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        digits = body + check
        total = sum(
            (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def card_spellings() -> list[tuple[str, str]]:
    rng = random.Random(7)
    cases = []
    for prefix, length in (("4", 16), ("51", 16), ("37", 15), ("62", 19), ("94", 16), ("4", 13), ("35", 16)):
        n = _luhn_complete(prefix, length, rng)
        grouped = " ".join(n[i : i + 4] for i in range(0, len(n), 4))
        cases.append((f"카드번호 {grouped}", n))
        n = _luhn_complete(prefix, length, rng)
        cases.append(("-".join(n[i : i + 4] for i in range(0, len(n), 4)).translate(FULL), n))
    n = _luhn_complete("4", 16, rng)
    cases.append((f"결제 카드 {n} 유효기간 12/29", n))
    return cases


def passport_spellings() -> list[tuple[str, str]]:
    return [
        ("여권번호 M12345678 이에요", "M12345678"),
        ("여권 m87654321", "M87654321"),
        ("여권번호는 M123A4567", "M123A4567"),
        ("Ｍ１２３Ｂ４５６７ 여권", "M123B4567"),
        ("passport S 1234 5678", "S12345678"),
        ("여권 R12-345-678", "R12345678"),
    ]


ALL = resident_spellings() + card_spellings() + passport_spellings()
