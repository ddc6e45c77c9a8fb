"""The console over real HTTP: login, sessions, CSRF, rate limit, admin pages, audit, CSV, live events."""

from __future__ import annotations

import io
import json
import re
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.assistant import Assistant
from bot.cli import main
from bot.console import accounts
from bot.messages import Inbound
from bot.server import create_app
from bot.store.models import AuditEntry
from tests.bot.console_support import fallback_parse

PASSWORD = "correct-horse-battery"
#: the product's hasher (tests run with a cheap one: tests/conftest.py)
PRODUCT_HASHER = accounts._hasher


@pytest.fixture
def site(make_assistant, make_settings, serve_app, tmp_path):
    assistant: Assistant = make_assistant(parser=fallback_parse)
    with assistant.store.unit() as s:
        accounts.add(s, "admin@example.org", "관리자", PASSWORD, "admin")
        accounts.add(s, "kim@example.org", "김상담", PASSWORD)
    url = serve_app(create_app(assistant, make_settings(console_canned_file=tmp_path / "canned.yml"), warm_up=False))
    return url, assistant



def test_passwords_are_stored_as_argon2id_at_the_librarys_strength() -> None:
    from argon2 import PasswordHasher, Type

    strong = PasswordHasher()
    assert PRODUCT_HASHER.type is Type.ID
    assert PRODUCT_HASHER.time_cost >= strong.time_cost and PRODUCT_HASHER.memory_cost >= strong.memory_cost
    assert PRODUCT_HASHER.parallelism >= strong.parallelism
    assert accounts._DUMMY.startswith(f"$argon2id$v=19$m={PRODUCT_HASHER.memory_cost},")

def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(url: str, email: str, password: str = PASSWORD, **headers: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=url, timeout=10, follow_redirects=True)
    token = csrf_of(client.get("/console/login").text)
    response = client.post("/console/login", data={"email": email, "password": password, "csrf_token": token},
                           headers=headers)
    return client, response


def test_no_page_without_a_login(site) -> None:
    url, _ = site
    with httpx.Client(base_url=url) as anon:
        for path in ("/console/", "/console/students", "/console/stats", "/console/c/1", "/console/admin/canned"):
            page = anon.get(path, headers={"Accept": "text/html"})
            assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
            assert anon.get(path, headers={"Accept": "application/json"}).status_code == 401
        assert anon.post("/console/c/1/claim", data={"csrf_token": "x"}).status_code == 401
        assert anon.get("/console/events").status_code == 401
        assert anon.get("/console/students.csv").status_code == 401


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(site) -> None:
    url, _ = site
    client, response = login(url, "kim@example.org")
    cookie = response.history[0].headers["set-cookie"] if response.history else response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    home = client.get("/console/")
    assert home.status_code == 200 and "받은 상담" in home.text
    assert client.post("/console/logout", data={"csrf_token": csrf_of(home.text)}).status_code == 200  # login page
    assert client.get("/console/", headers={"Accept": "application/json"}).status_code == 401
    _, behind_proxy = login(url, "kim@example.org", **{"X-Forwarded-Proto": "https"})
    assert "Secure" in behind_proxy.history[0].headers["set-cookie"]


def test_login_needs_its_csrf_token_and_is_rate_limited(site) -> None:
    url, _ = site
    with httpx.Client(base_url=url, follow_redirects=True) as client:
        client.get("/console/login")
        refused = client.post("/console/login", data={"email": "kim@example.org", "password": PASSWORD})
        assert refused.status_code == 403
    for _ in range(5):
        _, wrong = login(url, "kim@example.org", "wrong-password")
        assert wrong.status_code == 401 and "맞지 않아요" in wrong.text
    _, blocked = login(url, "kim@example.org")
    assert blocked.status_code == 429
    _, other = login(url, "admin@example.org")
    assert other.status_code == 200  # the limit is per account (and per address, at a higher count)


def test_state_changes_need_the_csrf_token_and_admin_pages_an_admin(site) -> None:
    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="9", payload="c"))
    client, _ = login(url, "kim@example.org")
    token = csrf_of(client.get("/console/").text)
    assert client.post("/console/c/1/claim", data={}).status_code == 403
    assert client.post("/console/c/1/claim", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/console/c/1/claim", headers={"X-CSRF-Token": token}).status_code == 200
    for path in ("/console/admin/canned", "/console/admin/accounts"):
        assert client.get(path).status_code == 403
    assert client.post("/console/admin/canned", data={"csrf_token": token, "text": "[]"}).status_code == 403


def test_admin_edits_canned_replies_and_sees_the_audit_log(site) -> None:
    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="9", payload="c"))
    admin, _ = login(url, "admin@example.org")
    token = csrf_of(admin.get("/console/admin/canned").text)
    bad = admin.post("/console/admin/canned", data={"csrf_token": token, "text": "- title: x\n"})
    assert bad.status_code == 400
    good = admin.post("/console/admin/canned",
                      data={"csrf_token": token, "text": "- title: 서류 안내\n  text: 서류는 센터에 내 주세요.\n"})
    assert good.status_code == 200 and "저장했어요" in good.text
    admin.post("/console/c/1/claim", data={"csrf_token": token})
    page = admin.get("/console/c/1")
    assert "서류 안내" in page.text and "서류는 센터에 내 주세요." in page.text
    admin.get("/console/students/1")
    with assistant.store.unit() as s:
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.user_id == 1)))
    assert {"open_conversation", "open_student"} <= actions
    assert "학생 기록 열람" in admin.get("/console/admin/accounts").text


