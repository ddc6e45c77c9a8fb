"""KakaoTalk and the outbox: held notices at the top of the next skill response (within Kakao's
limits, the rest the turn after), and the Event API against a local fake of it."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.kakao_event import create_event_sender
from bot.config import Settings
from bot.outbox import enqueue
from bot.outbox.runtime import build_dispatcher
from bot.server import create_app
from bot.store import Store
from bot.store.models import OutboxMessage
from knowledge.loader import load_knowledge
from tests.bot.conftest import KAKAO_SECRET
from tests.bot.test_kakao import skill_request

KNOWLEDGE = load_knowledge()


def queue(store: Store, channel: str, key: str, texts: list[str], due: datetime | None = None) -> list[int]:
    rows = []
    with store.unit() as s:
        uid = store.open_conversation(s, channel, key).user_id
        for n, text in enumerate(texts):
            rows.append(enqueue(s, user_id=uid, channel=channel, kind="notice", dedupe_key=f"{key}:{n}:{text}",
                                due_at=due, replies=[{"type": "text", "title": "📢 센터 안내", "text": text}]))
    return rows


def statuses(store: Store, rows: list[int]) -> list[str]:
    with store.unit() as s:
        found = dict(s.execute(select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(rows))).all())
    return [found[r] for r in rows]


def ask(http, base: str, user: str, text: str = "안녕") -> dict[str, Any]:
    body = json.dumps(skill_request(user, text), ensure_ascii=False)
    response = http.post(f"{base}/kakao/skill", content=body.encode(),
                         headers={"X-Skill-Secret": KAKAO_SECRET, "Content-Type": "application/json"})
    assert response.status_code == 200
    return response.json()


def shown(output: dict[str, Any]) -> str:
    part = output.get("simpleText") or output.get("textCard") or {}
    return f"{part.get('title', '')} {part.get('text', '')} {part.get('description', '')}"


def test_held_notices_lead_the_next_skill_responses_within_kakaos_limits(assistant, make_settings, serve_app,
                                                                          http) -> None:
    base = serve_app(create_app(assistant, make_settings(outbox_tick_seconds=0.05)))
    texts = ["금요일까지 IAP 등록 마감이에요", "검사 안내", "세 번째 안내"]
    rows = queue(assistant.store, "kakao", "kakao-user-1", texts)
    first = ask(http, base, "kakao-user-1")
    outputs = first["template"]["outputs"]
    assert len(outputs) <= 3 and len(first["template"].get("quickReplies", [])) <= 10
    assert "금요일까지 IAP 등록 마감이에요" in shown(outputs[0])
    assert "검사 안내" in " ".join(shown(o) for o in outputs)
    stop = KNOWLEDGE.text("outbox.stop_button")
    labels = [b["label"] for o in outputs for b in (o.get("textCard") or {}).get("buttons", [])]
    labels += [q["label"] for q in first["template"].get("quickReplies", [])]
    assert stop in labels  # the one-tap opt-out travels with the notice
    assert statuses(assistant.store, rows)[:2] == ["sent", "sent"]
    assert statuses(assistant.store, rows)[2] in ("pending", "held")  # held once the dispatcher has seen it
    second = ask(http, base, "kakao-user-1", "메뉴")
    assert "세 번째 안내" in shown(second["template"]["outputs"][0])
    assert statuses(assistant.store, rows) == ["sent", "sent", "sent"]
    third = ask(http, base, "kakao-user-1", "메뉴")
    assert "📢" not in json.dumps(third, ensure_ascii=False)


def test_a_notice_due_later_waits_for_its_time(assistant, make_settings, serve_app, http) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    rows = queue(assistant.store, "kakao", "kakao-user-2", ["다음 주 안내"], due=datetime.now(UTC) + timedelta(days=1))
    assert "다음 주 안내" not in json.dumps(ask(http, base, "kakao-user-2"), ensure_ascii=False)
    assert statuses(assistant.store, rows) == ["pending"]


# ------------------------------------------------------------------------------ the Event API
class FakeEventAPI:
    """Answers ``POST /v2/bots/{botId}/talk`` with a task id and ``GET /v1/tasks/{id}`` with its result."""

    def __init__(self, failing: dict[str, str] | None = None) -> None:
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.failing = failing or {}
        self.tasks: dict[str, list[str]] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw)
                api.requests.append(("POST", self.path, dict(self.headers), body))
                task = f"task-{len(api.tasks) + 1}"
                api.tasks[task] = [u["id"] for u in body["user"]]
                self._answer(200, {"taskId": task, "status": "SUCCESS", "message": "", "timestamp": 0})

            def do_GET(self) -> None:  # noqa: N802
                api.requests.append(("GET", self.path, dict(self.headers), None))
                task = self.path.rsplit("/", 1)[-1]
                users = api.tasks.get(task, [])
                failed = [{"user": u, "cause": api.failing[u]} for u in users if u in api.failing]
                self._answer(200, {"taskId": task, "status": "PARTIAL_SUCCESS" if failed else "ALL_SUCCESS",
                                   "allRequestCount": len(users), "successCount": len(users) - len(failed),
                                   "fail": {"count": len(failed), "list": failed}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def event_api():
    api = FakeEventAPI(failing={"kakao-7": "user blocked the channel"})
    yield api
    api.close()


def test_without_its_settings_the_event_api_is_off() -> None:
    assert create_event_sender(Settings(kakao_event_bot_id="bot", kakao_event_name="notice")) is None


def test_the_event_api_sends_100_users_a_call_and_reads_each_users_result(tmp_path, event_api) -> None:
    store = Store(f"sqlite:///{tmp_path / 'kakao.sqlite3'}")
    notice = ["금요일까지 IAP 등록 마감이에요"]
    rows = {f"kakao-{n}": queue(store, "kakao", f"kakao-{n}", notice)[0] for n in range(150)}
    settings = Settings(kakao_event_bot_id="bot-1234!", kakao_event_api_key="rest-api-key",
                        kakao_event_name="giljabi_notice", kakao_event_api_base_url=event_api.url, quiet_hours="")
    sender = create_event_sender(settings)
    assert sender is not None

    async def once() -> dict[str, int]:
        dispatcher = build_dispatcher(store, {"kakao": sender}, KNOWLEDGE.text, settings)
        try:
            return dict(await dispatcher.run_once())
        finally:
            await sender.close()

    counts = asyncio.run(once())
    store_rows = list(rows.values())
    assert counts["sent"] == 149 and counts["failed"] == 1
    talks = [r for r in event_api.requests if r[0] == "POST"]
    assert [len(body["user"]) for _, _, _, body in talks] == [100, 50]
    for _, path, headers, body in talks:
        assert path == "/v2/bots/bot-1234!/talk"
        assert headers["Authorization"] == "KakaoAK rest-api-key"
        assert body["event"]["name"] == "giljabi_notice"
        assert "금요일까지 IAP 등록 마감이에요" in body["event"]["data"]["text"]
        assert all(u["type"] == "botUserKey" for u in body["user"])
    assert {r[1] for r in event_api.requests if r[0] == "GET"} == {"/v1/tasks/task-1", "/v1/tasks/task-2"}
    with store.unit() as s:
        found = {r.id: r for r in s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(store_rows)))}
    blocked = found[rows["kakao-7"]]
    assert blocked.status == "failed" and "user blocked the channel" in blocked.last_error
    assert {found[rows[f"kakao-{n}"]].provider_message_id for n in range(100) if n != 7} == {"task-1"}
    assert {found[rows[f"kakao-{n}"]].status for n in range(150) if n != 7} == {"sent"}
    store.close()


def test_a_notice_card_that_has_to_become_text_keeps_its_opt_out_button_as_a_quick_reply() -> None:
    from bot.channels import kakao
    from bot.messages import Button, ListItem, Reply
    from bot.outbox.compose import STOP_PAYLOAD

    stop = Button(label=KNOWLEDGE.text("outbox.stop_button"), payload=STOP_PAYLOAD)
    link = Button(label="워크넷", url="https://www.work24.go.kr")
    answer = [Reply(text="안녕하세요!"), Reply(type="card", title="워크넷 가입", text="가입해요", buttons=[link]),
              Reply(type="list", title="메뉴", items=[ListItem(title="워크넷", payload="f:worknet_signup")])]
    body = kakao.render([Reply(title="📢 센터 안내", text="IAP 마감이에요", buttons=[stop]), *answer])
    template = body["template"]
    assert len(template["outputs"]) <= 3
    assert "IAP 마감이에요" in template["outputs"][0]["simpleText"]["text"]  # the card had to become text
    assert {"label": stop.label, "payload": STOP_PAYLOAD} in [
        {"label": q["label"], "payload": q["extra"]["payload"]} for q in template.get("quickReplies", [])]
