"""One send budget for the whole process: replies (bot/outgoing.py) and reminders
(scheduler/delivery.py) take each new message's place from the same paces.

Telegram takes 30 new messages a second from one bot and 20 a minute into one group, and
answers 429 beyond that. With replies and reminders paced apart, each teacher's reply
during a burst of reminders pushed the bot over 30 (issue 21). Here both wait in one
`Pace` of the bot's 30 (`SEND_RATE`), replies first: a reminder waiting for a place
yields to a waiting reply, a freed place waits `GRACE` (5 ms) for a reply before a
reminder may take it, and reminders go 1/SEND_RATE s apart, so their places free one by
one and a reply waits for the next (tens of ms), never for the whole second a burst of
30 at once would hold (0.6-0.8 s measured). A chat's paces (10 a second, a group's 20 a
minute) are shared too, so a group getting a reminder and replies at once stays within
its minute.

A place is taken before the wait ends (the waiter is granted it, nothing else can take
it meanwhile), so several waiting together never overshoot; it is held while the request
is on the wire and then counted for `seconds` from when Telegram counted the message.
That moment is not known: somewhere between the request leaving (`Budget.start`) and its
answer, about half a round trip from each. Counting from the answer is safe but holds
every place a round trip too long (30 / (1 s + 55 ms) = 28.4 a second at most with a
50 ms round trip and the client's own ~5 ms). So a place counts from its answer less
`lead`: half the smallest of the last `ROUND_TRIPS` round trips (R), its own included,
less `MARGIN` for the client's own delays (the event loop, a free connection), which
fall on either half.
Why Telegram still sees at most `limit` in any `seconds`: it counted the message at
answer − b (b: from its counting to the answer reaching us), the place lets the next
request go at answer − lead + `seconds` at the earliest, and Telegram counts that one
o later (o: from its start to its counting, the client's time included). They are a
whole window apart as long as lead ≤ b + o: the back half of one round trip and the way
out of another, which come to at least the fastest round trip R, less however much the
halves vary. With lead = R/2 − MARGIN they may vary by R/2 + MARGIN (30 ms at 50 ms),
whichever half is the longer; next to a local Bot API server (a round trip of a few ms,
all of it the client's own time) lead is 0 and a place counts from its answer. Counting
from the request's start (lead = the whole round trip) leaves no room at all, and drew
429s. Reminders wait `GRACE` more; a 429 all the same holds every
reminder for its `retry_after` (scheduler/delivery.py), nothing is lost or sent twice.
The clock and the sleep are given, so tests can run the paces on a clock of their own.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]

GROUP_PER_MINUTE = 20  # Telegram's limit of messages into one group
BOT_PER_SECOND = 30  # and of messages from one bot
CHAT_PER_SECOND = 10  # our own: one chat never takes the whole of the bot's second
GRACE = 0.005  # seconds a freed place of the bot's waits for a reply before a reminder gets it
# seconds before a place of the bot's frees that a reminder is granted it, to claim and
# render its row meanwhile (~10 ms under a burst); its request still waits for the moment
EARLY = 0.02
ROUND_TRIPS = 100  # the round trips whose smallest gives the one-way time (`Budget.start`)
MARGIN = 0.005  # seconds of that one-way time left uncounted: the client's own delays
_EPSILON = 1e-9  # a place freed at `now`, whatever the float rounding


class Pace:
    """At most `limit` new messages in any `seconds`, counting those on the wire. Waiters
    are served in order, urgent ones (replies) first; a place freed by time reaches the
    others `grace` seconds later, and with `spread` the others go no closer than
    `seconds / limit` after any other grant, a reply's included. With `early` the others
    are granted a place up to that long before it frees, and told when (`take` returns
    it): their own work before the request (a reminder's row claim and render) is then
    done while the place is not yet theirs instead of after, when it is held for nothing."""

    def __init__(
        self,
        limit: int,
        seconds: float,
        clock: Clock,
        sleep: Sleep,
        *,
        grace: float = 0.0,
        spread: bool = False,
        early: float = 0.0,
    ) -> None:
        self.limit, self.seconds, self.grace, self.early = limit, seconds, grace, early
        # others `seconds / limit` apart, not all at once: their places then free one by
        # one, so a reply never waits for a whole window to pass
        self._gap = seconds / limit if spread else 0.0
        self._next_other = 0.0
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()  # when the answers of counted requests came
        self._wire = 0
        self._waiting: dict[bool, deque[asyncio.Future[float]]] = {True: deque(), False: deque()}
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = 0.0

    async def take(self, *, urgent: bool = True) -> float:
        """Wait until a place is granted; it is held until `give`. Returns when it is free:
        no request may use it before then (now, but for an `early` grant)."""
        granted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[urgent].append(granted)
        self._grant()
        try:
            return await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.give(counted=False)  # granted as the waiter was cancelled
            else:
                with contextlib.suppress(ValueError):
                    self._waiting[urgent].remove(granted)
                self._grant()  # a reminder may have waited behind it
            raise

    def give(self, *, counted: bool = True, lead: float = 0.0) -> None:
        """Hand the place back; `counted` (a request was made): it stays taken for
        `seconds` from `lead` seconds ago (when Telegram counted it, at the latest)."""
        self._wire -= 1
        if counted:
            bisect.insort(self._sent, self._clock() - max(0.0, lead))  # leads differ
        self._grant()

    def quiet(self) -> bool:
        """Nothing waiting, nothing on the wire and nothing sent in the last `seconds`."""
        return (
            not self._wire
            and not any(self._waiting.values())
            and (not self._sent or self._sent[-1] <= self._clock() - self.seconds)
        )

    def _free_at(self, urgent: bool) -> float | None:
        """When a place is free for a waiter of this kind (≤ now: free); None: only when a
        request on the wire is answered."""
        now = self._clock()
        window = self.seconds if urgent else self.seconds + self.grace
        while self._sent and self._sent[0] <= now - self.seconds - self.grace + _EPSILON:
            self._sent.popleft()
        counted = [at for at in self._sent if at > now - window + _EPSILON]
        over = len(counted) + self._wire - self.limit  # ≥ 0: that many must age out first
        if over >= len(counted):
            return None
        free = counted[over] + window if over >= 0 else now
        # the others keep their spacing in a full window too: places used close together
        # would otherwise free close together a second later, and so on every second
        return free if urgent else max(free, self._next_other)

    def _grant(self) -> None:
        """Give free places to the first waiters, replies before reminders; set a timer
        for the next place to free up when someone still waits."""
        while True:
            for queue in self._waiting.values():
                while queue and queue[0].done():  # cancelled meanwhile
                    queue.popleft()
            urgent = bool(self._waiting[True])
            if not urgent and not self._waiting[False]:
                self._stop_timer()
                return
            at = self._free_at(urgent)
            early = 0.0 if urgent else self.early
            if at is None or at - early > self._clock():
                self._wake_at(None if at is None else at - early)
                return
            self._wire += 1
            free = max(at, self._clock())
            self._waiting[urgent].popleft().set_result(free)
            # a reply takes its turn in the spread too: on top of reminders at the full
            # rate, replies filled the window early, and the next reply waited until its
            # oldest place aged out (up to 0.2 s; bench/README.md, (g))
            self._next_other = max(self._next_other, free + self._gap)

    def _wake_at(self, at: float | None) -> None:
        if at is None:  # a `give` will wake the waiters
            self._stop_timer()
            return
        if self._timer is not None and not self._timer.done() and self._timer_at <= at:
            return
        self._stop_timer()
        self._timer_at = at
        self._timer = asyncio.get_running_loop().create_task(self._wake(at - self._clock()))

    def _stop_timer(self) -> None:
        if self._timer is not None and not self._timer.done():
            self._timer.cancel()
        self._timer = None

    async def _wake(self, delay: float) -> None:
        await self._sleep(delay)
        self._timer = None
        self._grant()


@dataclass
class _Chat:
    paces: tuple[Pace, ...]
    users: int = 0  # senders waiting for or holding a place: the paces are not forgotten


@dataclass
class Places:
    """What one new message holds while it is sent: its chat's places and the bot's."""

    chat_id: int | None
    paces: list[Pace] = field(default_factory=list)
    started: float | None = None  # when its request left (the last one, after a retry)
    free: float = 0.0  # no request before this (a reminder's place is granted `EARLY`)


class Budget:
    """The bot's `per_second` (Telegram's 30, or the process's share of them) and each
    chat's paces, for every sender of the process; replies are `urgent`."""

    def __init__(
        self,
        per_second: int = BOT_PER_SECOND,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        grace: float = GRACE,
        early: float = EARLY,
    ) -> None:
        self._clock, self._sleep = clock, sleep
        self.bot = Pace(per_second, 1.0, clock, sleep, grace=grace, spread=True, early=early)
        self._chats: dict[int, _Chat] = {}  # chats written to lately
        self._round_trips: deque[float] = deque(maxlen=ROUND_TRIPS)
        self._sweep_at = 64

    async def take(self, chat_id: int | None, *, urgent: bool) -> Places:
        """The chat's places (its 10 a second, a group's 20 a minute), then the bot's: a
        chat waiting for its own turn holds none of the bot's."""
        chat = self._enter(chat_id)
        places = Places(chat_id)
        try:
            for pace in (*chat.paces, self.bot):
                free = await pace.take(urgent=urgent)
                places.paces.append(pace)
                places.free = max(places.free, free)
        except BaseException:
            self.give(places, counted=False)
            raise
        return places

    async def ready(self, places: Places) -> None:
        """Wait until the places are free (taken early, see `EARLY`); then the request
        holding them may leave."""
        while (wait := places.free - self._clock()) > 0:  # a timer may fire a little early
            await self._sleep(wait)
        self.start(places)

    def start(self, places: Places) -> None:
        """The request holding `places` leaves now (called again for each retry)."""
        places.started = self._clock()

    def give(self, places: Places, *, counted: bool = True) -> None:
        """Hand the places back; `counted`: from the answer (now) less the one-way time."""
        lead = self._lead(places) if counted else 0.0
        for pace in reversed(places.paces):
            pace.give(counted=counted, lead=lead)
        places.paces.clear()
        if places.chat_id is not None:
            self._chats[places.chat_id].users -= 1

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int | None, *, urgent: bool) -> AsyncIterator[Places]:
        """Places held while one request for a new message is made, starting now (or when
        `start` is called again, just before it leaves)."""
        places = await self.take(chat_id, urgent=urgent)
        try:
            await self.ready(places)
            yield places
        finally:
            self.give(places)

    def _lead(self, places: Places) -> float:
        """How long before its answer Telegram counted the request, at the latest: half the
        smallest recent round trip (no more than half its own) less `MARGIN`; see the
        docstring."""
        if places.started is None:
            return 0.0
        own = max(0.0, self._clock() - places.started)
        self._round_trips.append(own)
        return max(0.0, min(self._round_trips) / 2 - MARGIN)  # its own among them

    def _enter(self, chat_id: int | None) -> _Chat:
        if chat_id is None:
            return _Chat(())
        if chat_id not in self._chats:
            if len(self._chats) >= self._sweep_at:  # now and then, not at every new chat
                self._chats = {
                    chat: known
                    for chat, known in self._chats.items()
                    if known.users or not all(pace.quiet() for pace in known.paces)
                }
                self._sweep_at = max(64, 2 * len(self._chats))
            paces = [Pace(CHAT_PER_SECOND, 1.0, self._clock, self._sleep)]
            if chat_id < 0:
                paces.append(Pace(GROUP_PER_MINUTE, 60.0, self._clock, self._sleep))
            self._chats[chat_id] = _Chat(tuple(paces))
        chat = self._chats[chat_id]
        chat.users += 1
        return chat
