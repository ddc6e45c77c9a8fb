"""The Kakao skill endpoint over real HTTP, and the skill response staying within Kakao's limits."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels import kakao
from bot.messages import Button, ListItem, Reply
from bot.server import create_app
from tests.bot.conftest import KAKAO_SECRET


def skill_request(user: str, utterance: str, payload: str | None = None) -> dict[str, Any]:
    """A skill request as Open Builder sends it from a fallback block routed to the skill."""
    return {
        "intent": {"id": "fallback-block-id", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "params": {"ignoreMe": "true"},
            "block": {"id": "fallback-block-id", "name": "폴백 블록"},
            "utterance": utterance,
            "lang": "ko",
            "user": {"id": user, "type": "botUserKey", "properties": {"botUserKey": user, "isFriend": True}},
        },
        "bot": {"id": "bot-id", "name": "길잡이"},
        "action": {
            "name": "giljabi_skill",
            "clientExtra": {"payload": payload} if payload is not None else {},
            "params": {},
            "id": "skill-id",
            "detailParams": {},
        },
    }


@pytest.fixture
def kakao_url(assistant, make_settings, serve_app) -> str:
    return serve_app(create_app(assistant, make_settings())) + "/kakao/skill"


def post(http, url: str, body: Any, secret: str | None = KAKAO_SECRET) -> Any:
    headers = {"X-Skill-Secret": secret} if secret is not None else {}
    content = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    return http.post(url, content=content, headers={**headers, "Content-Type": "application/json"})


def components(response: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o[kind] for o in response["template"]["outputs"] if kind in o]


def quick_payloads(response: dict[str, Any]) -> list[str]:
    return [q["extra"]["payload"] for q in response["template"].get("quickReplies", [])]


# ---------------------------------------------------------------------------------- over HTTP
def test_requests_without_the_right_secret_get_401(kakao_url, http) -> None:
    body = skill_request("u-secret", "안녕")
    assert post(http, kakao_url, body, secret=None).status_code == 401
    assert post(http, kakao_url, body, secret="wrong").status_code == 401
    assert post(http, kakao_url, body, secret=KAKAO_SECRET + "x").status_code == 401
    assert post(http, kakao_url, body).status_code == 200


def test_without_a_configured_secret_every_request_is_rejected(assistant, make_settings, serve_app, http,
                                                                caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="giljabi"):
        url = serve_app(create_app(assistant, make_settings(kakao_skill_secret=None))) + "/kakao/skill"
    assert sum("GILJABI_KAKAO_SKILL_SECRET" in r.getMessage() for r in caplog.records) == 1
    for secret in (None, "", "anything"):
        assert post(http, url, skill_request("u", "안녕"), secret=secret).status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[]", b'{"userRequest": {}}',
                                  b'{"userRequest": {"user": {"id": ""}}}', b"[" * 60_000])
def test_malformed_requests_get_a_kakao_shaped_400(kakao_url, http, assistant, body: bytes) -> None:
    response = post(http, kakao_url, body)
    assert response.status_code == 400
    data = response.json()
    assert data["version"] == "2.0"
    assert components(data, "simpleText")[0]["text"] == assistant.text("error.sorry")


def test_a_typed_message_gets_a_reply(kakao_url, http) -> None:
    response = post(http, kakao_url, skill_request("u-text", "이거 뭐예요?"))
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "2.0"
    assert 1 <= len(data["template"]["outputs"]) <= 3
    assert_within_limits(data)


def test_a_button_press_runs_its_flow(kakao_url, http) -> None:
    data = post(http, kakao_url, skill_request("u-btn", "워크넷 가입하기", "f:worknet_signup")).json()
    cards = components(data, "textCard")
    assert any("워크넷 가입하기" in c.get("title", "") for c in cards)
    assert "n:worknet_signup:signup_open" in quick_payloads(data)
    links = [b for c in cards for b in c.get("buttons", []) if b["action"] == "webLink"]
    assert links and links[0]["webLinkUrl"].startswith("http") and "work.go.kr" in links[0]["webLinkUrl"]
    nxt = next(q for q in data["template"]["quickReplies"] if q["extra"]["payload"] == "n:worknet_signup:signup_open")
    assert nxt["action"] == "message" and nxt["messageText"]
    # pressing the quick reply sends its label as the utterance and the payload as clientExtra
    data = post(http, kakao_url, skill_request("u-btn", nxt["messageText"], nxt["extra"]["payload"])).json()
    assert "2/7" in json.dumps(data, ensure_ascii=False)


def test_a_button_whose_extra_got_lost_still_works_by_its_number(kakao_url, http) -> None:
    post(http, kakao_url, skill_request("u-num", "워크넷", "f:worknet_signup"))
    data = post(http, kakao_url, skill_request("u-num", "1")).json()  # "1" presses the first option
    assert "2/7" in json.dumps(data, ensure_ascii=False)


def test_the_menu_list_becomes_list_cards_with_payloads(kakao_url, http) -> None:
    data = post(http, kakao_url, skill_request("u-menu", "메뉴", "m")).json()
    cards = components(data, "listCard")
    assert cards
    payloads = [i["extra"]["payload"] for c in cards for i in c["items"]] + quick_payloads(data)
    assert "m:student" in payloads and "p" in payloads and "c" in payloads
    for card in cards:
        assert card["header"]["title"]
        assert 1 <= len(card["items"]) <= 5
        assert all(i["action"] == "message" and i["messageText"] for i in card["items"])
    assert_within_limits(data)


def test_concurrent_users_each_get_their_own_answer(kakao_url, http) -> None:
    def press(n: int) -> dict[str, Any]:
        return post(http, kakao_url, skill_request(f"u-many-{n}", "워크넷", "f:worknet_signup")).json()

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(press, range(32)))
    assert all("1/7" in json.dumps(a, ensure_ascii=False) for a in answers)


# ---------------------------------------------------------------------------------- rendering
def test_long_text_is_split_into_simple_texts() -> None:
    text = "\n".join(f"{n}번째 줄이에요. 길잡이가 안내해요." for n in range(150))
    data = kakao.render([Reply(text=text)])
    texts = [c["text"] for c in components(data, "simpleText")]
    assert len(texts) == 3 and all(len(t) <= 1000 for t in texts)
    assert texts[0].startswith("0번째 줄이에요")
    assert texts[-1].endswith("…")  # more than three bubbles' worth: the rest is cut, visibly


def test_quick_reply_labels_are_shortened_but_payloads_kept() -> None:
    label = "아주아주 긴 버튼 이름이 여기 있어요 정말로요"
    data = kakao.render([Reply(text="골라 주세요", buttons=[Button(label=label, payload="o:flow:step:yes")])])
    quick = data["template"]["quickReplies"][0]
    assert len(quick["label"]) <= 14 and quick["label"].endswith("…")
    assert quick["extra"] == {"payload": "o:flow:step:yes"} and quick["messageText"] == label


def test_many_replies_fit_in_three_outputs_and_keep_the_last_buttons() -> None:
    replies = [Reply(type="card", title=f"카드 {n}", text="설명" * 20,
                     buttons=[Button(label="링크", url=f"https://example.com/{n}")]) for n in range(5)]
    replies.append(Reply(text="마지막이에요", buttons=[Button(label="다음 ▶", payload="n:a:b"),
                                                  Button(label="메뉴", payload="m")]))
    data = kakao.render(replies)
    assert len(data["template"]["outputs"]) <= 3
    assert quick_payloads(data) == ["n:a:b", "m"]
    assert "https://example.com/0" in json.dumps(data)  # an earlier card's link survives as text


def test_url_buttons_become_a_text_card_with_at_most_three_links() -> None:
    buttons = [Button(label=f"사이트 {n}", url=f"https://example.com/{n}") for n in range(5)]
    data = kakao.render([Reply(type="card", title="바로가기", text="아래에서 골라요", buttons=buttons)])
    card = components(data, "textCard")[0]
    assert [b["webLinkUrl"] for b in card["buttons"]] == [f"https://example.com/{n}" for n in range(3)]
    assert "https://example.com/4" in card["description"]


def test_a_long_list_is_split_into_list_cards_and_quick_replies() -> None:
    items = [ListItem(title=f"항목 {n}", payload=f"a:item:{n}") for n in range(23)]
    data = kakao.render([Reply(type="list", title="직업 목록", text="골라 주세요", items=items,
                               buttons=[Button(label="메뉴", payload="m")])])
    assert_within_limits(data)
    shown = [i["extra"]["payload"] for c in components(data, "listCard") for i in c["items"]]
    shown += quick_payloads(data)
    assert len(shown) == len(set(shown)) >= 10
    assert "m" in quick_payloads(data)


def test_parse_request_prefers_the_payload_and_keeps_the_user() -> None:
    inbound = kakao.parse_request(skill_request("abc", "다음 ▶", "n:x:y"))
    assert (inbound.channel, inbound.user_key, inbound.payload, inbound.text) == ("kakao", "abc", "n:x:y", None)
    assert inbound.message_id is None
    inbound = kakao.parse_request(skill_request("abc", "안녕"))
    assert (inbound.text, inbound.payload) == ("안녕", None)


# ------------------------------------------------------------------------ property: any reply list
def assert_within_limits(data: dict[str, Any]) -> None:
    template = data["template"]
    outputs = template["outputs"]
    assert 1 <= len(outputs) <= kakao.MAX_OUTPUTS
    quick = template.get("quickReplies", [])
    assert len(quick) <= kakao.MAX_QUICK_REPLIES
    for q in quick:
        assert 1 <= len(q["label"]) <= kakao.QUICK_REPLY_LABEL
        assert q["action"] == "message" and q["messageText"] and q["extra"]["payload"]
    for output in outputs:
        (kind, body), = output.items()
        if kind == "simpleText":
            assert 1 <= len(body["text"]) <= kakao.SIMPLE_TEXT
        elif kind == "textCard":
            assert body.get("title") or body.get("description")
            assert len(body.get("title", "")) <= kakao.CARD_TITLE
            assert len(body.get("description", "")) <= kakao.CARD_DESCRIPTION
            assert len(body.get("buttons", [])) <= kakao.CARD_BUTTONS
            for button in body.get("buttons", []):
                assert 1 <= len(button["label"]) <= kakao.BUTTON_LABEL
                assert button.get("webLinkUrl", "http").startswith("http")
        elif kind == "listCard":
            assert 1 <= len(body["header"]["title"]) <= kakao.LIST_HEADER
            assert 1 <= len(body["items"]) <= kakao.LIST_ITEMS
            assert len(body.get("buttons", [])) <= kakao.LIST_BUTTONS
            for item in body["items"]:
                assert 1 <= len(item["title"]) <= kakao.LIST_ITEM_TITLE
        else:
            raise AssertionError(f"unexpected output {kind}")
    json.dumps(data)


_words = st.text(alphabet=st.sampled_from("가나다라 abc\n🙂1:/."), max_size=30)
_long = st.builds(lambda s, n: s * n, _words, st.integers(0, 120))
_payload = st.one_of(st.text(max_size=20), st.text(alphabet="ab:", min_size=60, max_size=200))
_url = st.sampled_from(["https://example.com/a", "http://www.work.go.kr/", "javascript:x", "", "ftp://x/y"])
_button = st.one_of(
    st.builds(Button, label=_words, payload=_payload),
    st.builds(Button, label=_words, url=_url),
)
_item = st.builds(ListItem, title=_words, description=st.one_of(st.none(), _words),
                  payload=st.one_of(st.none(), _payload), url=st.one_of(st.none(), _url))
REPLY = st.builds(
    Reply,
    type=st.sampled_from(["text", "card", "list"]),
    text=st.one_of(st.none(), _long),
    title=st.one_of(st.none(), _words, _long),
    buttons=st.lists(_button, max_size=14),
    items=st.lists(_item, max_size=25),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # examples: the profile (tests/conftest.py)
@given(st.lists(REPLY, max_size=7))
def test_any_replies_render_within_kakao_limits(replies: list[Reply]) -> None:
    data = kakao.render(replies)
    assert_within_limits(data)
    shown = quick_payloads(data)
    last = [r for r in replies if (r.text or "").strip() or (r.title or "").strip() or r.items or r.buttons]
    if last:
        wanted = [b.payload for b in last[-1].buttons if b.payload and b.payload.strip() and len(b.payload) <= 128]
        wanted = list(dict.fromkeys(wanted))
        # the last reply's buttons are all offered (the first ten when there are more)
        assert wanted[: kakao.MAX_QUICK_REPLIES] == [p for p in shown if p in wanted]
