"""A Telegram Bot API emulator for end-to-end tests, served by aiohttp on 127.0.0.1.

It keeps Telegram's getUpdates contract: updates wait until a getUpdates call carries an offset
above their update_id, then they are forgotten; a long poll waits up to `timeout` for new ones.
What the bot sends is recorded per chat. Tests play the users (`user_sends_text`, `user_presses`,
`user_sends_photo`, `user_answers_poll`) and wait for conditions (`wait_for`, `wait_messages`) with generous timeouts.
A user is "Aigerim U<id>" unless `names` gives another first name; `language=None` sends no
language_code (as for a user whose client does not say).

Fault switches: `fail_next(method, times, retry_after)` answers 429; `hold(method)` keeps the next
call(s) of a method (or the file download, "download") open until released, so a test can kill
the bot while a step is in flight; `replay(update_ids)` serves already-confirmed updates once more.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000001
BOT_USERNAME = "TazaTestBot"
TOKEN = f"{BOT_ID}:TEST-token_for-the-emulator"
WAIT = 30.0  # generous (a bot process may take 10 s to start on a loaded 2-core machine): a condition that is not met by then is a failure


@dataclass
class Sent:
    """A message the bot sent (or edited)."""

    message_id: int
    chat_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    file: bytes | None = None
    file_name: str | None = None
    poll: dict[str, Any] | None = None

    @property
    def body(self) -> str:
        return self.text if self.text is not None else (self.caption or "")

    def labels(self) -> list[str]:
        return [label for label, _data in self.buttons]


@dataclass
class Hold:
    method: str
    count: int
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.gate.set()


class TelegramEmulator:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []  # unconfirmed, ascending update_id
        self.replays: list[dict[str, Any]] = []
        self.confirmed_offset = 0
        self.history: dict[int, dict[str, Any]] = {}  # every update ever made, by id
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.content_types: list[tuple[str, str]] = []  # (method, how its body came: JSON or a form)
        self.statuses: list[tuple[str, int]] = []
        self.callback_answers: list[str] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, data)
        self.downloads: list[str] = []
        self.expired: set[str] = set()  # file paths getFile still names but whose download is 404
        self.names: dict[int, str] = {}  # user id -> first name (and no last name)
        self.blocked: set[int] = set()  # chats that blocked the bot: 403
        self.webhook: dict[str, Any] = {}  # what setWebhook was given (url, secret_token...)
        self.unknown_chats: set[int] = set()  # 400 chat not found
        self.polls = 0  # getUpdates calls answered
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._holds: dict[str, Hold] = {}
        self._update_ids = itertools.count(100)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._poll_ids = itertools.count(5_000_000_000_000_000_001)  # Telegram's poll ids are long numbers
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        for hold in self._holds.values():
            hold.release()
        if self._runner:
            await self._runner.cleanup()

    # --- the users' side -----------------------------------------------------------------------
    async def user_sends_text(self, chat: int, text: str, *, language: str | None = "en") -> dict[str, Any]:
        message = self._message(chat, language, text=text)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.push({"message": message})

    async def user_sends_photo(self, chat: int, jpeg: bytes, *, language: str | None = "en") -> dict[str, Any]:
        """A compressed photo in two sizes; the larger one is the real file."""
        small_id = self.add_file(jpeg[:64], "thumb.jpg")
        big_id = self.add_file(jpeg, "photo.jpg")
        sizes = [
            {"file_id": small_id, "file_unique_id": f"u{small_id}", "width": 90, "height": 60, "file_size": 64},
            {"file_id": big_id, "file_unique_id": f"u{big_id}", "width": 1280, "height": 853, "file_size": len(jpeg)},
        ]
        return await self.push({"message": self._message(chat, language, photo=sizes)})

    async def user_sends(self, chat: int, *, language: str | None = "en", **content: Any) -> dict[str, Any]:
        """Any other message content, e.g. `sticker={...}` or `location={...}`."""
        return await self.push({"message": self._message(chat, language, **content)})

    async def user_presses(
        self, chat: int, message: Sent, label: str, *, language: str | None = "en"
    ) -> dict[str, Any]:
        """Press the button whose label contains `label` on a message the bot sent."""
        matches = [data for text, data in message.buttons if label.casefold() in text.casefold()]
        assert matches, f"no button {label!r} among {message.labels()}"
        return await self.press_data(chat, message, matches[0], language=language)

    async def press_data(
        self, chat: int, message: Sent, data: str, *, language: str | None = "en"
    ) -> dict[str, Any]:
        query = {
            "id": f"cb{next(self._file_ids)}",
            "from": self._user(chat, language),
            "chat_instance": f"ci{chat}",
            "data": data,
            "message": {
                "message_id": message.message_id,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Taza"},
                "text": message.body or "…",
            },
        }
        return await self.push({"callback_query": query})

    async def user_answers_poll(
        self, chat: int, message: Sent, option: int, *, user: int | None = None, language: str | None = "en"
    ) -> dict[str, Any]:
        """A `poll_answer` for the poll `message` carries (a quiz answer has no chat: only the poll id
        and who answered). `user` answers as someone else: a forwarded or forged answer."""
        assert message.poll is not None, "this message is not a poll"
        answer = {
            "poll_id": message.poll["id"],
            "user": self._user(user if user is not None else chat, language),
            "option_ids": [option],
            "option_persistent_ids": [str(option)],
        }
        return await self.push({"poll_answer": answer})

    def add_file(self, data: bytes, name: str = "file.bin") -> str:
        file_id = f"F{next(self._file_ids)}"
        self.files[file_id] = (f"photos/{file_id}_{name}", data)
        return file_id

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self.history[update["update_id"]] = update
        self.updates.append(update)
        await self._notify()
        return update

    def text_update(self, chat: int, text: str, *, language: str | None = "en") -> dict[str, Any]:
        """A text message update for the webhook mode: what Telegram would post, not queued for getUpdates."""
        message = self._message(chat, language, text=text)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        update = {"update_id": next(self._update_ids), "message": message}
        self.history[update["update_id"]] = update
        return update

    async def replay(self, *update_ids: int) -> None:
        """Serve these (already confirmed) updates once more, as Telegram does after a lost offset."""
        self.replays.extend(self.history[i] for i in update_ids)
        await self._notify()

    def _user(self, chat: int, language: str | None) -> dict[str, Any]:
        user_id = chat if chat > 0 else 555
        user: dict[str, Any] = {"id": user_id, "is_bot": False}
        if user_id in self.names:
            user["first_name"] = self.names[user_id]
        else:
            user.update(first_name="Aigerim", last_name=f"U{user_id}")
        if language is not None:
            user["language_code"] = language
        return user

    def _message(self, chat: int, language: str | None, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup", "first_name": "User"},
            "from": self._user(chat, language),
            **content,
        }

    # --- what the bot did ----------------------------------------------------------------------
    def messages_to(self, chat: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
        """Wait until `condition()` is truthy (re-checked on every emulator event) and return it."""
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while not (result := condition()):
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what or condition}")
                try:
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))
                except TimeoutError:
                    pass  # re-check: some conditions depend on things outside the emulator
            return result

    async def wait_messages(self, chat: int, count: int, timeout: float = WAIT) -> list[Sent]:
        """Wait until the chat holds at least `count` messages from the bot; returns them all."""
        await self.wait_for(lambda: len(self.messages_to(chat)) >= count, timeout, f"{count} messages to {chat}")
        return self.messages_to(chat)

    async def wait_confirmed(self, update: dict[str, Any], timeout: float = WAIT) -> None:
        """Until a getUpdates call confirmed this update (the bot has stored it)."""
        await self.wait_for(lambda: self.confirmed_offset > update["update_id"], timeout, "confirmation")

    # --- fault switches -----------------------------------------------------------------------
    def fail_next(self, method: str, times: int = 1, retry_after: int = 1, status: int = 429) -> None:
        """Answer the next `times` calls of `method` with a 429 (or another error `status`)."""
        self._failures.setdefault(method.lower(), []).extend([(status, retry_after)] * times)

    def hold(self, method: str, count: int = 1) -> Hold:
        hold = self._holds[method.lower()] = Hold(method, count)
        return hold

    # --- HTTP ----------------------------------------------------------------------------------
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        params: dict[str, Any] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = (value.filename, value.file.read())
            else:
                params[key] = value
        for key, value in list(params.items()):  # aiogram uploads as "attach://<field>"
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value.removeprefix("attach://"))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        params = await self._params(request)
        self.calls.append((method, params))
        self.content_types.append((method, request.content_type))
        await self._wait_if_held(method)
        failures = self._failures.get(method)
        if failures:
            status, retry_after = failures.pop(0)
            self.statuses.append((method, status))
            await self._notify()
            if status != 429:
                return _error(status, "Internal Server Error")
            return _error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
        if "chat_id" in params and int(params["chat_id"]) in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if "chat_id" in params and int(params["chat_id"]) in self.unknown_chats:
            return _error(400, "Bad Request: chat not found")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        response = await handler(params)
        self.statuses.append((method, response.status))
        await self._notify()
        return response

    async def _wait_if_held(self, method: str) -> None:
        hold = self._holds.get(method)
        if hold is None or hold.count <= 0:
            return
        hold.count -= 1
        hold.arrived.set()
        await self._notify()
        await hold.gate.wait()  # cancelled when the client goes away (handler_cancellation)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        path = request.match_info["path"]
        await self._wait_if_held("download")
        for file_path, data in self.files.values():
            if file_path == path and path not in self.expired:
                self.downloads.append(path)
                await self._notify()
                return web.Response(body=data, content_type="application/octet-stream")
        return _error(404, "Not Found")

    # --- Bot API methods ------------------------------------------------------------------------
    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Taza", "username": BOT_USERNAME})

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = {}
        return _ok(True)

    async def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = {key: _json(value) if key == "allowed_updates" else value for key, value in params.items()}
        return _ok(True)

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> web.Response:
        return _ok({"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0})

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        await self._notify()
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while not (self.replays or self.updates):
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        if self.replays:
            batch, self.replays = self.replays, []
        else:
            batch = self.updates[:limit]
        self.polls += 1
        return _ok(batch)

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        sent = self._record("sendMessage", params, text=params["text"])
        return _ok(self._message_json(sent, text=sent.text))

    async def _m_sendphoto(self, params: dict[str, Any]) -> web.Response:
        name, data = params["photo"]
        sent = self._record("sendPhoto", params, caption=params.get("caption"), file=data, file_name=name)
        size = {"file_id": f"out{sent.message_id}", "file_unique_id": f"o{sent.message_id}", "width": 1, "height": 1}
        return _ok(self._message_json(sent, photo=[size], caption=sent.caption))

    async def _m_senddocument(self, params: dict[str, Any]) -> web.Response:
        name, data = params["document"]
        sent = self._record("sendDocument", params, caption=params.get("caption"), file=data, file_name=name)
        doc = {"file_id": f"out{sent.message_id}", "file_unique_id": f"o{sent.message_id}", "file_name": name}
        return _ok(self._message_json(sent, document=doc, caption=sent.caption))

    async def _m_sendpoll(self, params: dict[str, Any]) -> web.Response:
        """Telegram's rules for a poll: 2-10 options, question 1-300, option 1-100 and explanation
        0-200 characters (UTF-16 units), a quiz has exactly one correct option within range."""
        options = [o["text"] if isinstance(o, dict) else o for o in _json(params["options"])]
        correct = _json(params.get("correct_option_ids")) or (
            [int(params["correct_option_id"])] if params.get("correct_option_id") is not None else []
        )
        kind = params.get("type", "regular")
        problem = (
            "poll question length must be 1-300" if not 1 <= _units(params["question"]) <= 300
            else "poll must have 2-10 options" if not 2 <= len(options) <= 10
            else "poll option length must be 1-100" if any(not 1 <= _units(o) <= 100 for o in options)
            else "explanation must be 0-200 characters" if _units(params.get("explanation") or "") > 200
            else "wrong correct option" if kind == "quiz" and (len(correct) != 1 or not 0 <= correct[0] < len(options))
            else None
        )
        if problem:
            return _error(400, f"Bad Request: {problem}")
        poll = {
            "id": f"{next(self._poll_ids)}",
            "question": params["question"],
            "options": [{"persistent_id": str(n), "text": o, "voter_count": 0} for n, o in enumerate(options)],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": str(params.get("is_anonymous", "true")).lower() != "false",
            "type": kind,
            "allows_multiple_answers": str(params.get("allows_multiple_answers")).lower() == "true",
            "allows_revoting": False,
            "members_only": False,
        }
        if kind == "quiz":
            poll.update(correct_option_ids=correct, correct_option_id=correct[0])
        if params.get("explanation"):
            poll["explanation"] = params["explanation"]
        sent = self._record("sendPoll", params, poll=poll)
        return _ok(self._message_json(sent, poll=poll))

    async def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        sent = self._find(params)
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        sent.text = params["text"]
        sent.buttons = _buttons(params)
        return _ok(self._message_json(sent, text=sent.text))

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> web.Response:
        sent = self._find(params)
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        sent.buttons = _buttons(params)
        return _ok(self._message_json(sent, text=sent.body))

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        self.callback_answers.append(params["callback_query_id"])
        return _ok(True)

    async def _m_getfile(self, params: dict[str, Any]) -> web.Response:
        file_id = params["file_id"]
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return _ok({"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path})

    # --- helpers -------------------------------------------------------------------------------
    def _record(self, method: str, params: dict[str, Any], **fields: Any) -> Sent:
        sent = Sent(next(self._message_ids), int(params["chat_id"]), method, buttons=_buttons(params), **fields)
        self.sent.append(sent)
        return sent

    def _find(self, params: dict[str, Any]) -> Sent | None:
        for sent in self.sent:
            if sent.message_id == int(params["message_id"]) and sent.chat_id == int(params["chat_id"]):
                return sent
        return None

    def _message_json(self, sent: Sent, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Taza", "username": BOT_USERNAME},
            **{k: v for k, v in content.items() if v is not None},
        }
        if sent.buttons:
            message["reply_markup"] = {
                "inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in sent.buttons]
            }
        return message


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = params.get("reply_markup")
    if not markup:
        return []
    rows = json.loads(markup)["inline_keyboard"] if isinstance(markup, str) else markup["inline_keyboard"]
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
