"""Bot API connections: several one-connection pools instead of one pool of several.

httpx's pool (httpcore) walks all its connections, with a `poll()` of every idle
socket, each time a request starts and each time a response is closed. With eight
connections that walk took about a twentieth of the bot's time per button press
(README, Performance). Here every connection is a pool of its own, so each walk is
one connection long, and each request goes to the connection with the fewest requests
on it: an idle one while there is one, so a slow upload holds up nobody.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx


class _Release(httpx.AsyncByteStream):
    """A response body that calls `done` once, when it is closed (read to the end,
    or abandoned after an error): then its connection counts as free again."""

    def __init__(self, body: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._body = body
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._body:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._body.aclose()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


class SpreadTransport(httpx.AsyncBaseTransport):
    """`connections` one-connection pools; a request that finds every one busy waits in
    the least busy one's queue (httpx's pool timeout applies, as before)."""

    def __init__(self, connections: int) -> None:
        one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        tls = httpx.create_ssl_context()  # the CA bundle loaded once, not 20 ms per pool
        self._pools = [httpx.AsyncHTTPTransport(verify=tls, limits=one) for _ in range(connections)]
        self._busy = [0] * connections

    @property
    def in_flight(self) -> int:
        """Requests sent and not yet answered in full."""
        return sum(self._busy)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        busy = self._busy
        pool = busy.index(min(busy))
        busy[pool] += 1

        def done() -> None:
            busy[pool] -= 1

        try:
            response = await self._pools[pool].handle_async_request(request)
        except BaseException:
            done()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Release(response.stream, done)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()
