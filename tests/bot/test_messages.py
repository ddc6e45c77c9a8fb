from hypothesis import given
from hypothesis import strategies as st

from bot.messages import split_text


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=8, max_value=500), st.sampled_from([len, utf16]))
def test_pieces_fit_and_lose_no_words(text: str, limit: int, measure) -> None:
    pieces = split_text(text, limit, measure)
    assert all(0 < measure(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_cuts_at_line_ends_when_it_can() -> None:
    text = "첫 줄이에요.\n" * 30
    pieces = split_text(text, 50)
    assert all(p.endswith("첫 줄이에요.") for p in pieces)
