from hypothesis import given
from hypothesis import strategies as st

from bot.cleaning import MAX_TEXT_CHARS, clean_text
from bot.privacy import mask, mask_personal_numbers


def test_masks_resident_numbers_in_their_usual_shapes() -> None:
    for raw in ("990101-1234567", "990101 - 2234567", "9901012234567", "주민번호:050315-3123456입니다"):
        masked, found = mask_personal_numbers(raw)
        assert found, raw
        assert not any(ch.isdigit() for ch in masked.replace("주민번호", "")), masked


def test_leaves_other_numbers_alone() -> None:
    for raw in ("010-1234-5678", "2026년 11월 22일", "20시간 이상", "월 최대 20만원", "991301-1234567",
                "010-1234-5678 010-2345-6789", "3,000,000원", "2026-11-22 14:30", "고객번호 12345678901234",
                "ROOM 1234 5678", "4111 1111 1111 1112"):
        assert mask_personal_numbers(raw) == (raw, False), raw


def test_kinds_and_what_stays_visible() -> None:
    masked = mask("카드 4111 1111 1111 1111, 여권 M123A4567, 주민 앞자리 990101 뒷자리 1234567")
    assert masked.kinds == {"card", "passport", "resident"}
    assert masked.text == "카드 **** **** **** ****, 여권 *********, 주민 앞자리 ****** 뒷자리 *******"


@given(st.text(max_size=300))
def test_clean_text_never_keeps_control_characters_or_numbers(raw: str) -> None:
    cleaned = clean_text(raw + " 900101-1234567")
    assert cleaned.text is not None
    assert cleaned.text.endswith("*" * 7)  # the text may hold digits of its own ('1234567' alone is no number)
    assert "900101-1234567" not in cleaned.text.replace(" ", "")
    assert "masked_number" in cleaned.notices
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned.text)


def test_clean_text_notices() -> None:
    assert clean_text("").notices == {"empty"}
    assert clean_text(None).notices == {"empty"}
    assert clean_text("\x00\x07").notices == {"empty"}
    assert clean_text("🙂🙂🙂").notices == {"no_words"}
    huge = clean_text("가" * (MAX_TEXT_CHARS + 5))
    assert huge.notices == {"too_long"} and len(huge.text or "") == MAX_TEXT_CHARS
    assert clean_text("ㄱㅅ").notices == frozenset()
