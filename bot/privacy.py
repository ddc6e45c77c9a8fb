"""Masking personal numbers before anything is stored, logged or parsed.

A 주민등록번호 is six birth-date digits, a hyphen (often omitted or spaced), and seven digits whose
first is 1-4 (born in Korea) or 5-8 (foreign residents). 외국인등록번호 has the same shape.
"""

from __future__ import annotations

import re

_RRN = re.compile(r"(?<!\d)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\s*[-–—~.]?\s*([1-8])\d{6}(?!\d)")
MASK = "******-*******"


def mask_personal_numbers(text: str) -> tuple[str, bool]:
    """The text with resident-registration-shaped numbers masked, and whether any was found."""
    masked, count = _RRN.subn(MASK, text)
    return masked, count > 0