def test_roster_filters_csv_and_masked_numbers(site) -> None:
    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="1", payload="c"))
    assistant.handle(Inbound(channel="telegram", user_key="1", text="제 번호 900101-1234567 이에요"))
    assistant.handle(Inbound(channel="kakao", user_key="k2", text="안녕"))
    client, _ = login(url, "kim@example.org")
    roster = client.get("/console/students")
    assert "학생 #1" in roster.text and "학생 #2" in roster.text
    assert "학생 #1" in client.get("/console/students?stage=worknet").text
    assert "학생 #1" not in client.get("/console/students?grade=3").text
    assert "학생 #1" not in client.get("/console/students?stalled=3").text
    csv = client.get("/console/students.csv")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("id,channel,grade")
    assert len(csv.text.strip().splitlines()) == 3
    page = client.get("/console/students/1").text
    assert "1234567" not in page and "******" in page


def test_a_student_message_reaches_a_live_console_within_two_seconds(site) -> None:
    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="5", payload="c"))
    client, _ = login(url, "kim@example.org")
    got: list[tuple[float, dict]] = []
    connected = threading.Event()

    def listen() -> None:
        with client.stream("GET", "/console/events", timeout=10) as stream:
            for line in stream.iter_lines():
                if line.startswith("id:"):
                    connected.set()  # the stream's first lines: its position is read, what follows is new
                if line.startswith("data:"):
                    got.append((time.monotonic(), json.loads(line[5:])))
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert connected.wait(10), "the event stream did not open"
    sent = time.monotonic()
    assistant.handle(Inbound(channel="telegram", user_key="5", text="상담사님 계세요?"))
    thread.join(5)
    assert got and got[0][1] == {"user": 1, "action": "message"}
    assert got[0][0] - sent < 2.0


def test_consultants_cli_adds_lists_and_disables(data_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    assert main(["consultants", "add", "Lee@Example.org", "--name", "이상담", "--role", "admin",
                 "--password-stdin"]) == 0
    assert "added lee@example.org (admin)" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["consultants", "add", "x@example.org", "--name", "x", "--password-stdin"]) == 2
    assert main(["consultants", "list"]) == 0
    out = capsys.readouterr().out
    assert "lee@example.org\t이상담\tadmin\tactive" in out and "a-long-password" not in out
    assert main(["consultants", "disable", "lee@example.org"]) == 0
    main(["consultants", "list"])
    assert "disabled" in capsys.readouterr().out
    assert main(["consultants", "disable", "nobody@example.org"]) == 1


def test_a_console_on_another_process_sees_the_message(make_assistant, make_settings, serve_app, tmp_path) -> None:
    """Two apps, each with its own Store over one database (as two serve processes): the message goes
    through one, the live console is connected to the other."""
    writer: Assistant = make_assistant(parser=fallback_parse)
    reader: Assistant = make_assistant(parser=fallback_parse)
    with reader.store.unit() as s:
        accounts.add(s, "kim@example.org", "김상담", PASSWORD)
    url = serve_app(create_app(reader, make_settings(), warm_up=False))
    writer.handle(Inbound(channel="telegram", user_key="7", payload="c"))
    client, _ = login(url, "kim@example.org")
    got: list[dict] = []
    connected = threading.Event()

    def listen() -> None:
        with client.stream("GET", "/console/events", timeout=10) as stream:
            for line in stream.iter_lines():
                if line.startswith("id:"):
                    connected.set()
                if line.startswith("data:"):
                    got.append(json.loads(line[5:]))
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert connected.wait(10), "the event stream did not open"
    writer.handle(Inbound(channel="telegram", user_key="7", text="다른 프로세스에서 왔어요"))
    thread.join(3)
    assert got == [{"user": 1, "action": "message"}]
    assert "다른 프로세스에서 왔어요" in client.get("/console/c/1").text


def test_send_and_schedule_a_message_from_the_student_page(site) -> None:
    from bot.store.models import OutboxMessage

    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="3", text="안녕"))
    client, _ = login(url, "kim@example.org")
    token = csrf_of(client.get("/console/students/1").text)
    now = client.post("/console/students/1/message", data={"csrf_token": token, "text": "서류 챙기셨나요?"})
    assert "메시지를 보냈어요" in now.text
    later = client.post("/console/students/1/message",
                        data={"csrf_token": token, "text": "내일 상담 있어요", "when": "2099-03-02T10:00"})
    assert "예약했어요" in later.text and "내일 상담 있어요" in later.text
    past = client.post("/console/students/1/message",
                       data={"csrf_token": token, "text": "늦었어요", "when": "2001-01-01T10:00"})
    assert "예약 시각이 지났어요" in past.text
    with assistant.store.unit() as s:
        rows = s.execute(select(OutboxMessage.kind, OutboxMessage.quiet_hours, OutboxMessage.due_at)
                         .order_by(OutboxMessage.id)).all()
    assert [(k, q) for k, q, _ in rows] == [("console", True), ("console", True)]
    assert rows[1][2].replace(tzinfo=None).isoformat().startswith("2099-03-02T01:00")  # 10:00 in Seoul, stored UTC


def test_a_reconnect_with_last_event_id_misses_nothing(site) -> None:
    url, assistant = site
    assistant.handle(Inbound(channel="telegram", user_key="8", payload="c"))
    assistant.handle(Inbound(channel="telegram", user_key="8", text="첫 메시지"))
    client, _ = login(url, "kim@example.org")
    lines: list[str] = []
    with client.stream("GET", "/console/events", headers={"Last-Event-ID": "1"}, timeout=10) as stream:
        for line in stream.iter_lines():
            lines.append(line)
            if line.startswith("data:"):
                break
    assert lines[:2] == ["retry: 500", "id: 1"]  # the position comes first, so even a quiet stream resumes
    assert lines[-2:] == ["id: 2", 'data: {"user": 1, "action": "message"}']
