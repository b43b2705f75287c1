"""A loopback fake of the Telegram Bot API for end-to-end tests, benchmarks and the console.

PTB's real request layer talks to it (the bot's aiohttp one, or PTB's default httpx), so the
wire format, error mapping and polling loop are exercised exactly as in production. It runs
on the current asyncio loop (no threads), so tests can inspect its state between awaits
without locking.
"""

import asyncio
import contextlib
import copy
import html
import json
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.fakeapi.update_factory import chat_member, utf16_len

# A form-encoded call (PTB's default, and TwinCoach's uploads) JSON-dumps every non-string
# value (ints, bools, dicts, lists), so everything arrives as a string. Free-text parameters
# must stay strings even when they look like JSON (a message "42" is not the number 42);
# everything else is JSON-decoded. A JSON body (bot/request.py) arrives typed, as it is.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "action",
        "secret_token",
        "query",
        "business_connection_id",
        "message_effect_id",
        "custom_title",
        "question",
        "explanation",
    }
)
# Telegram only delivers these update types when explicitly listed in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FIRST_BOT_MESSAGE_ID = 100_000
_MAX_TEXT = 4096
_MAX_CAPTION = 1024

_HTML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_HTML_TEXT = re.compile(r"[^<&]+")
_HTML_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?""")
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
# A date-time entity (Bot API 10): `unix` an integer, `format` as the docs' pattern; it may
# hold or sit in bold, italic, underline, strikethrough and spoiler, none of these.
_TIME_FORMAT = re.compile(r"r|w?[dD]?[tT]?")
_TIME_APART = frozenset({"code", "pre", "a", "tg-emoji", "tg-time"})
_TIME_AHEAD = 1098 * 86400  # MTProto's messageEntityFormattedDate: up to now + 1098 days


class _ApiError(Exception):
    """An error answer (``ok: false``) with Telegram's HTTP status and description."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


# New messages are what Telegram's flood limits are about ("no more than 30 messages per
# second", "no more than 20 messages per minute in the same group"); edits, callback
# answers and reads are not counted here.
LIMITED_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


@dataclass(frozen=True)
class RateLimits:
    """Telegram's broadcast limits, enforced by the fake when given (off by default).

    Sliding windows over *successful* sends (sendMessage, sendDocument, sendPhoto):
    at most ``per_second`` in any window of ``window`` seconds overall, at most
    ``group_per_minute`` in any 60 s to one group chat (negative chat id). A send over a
    limit is answered 429 with ``retry_after`` (whole seconds, as Telegram gives it) and is
    not counted, so a bot that waits as told gets through. ``clock`` is injectable so tests
    need not sleep.
    """

    per_second: int = 30
    group_per_minute: int = 20
    window: float = 1.0
    clock: Callable[[], float] = time.monotonic


