"""The console in a real browser (Debian's chromium through Playwright), with a Telegram student
talking through the real webhook to the fake Bot API.

One browser for the module; the scenarios run in order on one server, like a consultant's morning.
Screenshots go to test-artefacts/console/ (gitignored).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.assistant import Assistant
from bot.config import Settings
from bot.console import accounts
from bot.server import create_app
from bot.store import Store
from tests.bot.conftest import KAKAO_SECRET, TOKEN, WEBHOOK_SECRET, FakeBotAPI, ServerThread, wait_until
from tests.bot.console_support import fallback_parse

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "console"
#: how long a live update may take to show (ms): generous, since the suite runs beside CPU-heavy tests;
#: that it shows without a reload is the check, its speed is not (no timed tests)
LIVE_MS = 10_000
PASSWORD = "correct-horse-battery"
CHAT = 555001

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no chromium (make test installs it)")


def parse(text: str) -> dict[str, Any]:
    if "상담사" in text:
        return {"text": text, "intent": {"name": "human_handoff", "confidence": 0.97}, "entities": [],
                "intent_ranking": []}
    return fallback_parse(text)


class Student:
    """A Telegram user writing to the bot through the webhook."""

    def __init__(self, url: str, api: FakeBotAPI) -> None:
        self.url, self.api, self.update_id = url + "/telegram/webhook", api, 100

    def says(self, text: str) -> None:
        self.update_id += 1
        update = {"update_id": self.update_id, "message": {
            "message_id": self.update_id, "date": 1_700_000_000, "text": text,
            "chat": {"id": CHAT, "type": "private", "first_name": "학생"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "학생", "language_code": "ko"},
        }}
        response = httpx.post(self.url, content=json.dumps(update, ensure_ascii=False), timeout=10,
                              headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
                                       "Content-Type": "application/json"})
        assert response.status_code == 200

    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.api.sent() if str(m.get("chat_id")) == str(CHAT)]


@pytest.fixture(scope="module")
def world(tmp_path_factory, domain) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("console-browser")
    api = FakeBotAPI()
    store = Store(f"sqlite:///{root / 'giljabi.sqlite3'}")
    with store.unit() as s:
        accounts.add(s, "kim@example.org", "김상담", PASSWORD)
        accounts.add(s, "park@example.org", "박상담", PASSWORD)
        accounts.add(s, "admin@example.org", "관리자", PASSWORD, "admin")
    settings = Settings(data_dir=root, kakao_skill_secret=KAKAO_SECRET, telegram_token=TOKEN,
                        telegram_webhook_secret=WEBHOOK_SECRET, telegram_api_base_url=api.url)
    server = ServerThread(create_app(Assistant(store, domain, parse), settings, warm_up=False))
    url = server.start()
    yield {"url": url, "api": api, "store": store, "student": Student(url, api)}
    server.stop()
    store.close()
    api.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def logged_in(browser: Any, url: str, email: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ko-KR")
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(url + "/console/")
    assert "/console/login" in page.url  # no page without a login
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/console/")
    return page


def shot(page: Any, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_a_consultant_takes_over_and_hands_back(world, browser, domain) -> None:
    url, student = world["url"], world["student"]
    kim = logged_in(browser, url, "kim@example.org")
    park = logged_in(browser, url, "park@example.org")
    assert kim.locator("#waiting-count").inner_text() == "0"

    student.says("상담사 연결해 주세요")
    assert "상담사" in wait_until(lambda: student.texts(), what="the bot's answer")[-1]
    # appears in both inboxes without a reload
    kim.wait_for_selector("tr[data-user] >> text=학생 #1", timeout=LIVE_MS)
    park.wait_for_selector("tr[data-user] >> text=학생 #1", timeout=LIVE_MS)
    student.says("<script>window.__pwned = 1</script> 서류를 어디에 내요?")
    kim.wait_for_selector("td.preview >> text=서류를 어디에 내요?", timeout=LIVE_MS)
    shot(kim, "inbox")

    park.click("tr[data-user] >> text=학생 #1")  # park opens the conversation, still unclaimed ...
    kim.click("tr[data-user] button.claim")  # ... while kim claims it
    kim.wait_for_url(url + "/console/c/1?msg=claimed")
    park.click("button.claim")  # a second browser cannot claim the same conversation
    assert "다른 상담사가 이미 맡았거나" in park.locator(".flash").inner_text()
    assert park.locator("#reply-text").count() == 0

    # the <script> message shows as text and never runs
    assert kim.locator(".msg.student .text", has_text="<script>window.__pwned = 1</script>").count() == 1
    assert kim.evaluate("window.__pwned") is None

    kim.click(".canned >> text=인사")  # a canned reply fills the box, to be edited before sending
    assert kim.input_value("#reply-text").startswith("안녕하세요, 상담사입니다.")
    kim.fill("#reply-text", "안녕하세요, 김상담이에요. 서류는 센터 2층에 내 주세요.")
    kim.click("form.reply button[type=submit]")
    kim.wait_for_selector(".msg.consultant >> text=센터 2층", timeout=LIVE_MS)
    # the outbox dispatcher in the server delivers it to the student's Telegram chat at once
    wait_until(lambda: any("센터 2층에 내 주세요" in t for t in student.texts()), 5, "the reply on Telegram")
    student.says("감사합니다!")
    kim.wait_for_selector(".msg.student >> text=감사합니다!", timeout=LIVE_MS)  # live, in the transcript
    shot(kim, "conversation")

    kim.fill("#handback-note", "서류 제출 안내 완료")
    kim.click("form.handback button[type=submit]")
    kim.wait_for_url(url + "/console/c/1?msg=returned")
    returned = domain.knowledge.text("handoff.returned")
    wait_until(lambda: returned in student.texts(), 5, "the notice that the bot is back")
    before = len(student.texts())
    student.says("다음 단계는 뭐예요?")
    answers = wait_until(lambda: student.texts()[before:], what="the bot answering after the hand-back")
    assert answers and answers[0]


def test_csrf_admin_pages_and_screenshots(world, browser) -> None:
    url = world["url"]
    kim = logged_in(browser, url, "kim@example.org")
    refused = kim.request.post(url + "/console/c/1/claim", form={"text": ""})  # the session cookie, no token
    assert refused.status == 403
    for path in ("/console/admin/canned", "/console/admin/accounts"):
        assert kim.goto(url + path).status == 403
    assert kim.locator("nav >> text=상용 문구").count() == 0

    kim.goto(url + "/console/students/1")
    assert kim.locator(".stages li").count() == 6
    shot(kim, "student")
    kim.goto(url + "/console/stats")
    assert kim.locator("svg.chart").count() == 3
    shot(kim, "statistics")
    admin = logged_in(browser, url, "admin@example.org")
    assert admin.goto(url + "/console/admin/accounts").status == 200
    assert admin.locator("td >> text=학생 기록 열람").count() >= 1
