"""The Kakao i Open Builder Event API: the one way a KakaoTalk chatbot speaks first.

``POST {base}/v2/bots/{botId}/talk`` with ``Authorization: KakaoAK <REST API key>`` triggers the event
block named by ``GILJABI_KAKAO_EVENT_NAME`` for up to 100 users (by ``botUserKey``) per call; the
answer carries a task id, and ``GET {base}/v1/tasks/{taskId}`` tells which users failed. Every message
is charged and needs a wallet connected to a business channel (see the README); the API is off unless
``GILJABI_KAKAO_EVENT_BOT_ID``, ``GILJABI_KAKAO_EVENT_API_KEY`` and ``GILJABI_KAKAO_EVENT_NAME`` are set.

The event block shows ``event.data.text`` (the message as plain text); it should carry an "알림 끄기"
quick reply of its own, which the bot understands as the opt-out command. ``KakaoEventSender`` batches
concurrent sends with the same text into one call, then resolves each user's send from the task result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

from bot.channels.base import Permanent, Retryable, secret
from bot.messages import Reply

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("giljabi.channels.kakao")

MAX_USERS_PER_CALL = 100
USER_TYPE = "botUserKey"
#: task states that mean Kakao is still working on the call
RUNNING = {"PROCESSING", "PENDING", "RUNNING", "WAITING"}


def plain_text(replies: Sequence[Reply]) -> str:
    """The replies as the text an event block shows: titles, texts and list lines; links inline."""
    lines: list[str] = []
    for reply in replies:
        lines += [p.strip() for p in (reply.title, reply.text) if p and p.strip()]
        lines += [f"• {i.title.strip()}" + (f": {i.url}" if i.url and not i.payload else "") for i in reply.items]
        lines += [f"🔗 {b.label.strip()}: {b.url}" for b in reply.buttons if b.url]
    return "\n".join(lines)


class KakaoEventClient:
    """The two calls of the Event API, with typed errors (auth and 4xx permanent, 429/5xx retryable)."""

    def __init__(self, base_url: str, bot_id: str, api_key: str, event: str, *, timeout: float = 10.0) -> None:
        self.bot_id, self.event = bot_id, event
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers={"Authorization": f"KakaoAK {api_key}"}
        )

    async def talk(self, user_keys: Sequence[str], data: dict[str, Any]) -> str:
        """Trigger the event for these users (≤ 100); returns the task id."""
        body = {
            "event": {"name": self.event, "data": data},
            "user": [{"type": USER_TYPE, "id": key} for key in user_keys[:MAX_USERS_PER_CALL]],
        }
        answer = self._check(await self._call("POST", f"/v2/bots/{self.bot_id}/talk", json=body))
        task = answer.get("taskId")
        if not isinstance(task, str) or not task:
            raise Retryable(f"kakao event: no task id (status {answer.get('status')})")
        return task

    async def task(self, task_id: str) -> dict[str, Any]:
        """The result of one call: ``status`` and ``fail.list`` of the users it did not reach."""
        return self._check(await self._call("GET", f"/v1/tasks/{task_id}"))

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise Retryable(f"kakao event network: {type(exc).__name__}") from exc

    @staticmethod
    def _check(response: httpx.Response) -> dict[str, Any]:
        if response.status_code == 429 or response.status_code >= 500:
            raise Retryable(f"kakao event {response.status_code}")
        if response.status_code >= 400:
            raise Permanent(f"kakao event {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise Retryable("kakao event: not JSON") from exc
        return answer if isinstance(answer, dict) else {}

    async def close(self) -> None:
        await self._http.aclose()


def failed_users(result: dict[str, Any]) -> dict[str, str]:
    """``{botUserKey: cause}`` of the users a task did not reach."""
    fail = result.get("fail")
    entries = fail.get("list") if isinstance(fail, dict) else None
    out: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            user = entry.get("user") or entry.get("id") or entry.get("botUserKey")
            if isinstance(user, str):
                out[user] = str(entry.get("cause") or entry.get("reason") or "failed")[:100]
    return out


class KakaoEventSender:
    """Sends through the Event API; concurrent sends of one text share a call of up to 100 users."""

    #: sends the dispatcher may have in flight at once, so that one call can carry 100 users
    concurrency = MAX_USERS_PER_CALL

    def __init__(self, client: KakaoEventClient, *, linger: float = 0.02, result_wait: float = 3.0) -> None:
        self.client = client
        self._linger, self._result_wait = linger, result_wait
        self._waiting: dict[str, list[tuple[str, asyncio.Future[str]]]] = {}

    async def send(self, user_key: str, replies: Sequence[Reply]) -> str | None:
        text = plain_text(replies)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        batch = self._waiting.setdefault(text, [])
        batch.append((user_key, future))
        if len(batch) == 1:
            asyncio.get_running_loop().call_later(self._linger, self._flush_soon, text)
        if len(batch) >= MAX_USERS_PER_CALL:
            self._flush_soon(text)
        return await future

    def _flush_soon(self, text: str) -> None:
        batch = self._waiting.pop(text, None)
        if batch:
            asyncio.ensure_future(self._flush(text, batch))

    async def _flush(self, text: str, batch: list[tuple[str, asyncio.Future[str]]]) -> None:
        try:
            task_id = await self.client.talk([key for key, _ in batch], {"text": text})
            failed = await self._results(task_id)
        except (Permanent, Retryable) as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(type(exc)(exc.reason))
            return
        for key, future in batch:
            if future.done():
                continue
            if key in failed:
                future.set_exception(Permanent(f"kakao event: {failed[key]}"))
            else:
                future.set_result(task_id)

    async def _results(self, task_id: str) -> dict[str, str]:
        """Per-user failures of a task, waiting a little while Kakao is still working on it."""
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self._result_wait, 0.05
        while True:
            try:
                result = await self.client.task(task_id)
            except Retryable:
                result = {"status": "PROCESSING"}
            if str(result.get("status", "")).upper() not in RUNNING or loop.time() >= deadline:
                return failed_users(result)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    async def close(self) -> None:
        await self.client.close()


def create_event_sender(settings: Settings) -> KakaoEventSender | None:
    """The Event API sender, when bot id, REST API key and event name are all configured."""
    key = secret(settings.kakao_event_api_key)
    if not (settings.kakao_event_bot_id and key and settings.kakao_event_name):
        return None
    client = KakaoEventClient(
        settings.kakao_event_api_base_url, settings.kakao_event_bot_id, key, settings.kakao_event_name
    )
    return KakaoEventSender(client)