class _Limiter:
    """The sliding windows of one FakeBotApi: timestamps of the accepted sends."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._all: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}

    def check(self, chat_id: int | None) -> None:
        """Raise the 429 Telegram would give if one more send now broke a limit."""
        now = self.limits.clock()
        waits = [self._wait(self._all, now, self.limits.window, self.limits.per_second)]
        if chat_id is not None and chat_id < 0:
            group = self._groups.get(chat_id, deque())
            waits.append(self._wait(group, now, 60.0, self.limits.group_per_minute))
        if (wait := max(waits)) > 0:
            retry_after = max(1, math.ceil(wait))
            raise _ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def accepted(self, chat_id: int | None) -> None:
        now = self.limits.clock()
        self._all.append(now)
        if chat_id is not None and chat_id < 0:
            self._groups.setdefault(chat_id, deque()).append(now)

    @staticmethod
    def _wait(sent: deque[float], now: float, window: float, limit: int) -> float:
        """Seconds until one more send fits the window; 0 when it fits now."""
        while sent and sent[0] <= now - window:
            sent.popleft()
        if len(sent) < limit:
            return 0.0
        return sent[len(sent) - limit] + window - now


class _HtmlParser:
    """Turns Telegram HTML into plain text + entities, rejecting what Telegram rejects.

    Mirroring Telegram's strictness (unsupported tags, unbalanced tags, bare ``<``) makes
    template bugs fail in tests instead of in production. A ``<tg-time>`` (Bot API 10, see
    bot/timetag.py) becomes a ``date_time`` entity with ``unix_time`` and, when given,
    ``date_time_format``; one without an integer ``unix``, with a format outside
    ``r|w?[dD]?[tT]?``, a moment more than 1098 days ahead, or nested with code, pre, a link or a custom emoji is refused
    (the wording of those refusals is ours, in Telegram's "can't parse entities" form).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.length = 0  # UTF-16 units emitted so far; entity offsets use this unit
        self.stack: list[tuple[str, dict[str, str], int]] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.source):
            if self.source[i] == "<":
                i = self._tag(i)
                continue
            match = _HTML_ENTITY.match(self.source, i) or _HTML_TEXT.match(self.source, i)
            piece, i = (html.unescape(match[0]), match.end()) if match else ("&", i + 1)
            self.pieces.append(piece)
            self.length += utf16_len(piece)
        if self.stack:
            name = self.stack[-1][0]
            raise self._error(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.pieces), self.entities

    def _error(self, detail: str) -> _ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def _byte_offset(self, i: int) -> int:
        return len(self.source[:i].encode())

    def _tag(self, i: int) -> int:
        end = self.source.find(">", i)
        if end < 0:
            raise self._error(f"Unclosed start tag at byte offset {self._byte_offset(i)}")
        content = self.source[i + 1 : end]
        if content.startswith("/"):
            self._close(content[1:].strip().lower(), i)
        else:
            name, _, rest = content.strip().partition(" ")
            name = name.lower()
            if name not in _HTML_TAGS:
                where = self._byte_offset(i)
                raise self._error(f'Unsupported start tag "{name}" at byte offset {where}')
            attrs = {
                m[1].lower(): html.unescape(m[2] or m[3] or m[4] or "")
                for m in _HTML_ATTR.finditer(rest)
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise self._error('Tag "span" must have class "tg-spoiler"')
            self._check_time(name, attrs)
            self.stack.append((name, attrs, self.length))
        return end + 1

    def _check_time(self, name: str, attrs: dict[str, str]) -> None:
        """A tg-time needs an integer `unix` and a valid `format`, and never meets code,
        pre, a link, a custom emoji or another tg-time inside or around it."""
        inside = [n for n, _, _ in self.stack]
        if name == "tg-time":
            unix = attrs.get("unix", "")
            if not unix.isascii() or not unix.isdigit():
                raise self._error('Tag "tg-time" must have an integer attribute "unix"')
            if int(unix) >= time.time() + _TIME_AHEAD:
                raise self._error(f'Date-time "{unix}" is too far in the future')
            if not _TIME_FORMAT.fullmatch(attrs.get("format", "")):
                raise self._error(f'Invalid date-time format "{attrs["format"]}"')
            around = next((n for n in inside if n in _TIME_APART), None)
            if around is not None:
                raise self._error(f'Tag "tg-time" can\'t be nested in tag "{around}"')
        elif name in _TIME_APART and "tg-time" in inside:
            raise self._error(f'Tag "{name}" can\'t be nested in tag "tg-time"')

    def _close(self, name: str, i: int) -> None:
        if not self.stack:
            raise self._error(f"Unexpected end tag at byte offset {self._byte_offset(i)}")
        open_name, attrs, start = self.stack.pop()
        if name != open_name:
            raise self._error(
                f"Unmatched end tag at byte offset {self._byte_offset(i)}, "
                f'expected "</{open_name}>", found "</{name}>"'
            )
        if open_name == "code" and self.stack and self.stack[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            language = attrs.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1][1]["language"] = language
            return
        if self.length == start or (open_name == "a" and not attrs.get("href")):
            return
        entity: dict[str, Any] = {
            "type": _HTML_TAGS[open_name],
            "offset": start,
            "length": self.length - start,
        }
        if open_name == "a":
            entity["url"] = attrs["href"]
        elif open_name == "pre" and "language" in attrs:
            entity["language"] = attrs["language"]
        elif open_name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif open_name == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id", "")
        elif open_name == "tg-time":
            entity["unix_time"] = int(attrs["unix"])
            if attrs.get("format"):
                entity["date_time_format"] = attrs["format"]
        self.entities.append(entity)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities Telegram makes of an HTML text; raises where Telegram
    answers 400 (for tests that check text the bot would send)."""
    return _HtmlParser(source).parse()


def _decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _TEXT_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # file ids, URLs, @channel usernames


def _request_params(request: HTTPServerRequest) -> dict[str, Any]:
    """Query, form and multipart fields (tornado parses those) plus a JSON body if sent."""
    raw: dict[str, Any] = {k: v[-1].decode() for k, v in request.arguments.items()}
    params = {name: _decode_param(name, value) for name, value in raw.items()}
    if request.headers.get("Content-Type", "").startswith("application/json") and request.body:
        params.update(json.loads(request.body))
    return params


def _int_param(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_request(f"{name} is empty" if value is None else f"invalid {name}")
    return value


@dataclass
class ApiCall:
    """One request the bot made; ``ok``/``result`` hold the answer the fake gave.

    getUpdates is recorded on arrival (so tests can see polling start), so its ``result`` is
    filled in only when the long poll returns; every other call is complete when recorded.
    """

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]]
    chat_id: int | None
    seq: int
    ok: bool = True
    result: Any = None
    error: str | None = None  # Telegram's description of a refusal ("Bad Request: ...")
    # its arrival at "Telegram" (half a round trip after it left the bot), when the limits
    # count it; for latency measurements
    at: float = field(default_factory=time.perf_counter)
    answered: float | None = None  # when the answer left (getUpdates: when the poll returned)


class _Signal:
    """Wakes all current waiters; unlike asyncio.Condition it can be fired from sync code."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, max_wait: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max_wait)


def _no_access_log(_handler: RequestHandler) -> None:
    """Error answers are expected traffic here; tornado would log each as a warning."""


class _Handler(RequestHandler):
    """Routes ``/bot<token>/<method>`` to the FakeBotApi; any token is accepted."""

    def initialize(self, api: "FakeBotApi") -> None:
        self.api = api
        self.gone = False

    def on_connection_close(self) -> None:
        # PTB cancels its long poll on shutdown; stop waiting for updates for it.
        self.gone = True
        self.api._updates_changed.notify()

    async def get(self, _token: str, method: str) -> None:
        await self._serve(method)

    async def post(self, _token: str, method: str) -> None:
        await self._serve(method)

    async def _serve(self, method: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.api._inflight.add(task)
        try:
            files = {
                name: (parts[0].filename, parts[0].body)
                for name, parts in self.request.files.items()
            }
            status, body = await self.api._handle(
                method, _request_params(self.request), files, lambda: self.gone
            )
            self.set_status(status)
            self.set_header("Content-Type", "application/json")
            # Not awaited: if PTB already hung up (cancelled long poll) the write just fails.
            self.finish(json.dumps(body))
        finally:
            if task is not None:
                self.api._inflight.discard(task)


class _FileHandler(RequestHandler):
    """Serves ``/file/bot<token>/<path>``: files users "uploaded" with ``put_file``."""

    def initialize(self, api: "FakeBotApi") -> None:
        self.api = api

    def get(self, _token: str, path: str) -> None:
        content = self.api._uploads_by_path.get(path)
        if content is None:
            self.set_status(404)
            self.finish()
            return
        self.finish(content)


class FakeBotApi:
    """In-process Telegram Bot API: records calls, stores bot messages, serves updates."""

    def __init__(
        self,
        bot_username: str = "TwinCoachBot",
        bot_id: int = 7000001,
        *,
        limits: RateLimits | None = None,
        latency: float = 0.0,
        jitter: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.bot_username = bot_username
        # seconds every method takes to answer, as Telegram's round trip (30–100 ms) does:
        # half of it before the request reaches "Telegram" (is recorded, counted against the
        # limits, acted on), half before its answer reaches the bot
        self.latency = latency
        # a round trip of latency to latency + jitter: each half up to jitter / 2 longer,
        # drawn apart, so the halves differ
        self.jitter = jitter
        self._random = random.Random(seed)  # noqa: S311  (repeatable delays, not a secret)
        self.bot_id = bot_id
        self.port = 0
        self.calls: list[ApiCall] = []
        self.too_many = 0  # sends answered 429 by the rate limits
        self._limiter: _Limiter | None = None
        self.limits = limits
        self._server: HTTPServer | None = None
        self._closing = False
        self._inflight: set[asyncio.Task[Any]] = set()
        self._calls_changed = _Signal()
        self._updates_changed = _Signal()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._webhook_url = ""
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._members: dict[int, dict[int, str]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}  # group id → its supergroup's id
        self._failures: dict[str, list[_ApiError]] = {}
        self._delays: dict[str, list[float]] = {}
        self._open_callbacks: set[str] = set()
        self._files: dict[str, tuple[str, int]] = {}
        self._uploads: dict[str, tuple[str, bytes]] = {}  # file_id → (path, content)
        self._uploads_by_path: dict[str, bytes] = {}
        self._methods: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
            "getMe": lambda _p, _f: self.bot_user,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": lambda p, f: self._send_file(p, f, "document"),
            "sendPhoto": lambda p, f: self._send_file(p, f, "photo"),
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p, _f: self._commands.get(self._commands_key(p), []),
            "deleteMyCommands": self._delete_my_commands,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChat": self._get_chat,
            "getFile": self._get_file,
        }
        self._canonical = {name.lower(): name for name in [*self._methods, "getUpdates"]}

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (port 0 picks a free one, see ``.port``)."""
        if self._server is not None:
            raise RuntimeError("FakeBotApi is already running")
        app = Application(
            [
                (r"/bot([^/]+)/([A-Za-z_]+)", _Handler, {"api": self}),
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"api": self}),
            ],
            log_function=_no_access_log,
        )
        sockets = bind_sockets(port, "127.0.0.1")
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._closing = False

    async def stop(self) -> None:
        """Answer pending long polls, then close every connection so no task outlives us."""
        if self._server is None:
            return
        self._closing = True
        self._updates_changed.notify()
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=1.0)
        self._server.stop()
        await self._server.close_all_connections()
        self._server = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def limits(self) -> RateLimits | None:
        """The enforced rate limits, or None (the default: every send is accepted).
        Setting them starts with empty windows."""
        return self._limiter.limits if self._limiter is not None else None

    @limits.setter
    def limits(self, limits: RateLimits | None) -> None:
        self._limiter = _Limiter(limits) if limits is not None else None

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``Bot(base_file_url=...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """What getMe answers."""
        return self._bot_from() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # --- test control ----------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """The seq of the newest call; pass it as ``after=`` to wait only for what follows."""
        return len(self.calls)

    def add_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (waking a long poll) and return it with its id."""
        update = {"update_id": self._next_update_id, **copy.deepcopy(payload)}
        self._next_update_id += 1
        self.learn(update)
        self._updates.append(update)
        self._updates_changed.notify()
        return update

    async def wait_for(
        self,
        predicate: Callable[[ApiCall], bool],
        *,
        after: int = 0,
        timeout: float | None = 5.0,  # noqa: ASYNC109 - the tests' natural spelling
    ) -> ApiCall:
        """The first call with ``seq > after`` matching ``predicate``, waiting for it to arrive.

        ``timeout=None`` waits forever (the console's output watcher).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        scanned = max(after, 0)  # seq == index + 1, and calls is append-only
        while True:
            for call in self.calls[scanned:]:
                if predicate(call):
                    return call
            scanned = len(self.calls)
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                recent = "\n".join(
                    f"  #{c.seq} {c.method} chat={c.chat_id} ok={c.ok} "
                    f"{json.dumps(c.params, ensure_ascii=False)[:160]}"
                    for c in self.calls[-10:]
                )
                raise TimeoutError(
                    f"no matching Bot API call after seq {after} within {timeout}s; "
                    f"last calls:\n{recent or '  (none)'}"
                )
            await self._calls_changed.wait(remaining)

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages still present in ``chat_id``, oldest first, as last edited."""
        return copy.deepcopy(list(self._messages.get(chat_id, {}).values()))

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """One stored bot message (KeyError if never sent or deleted)."""
        return copy.deepcopy(self._messages[chat_id][message_id])

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list set for exactly this scope and language (no fallback)."""
        return copy.deepcopy(
            self._commands.get(
                self._commands_key({"scope": scope, "language_code": language_code}), []
            )
        )

    def set_chat_member(self, chat_id: int, user: dict[str, Any], status: str = "member") -> None:
        """Set what getChatMember answers for ``user`` in ``chat_id``."""
        chat_member(user, status)  # validates the status
        self._users[user["id"]] = user
        self._members.setdefault(chat_id, {})[user["id"]] = status

    def member_status(self, chat_id: int, user_id: int) -> str | None:
        """Known membership status (from set_chat_member or updates), None if never told."""
        return self._members.get(chat_id, {}).get(user_id)

    def learn(self, update: dict[str, Any]) -> None:
        """Remember the chats, users, memberships and callback ids an update reveals.

        add_update does this itself; call it for updates handed straight to
        ``Application.process_update`` so getChat, getChatMember and answerCallbackQuery
        still behave as if Telegram had delivered them.
        """
        if query := update.get("callback_query"):
            self._open_callbacks.add(query["id"])
            self._users[query["from"]["id"]] = query["from"]
            if "message" in query:
                self._chats.setdefault(query["message"]["chat"]["id"], query["message"]["chat"])
            return
        for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
            if not (event := update.get(kind)):
                continue
            chat_id = event["chat"]["id"]
            self._chats[chat_id] = event["chat"]
            if "from" in event:
                self._users[event["from"]["id"]] = event["from"]
            members = self._members.setdefault(chat_id, {})
            if kind in ("my_chat_member", "chat_member"):
                new = event["new_chat_member"]
                members[new["user"]["id"]] = new["status"]
            for joined in event.get("new_chat_members", []):
                self._users.setdefault(joined["id"], joined)
                if members.get(joined["id"]) in (None, "left", "kicked"):
                    members[joined["id"]] = "member"
            if left := event.get("left_chat_member"):
                members[left["id"]] = "left"

    def put_file(self, filename: str, content: bytes) -> dict[str, Any]:
        """A file a user sends: returns the ``document`` object for a message update;
        the bot can then getFile it and download it from ``base_file_url``."""
        file_id = f"upload-{len(self._uploads) + 1}"
        path = f"documents/{file_id}/{filename}"
        self._uploads[file_id] = (path, content)
        self._uploads_by_path[path] = content
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "file_size": len(content),
        }

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: sends and edits to ``chat_id`` answer 403."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def migrate_chat(self, old: int, new: int) -> None:
        """The group became a supergroup with id ``new``: sends to ``old`` answer 400 with
        ``migrate_to_chat_id``, as Telegram does, and the members move along."""
        self._migrated[old] = new
        self._members[new] = dict(self._members.get(old, {}))

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (e.g. 429 with retry_after)."""
        error = _ApiError(error_code, description, retry_after)
        self._failures.setdefault(method.lower(), []).extend([error] * times)

    def delay_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer only after ``seconds`` (a
        slow or hanging Telegram; the call still takes effect, as a real one may)."""
        self._delays.setdefault(method.lower(), []).extend([seconds] * times)

    # --- request handling ------------------------------------------------------------------

    async def _handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]],
        gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]]:
        """Reach "Telegram" half a round trip after the request left, act on it there (record,
        count against the limits), and answer half a round trip later."""
        await self._leg()
        status, body = await self._act(method, params, files, gone)
        await self._leg()
        return status, body

    async def _leg(self) -> None:
        """One way of the round trip: half the latency, and some of the jitter."""
        seconds = self.latency / 2
        if self.jitter:
            seconds += self._random.uniform(0.0, self.jitter / 2)
        if seconds:
            await asyncio.sleep(seconds)

    async def _act(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]],
        gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]]:
        name = self._canonical.get(method.lower(), method)
        chat_id = params.get("chat_id")
        call = ApiCall(
            method=name,
            params=params,
            files=files,
            chat_id=chat_id if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None,
            seq=len(self.calls) + 1,
        )
        self.calls.append(call)
        self._calls_changed.notify()
        result: Any
        if delays := self._delays.get(name.lower()):
            await asyncio.sleep(delays.pop(0))
        limiter = self._limiter if name in LIMITED_METHODS else None
        try:
            self._check_faults(name, call.chat_id)
            if limiter is not None:
                try:
                    limiter.check(call.chat_id)
                except _ApiError:
                    self.too_many += 1
                    raise
            if name == "getUpdates":
                result = await self._get_updates(params, gone)
            elif name in self._methods:
                result = self._methods[name](params, files)
            else:
                result = True  # close, logOut, setChatMenuButton, ...: accepted and recorded
        except _ApiError as error:
            call.ok, call.error = False, error.description
            call.answered = time.perf_counter()
            return error.code, error.body()
        if limiter is not None:  # no await since check(): the window cannot have changed
            limiter.accepted(call.chat_id)
        call.result, call.answered = result, time.perf_counter()
        return 200, {"ok": True, "result": result}

    def _check_faults(self, method: str, chat_id: int | None) -> None:
        if queued := self._failures.get(method.lower()):
            raise queued.pop(0)
        if chat_id is None or not method.startswith(("send", "edit")):
            return
        if chat_id in self._migrated:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self._migrated[chat_id],
            )
        status = self.member_status(chat_id, self.bot_id)
        if chat_id in self._blocked or (chat_id > 0 and status == "kicked"):
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if status == "kicked":
            raise _ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if status == "left":
            raise _ApiError(403, "Forbidden: bot is not a member of the supergroup chat")

    async def _get_updates(
        self, params: dict[str, Any], gone: Callable[[], bool]
    ) -> list[dict[str, Any]]:
        if self._webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirms (forgets) every earlier update
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:  # only the last -offset updates survive
            self._updates = self._updates[offset:]
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            batch = [u for u in self._updates if self._is_wanted(u)][:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing or gone():
                return copy.deepcopy(batch)
            await self._updates_changed.wait(remaining)

    def _is_wanted(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed_updates is None:
            return kind not in _OPT_IN_UPDATES
        return kind in self._allowed_updates

    # --- helpers ---------------------------------------------------------------------------

    def _bot_from(self) -> dict[str, Any]:
        first_name = self.bot_username.removesuffix("Bot") or self.bot_username
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": self.bot_username,
        }

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_id:
            return self._bot_from()
        return self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})

    def _new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _int_param(params, "chat_id")
        message_id = self._next_message_id.get(chat_id, _FIRST_BOT_MESSAGE_ID) + 1
        self._next_message_id[chat_id] = message_id
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._bot_from(),
        }
        _apply_markup(message, params)
        return message

    def _store(self, message: dict[str, Any]) -> dict[str, Any]:
        self._messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message
        return copy.deepcopy(message)

    def _stored(self, params: dict[str, Any], action: str) -> dict[str, Any]:
        chat_id = _int_param(params, "chat_id")
        message_id = _int_param(params, "message_id")
        try:
            return copy.deepcopy(self._messages[chat_id][message_id])
        except KeyError:
            raise _bad_request(f"message to {action} not found") from None

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    # --- methods ---------------------------------------------------------------------------

    def _delete_webhook(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook_url = ""
        return True

    def _set_webhook(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        self._webhook_url = str(params.get("url") or "")
        return True

    def _get_webhook_info(self, _params: dict[str, Any], _files: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _send_message(self, params: dict[str, Any], _files: dict[str, Any]) -> dict[str, Any]:
        text, entities = _message_text(params)
        message = self._new_message(params) | {"text": text}
        if entities:
            message["entities"] = entities
        return self._store(message)

    def _edit_message_text(self, params: dict[str, Any], _files: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._stored(params, "edit")
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        text, entities = _message_text(params)
        edited = {k: v for k, v in message.items() if k not in ("entities", "reply_markup")}
        edited["text"] = text
        if entities:
            edited["entities"] = entities
        _apply_markup(edited, params)
        return self._store_edit(message, edited)

    def _edit_message_reply_markup(self, params: dict[str, Any], _files: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._stored(params, "edit")
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        _apply_markup(edited, params)
        return self._store_edit(message, edited)

    def _store_edit(self, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Telegram refuses no-op edits; bots must handle that, so the fake does too."""
        if _content(old) == _content(new):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        new["edit_date"] = int(time.time())
        return self._store(new)

    def _delete_message(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        message = self._stored(params, "delete")
        del self._messages[message["chat"]["id"]][message["message_id"]]
        return True

    def _answer_callback_query(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_callbacks:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callbacks.discard(query_id)
        return True

    def _send_file(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]], kind: str
    ) -> dict[str, Any]:
        caption, entities = _formatted(params, "caption", "caption_entities")
        if utf16_len(caption) > _MAX_CAPTION:
            raise _bad_request("message caption is too long")
        if kind in files:
            name, data = files[kind]
            size = len(data)
            file_id = f"fake-{kind}-{len(self._files) + 1}"
            self._files[file_id] = (name, size)
        else:  # re-sent by file_id, or an URL Telegram would download
            file_id = str(params.get(kind) or "")
            if file_id not in self._files and not file_id.startswith(("http://", "https://")):
                raise _bad_request("wrong file identifier/HTTP URL specified")
            name, size = self._files.get(file_id, (file_id.rsplit("/", 1)[-1], 0))
        stub: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        message = self._new_message(params)
        if kind == "photo":
            message["photo"] = [stub | {"width": 1280, "height": 720, "file_size": size}]
        else:
            message["document"] = stub | {"file_name": name, "file_size": size}
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        return self._store(message)

    def _set_my_commands(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        self._commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    def _delete_my_commands(self, params: dict[str, Any], _files: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _get_chat_member(self, params: dict[str, Any], _files: dict[str, Any]) -> dict[str, Any]:
        chat_id = _int_param(params, "chat_id")
        user_id = _int_param(params, "user_id")
        status = self.member_status(chat_id, user_id) or "member"
        return chat_member(self._user(user_id), status)

    def _get_chat_administrators(
        self, params: dict[str, Any], _files: dict[str, Any]
    ) -> list[dict[str, Any]]:
        members = self._members.get(_int_param(params, "chat_id"), {})
        return [
            chat_member(self._user(user_id), status)
            for user_id, status in members.items()
            if status in ("creator", "administrator")
        ]

    def _get_file(self, params: dict[str, Any], _files: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._uploads:
            raise _bad_request("Bad Request: invalid file_id")
        path, content = self._uploads[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def _get_chat(self, params: dict[str, Any], _files: dict[str, Any]) -> dict[str, Any]:
        return self._chat(_int_param(params, "chat_id")) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                (
                    "unlimited_gifts",
                    "limited_gifts",
                    "unique_gifts",
                    "premium_subscription",
                    "gifts_from_channels",
                ),
                False,
            ),
        }


def _formatted(
    params: dict[str, Any], key: str, entities_key: str
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text + entities as Telegram stores them; only HTML is parsed (and validated)."""
    raw = str(params.get(key) or "")
    if str(params.get("parse_mode") or "").lower() == "html":
        return parse_html(raw)
    return raw, list(params.get(entities_key) or [])


def _message_text(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A message's text as Telegram checks it: not empty, and at most 4,096 UTF-16 code
    units once the tags are parsed (an emoji outside the BMP counts two)."""
    text, entities = _formatted(params, "text", "entities")
    if not text.strip():
        raise _bad_request("message text is empty")
    if utf16_len(text) > _MAX_TEXT:
        raise _bad_request("message is too long")
    return text, entities


def _content(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "edit_date"}


def _apply_markup(message: dict[str, Any], params: dict[str, Any]) -> None:
    """Only inline keyboards are echoed back in Message objects, as in Telegram."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
