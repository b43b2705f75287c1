"""Bot API requests over aiohttp instead of httpx, python-telegram-bot's default.

Every button press costs two Bot API calls, and with httpx most of their cost was the
HTTP machinery: httpcore over anyio (a cancel scope around every read and write) and
h11's parser in Python. aiohttp works on asyncio directly and parses HTTP in C; the
bot's time per press fell from 3.1 to 1.8 ms (README, Performance). PTB's `BaseRequest`
does everything else as before: the parameters, the answer's JSON, the error codes.

A call without files goes as one JSON body (the Bot API takes application/json for every
method but uploads), not as form fields each JSON-encoded on its own and then URL-encoded
(PTB's `json_parameters`, then aiohttp's urlencode): one `json.dumps` instead.
"""

from __future__ import annotations

import json
import ssl

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from typing_extensions import override
from yarl import URL

Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


JSON = {"Content-Type": "application/json"}


def _body(
    request_data: RequestData | None,
) -> tuple[aiohttp.FormData | bytes | None, bool]:
    """The request's body (JSON bytes, or a multipart form with files), and whether it
    uploads files."""
    if request_data is None:
        return None, False
    if not request_data.contains_files:
        return json.dumps(request_data.parameters).encode(), False
    form = aiohttp.FormData(request_data.json_parameters)
    files = request_data.multipart_data
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, True


class AiohttpRequest(BaseRequest):
    """Up to `connections` keep-alive connections to the Bot API; a request that finds
    every one busy waits up to `pool_timeout` for one. The timeouts' defaults are
    HTTPXRequest's."""

    def __init__(
        self,
        *,
        connections: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None, int | None], Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session on the running loop (aiohttp binds it to that loop)."""
        if self._session is None or self._session.closed:
            tls = ssl.create_default_context(cafile=certifi.where())  # httpx's CA bundle
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections, ssl=tls),
                headers={"User-Agent": self.USER_AGENT},
            )
            self._proxies.clear()

    def _proxy(self, url: URL) -> Proxy:
        """The environment's proxy for `url` (HTTPS_PROXY and the like, NO_PROXY), as httpx
        honoured them, looked up once for each scheme, host and port. aiohttp's own
        `trust_env` looks it up, and the Bot API's host in .netrc, in a thread for every
        request: four thread hand-offs a button press."""
        origin = (url.scheme, url.host, url.port)
        if (found := self._proxies.get(origin)) is None:
            try:
                found = get_env_proxy_for_url(url)
            except LookupError:  # none set, or NO_PROXY names the host
                found = (None, None)
            self._proxies[origin] = found
        return found

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        upload: bool,
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms. aiohttp has none for sending, so
        the whole request is bounded by their sum instead."""
        r = _given(read, self._read_timeout)
        w = _given(write, self._media_write_timeout if upload else self._write_timeout)
        c = _given(connect, self._connect_timeout)
        p = _given(pool, self._pool_timeout)
        waiting = None if p is None or c is None else p + c  # for a free connection, connected
        total = None if None in (r, w, waiting) else r + w + waiting  # type: ignore[operator]
        return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=c, sock_read=r)

    @override  # PTB's signature, positional parameters included
    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """PTB's parameters as one JSON body; multipart with files (each non-string field
        JSON-encoded, as PTB encodes it); no body for a download (PTB's `retrieve`)."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        body, upload = _body(request_data)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, upload)
        target = URL(url)
        proxy, proxy_auth = self._proxy(target)
        try:
            async with self._session.request(
                method,
                target,
                data=body,
                headers=JSON if isinstance(body, bytes) else None,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


# What a press's update carries of the message under the button, and nothing reads: a
# press is told by its data and answered by editing that message by its chat and id (and
# by whether it has text: handlers/sending.py), so its buttons and text entities would
# only be made into PTB objects to be thrown away.
UNREAD_OF_PRESSED = ("reply_markup", "entities", "caption_entities")


class UpdatesRequest(AiohttpRequest):
    """The getUpdates requests (long polling). Before PTB makes objects of the updates,
    the pressed message of each button press loses what nothing reads
    (`UNREAD_OF_PRESSED`): its buttons were over a third of the cost of parsing a press
    (bench/README.md). Every other update stays whole, a command's entities included."""

    @override
    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        answer = BaseRequest.parse_json_payload(payload)
        updates = answer.get("result")
        for update in updates if isinstance(updates, list) else ():
            pressed = (update.get("callback_query") or {}).get("message")
            if isinstance(pressed, dict):
                for key in UNREAD_OF_PRESSED:
                    pressed.pop(key, None)
        return answer
