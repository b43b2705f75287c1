"""Shared pieces of the benchmarks: fresh databases, seeding, bot processes, waiting.

The fake Bot API runs in the benchmark's own process; every bot under test runs as a
separate process (`python -m bot run`, or `bench/echo_bot.py` for the baseline), so the
bot gets a core of its own and the fake's work is not charged to it. Both bots are
driven the same way: updates are queued on the fake, the bot long-polls them, and we
read the replies it sends back (each ApiCall carries `.at`, its arrival time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import gc
import math
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.report import Result, table
from bot.fakeapi import update_factory
from bot.fakeapi.server import ApiCall, FakeBotApi
from handlers.quiz import QUIZ, SCALES, WORDS
from storage import answers, teams
from storage.db import Database, normalise_url
from storage.migrate import upgrade
from storage.models import User

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:bench-token-for-the-loopback-fake-api"  # noqa: S105  (the fake accepts any)
FIRST_TEACHER = 10_001  # Telegram user id (= private chat id) of the first seeded teacher


# --- databases ------------------------------------------------------------------------


@dataclass
class BenchDatabase:
    """A freshly migrated database; `drop()` removes it again (PostgreSQL) or leaves the
    file to the temporary directory (SQLite)."""

    url: str
    admin_url: str | None = None  # PostgreSQL: where to DROP it from
    name: str = ""

    def drop(self) -> None:
        if self.admin_url is None:
            return
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        admin.dispose()


def fresh_database(pg_url: str | None, workdir: Path, label: str) -> BenchDatabase:
    """An empty database at the current schema: a SQLite file in `workdir`, or a new
    PostgreSQL database next to `pg_url` (named twincoach_bench_<label>_<random>)."""
    if pg_url is None:
        url = f"sqlite:///{workdir / label}.db"
        bench_db = BenchDatabase(url)
    else:
        name = f"twincoach_bench_{label}_{uuid.uuid4().hex[:6]}"
        admin_url = normalise_url(pg_url)
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        admin.dispose()
        bench_db = BenchDatabase(url, admin_url, name)
    db = Database(bench_db.url)
    try:
        upgrade(db.engine)
    finally:
        db.close()
    return bench_db


def teacher_ids(count: int) -> list[int]:
    return list(range(FIRST_TEACHER, FIRST_TEACHER + count))


def spread(chats: Sequence[int], period: float, seconds: float) -> list[tuple[float, int]]:
    """(seconds from the start, chat) of an open-loop load: each chat every `period`
    seconds for `seconds`, the i-th of n first at i·period/n, in the order they come."""
    return sorted(
        (i * period / len(chats) + k * period, uid)
        for i, uid in enumerate(chats)
        for k in range(int(seconds / period))
    )


def seed_teachers(url: str, count: int) -> dict[int, int]:
    """`count` teachers (English), each the coordinator of a project of their own, through
    the storage functions the bot uses. Returns teacher id → project id."""
    db = Database(url)

    def make(session: Any) -> dict[int, int]:
        projects: dict[int, int] = {}
        for uid in teacher_ids(count):
            teacher = User(
                id=uid,
                display_name=f"Teacher {uid}",
                telegram_language="en",
                country="LV",
                school=f"School {uid}",
                started=True,
            )
            session.add(teacher)
            project = teams.create_project(session, founder=teacher, title=f"Project {uid}")
            assert project.id is not None
            projects[uid] = project.id
        return projects

    try:
        return db.session_scope(make)
    finally:
        db.close()


# --- bot processes --------------------------------------------------------------------


def bot_env(fake: FakeBotApi, database_url: str | None = None) -> dict[str, str]:
    """The process environment of a bot under test: ours without any TELEGRAM_/DATABASE_/
    WEBHOOK_ setting, plus the fake's address. No holiday fetching (no network)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "OPENHOLIDAYS_"))
    }
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "OPENHOLIDAYS_URL": "",
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


class BotProcess:
    """A bot under test in its own process; output goes to a log file in `workdir`."""

    def __init__(self, args: Sequence[str], env: dict[str, str], workdir: Path, label: str) -> None:
        self.args, self.env, self.workdir = list(args), env, workdir
        self.log_path = workdir / f"{label}.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0  # time.perf_counter() just before the process was created

    @classmethod
    def twincoach(
        cls, fake: FakeBotApi, database_url: str, workdir: Path, label: str
    ) -> BotProcess:
        """`python -m bot run`, exactly as deployed (cwd without a .env file)."""
        return cls(
            [sys.executable, "-m", "bot", "run"], bot_env(fake, database_url), workdir, label
        )

    @classmethod
    def echo(
        cls, fake: FakeBotApi, workdir: Path, *, aiohttp: bool = False, concurrent: bool = False
    ) -> BotProcess:
        """The PTB echo bot; with `aiohttp`, on TwinCoach's Bot API requests
        (bot/request.py); with `concurrent`, many updates at once (bench/echo_bot.py)."""
        args = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
        args += ["--aiohttp"] * aiohttp + ["--concurrent"] * concurrent
        return cls(args, bot_env(fake), workdir, "echo_aiohttp" if aiohttp else "echo")

    @classmethod
    def aiogram_echo(cls, fake: FakeBotApi, workdir: Path) -> BotProcess:
        """The aiogram 3 echo bot (bench/aiogram_echo.py), the peer to beat."""
        args = [sys.executable, str(ROOT / "bench" / "aiogram_echo.py")]
        return cls(args, bot_env(fake), workdir, "aiogram_echo")

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self.spawned_at = time.perf_counter()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.args,
                cwd=self.workdir,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()

    async def stop(self) -> None:
        """SIGTERM (PTB shuts down cleanly), SIGKILL if it takes more than ten seconds."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()

    def cpu(self) -> Cpu:
        """The process's CPU time so far: over a timed part, what the bot spent, whatever
        else the shared machine was doing."""
        assert self.proc is not None
        return cpu_of(self.proc.pid)

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.returncode is not None:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the bot process exited ({self.proc.returncode}):\n{tail}")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """While latencies are measured: the fake Bot API and the load run in this process,
    and its heap grows with every call recorded, so its full garbage collections (about
    100 to 330 ms each) would hold up the fake's answers and count as the bot's latency."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True)
class Cpu:
    """CPU seconds a process has used so far, in its own code and in the kernel for it
    (system calls, and on loopback the receiving side of what it sends)."""

    user: float
    kernel: float

    @property
    def total(self) -> float:
        return self.user + self.kernel

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.user - other.user, self.kernel - other.kernel)


def _stat(path: Path) -> tuple[str, list[str]]:
    """A /proc stat file's command name and the fields after it."""
    text = path.read_text()
    name, rest = text.split("(", 1)[1].rsplit(")", 1)
    return name, rest.split()


def _cpu(fields: list[str]) -> Cpu:
    """User and system CPU time from a /proc stat file's fields (14 and 15)."""
    tick = os.sysconf("SC_CLK_TCK")
    return Cpu(int(fields[11]) / tick, int(fields[12]) / tick)


def cpu_of(pid: int) -> Cpu:
    """User and system CPU time of a live process, from /proc."""
    return _cpu(_stat(Path(f"/proc/{pid}/stat"))[1])


def postgres_cpu() -> float:
    """CPU seconds used so far by every process named postgres on this machine: the
    server's backends (the bot's pooled connections live through a timed part) and its
    helpers. Differences over a timed part are the server's share of the machine."""
    total = 0.0
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = _stat(path)
        except OSError:  # ended meanwhile
            continue
        if name == "postgres":
            total += _cpu(fields).total
    return total


# --- waiting for replies --------------------------------------------------------------


REPLY_METHODS = frozenset({"sendMessage", "editMessageText"})


def is_reply_in(chat_ids: Iterable[int] | None = None) -> Callable[[ApiCall], bool]:
    """A new or edited text message (in one of `chat_ids`, when given): what counts as a
    reply. The echo bot sends one; TwinCoach turns the pressed question into the next."""
    wanted = None if chat_ids is None else frozenset(chat_ids)
    return lambda c: c.method in REPLY_METHODS and (wanted is None or c.chat_id in wanted)


async def wait_for_calls(
    fake: FakeBotApi,
    predicate: Callable[[ApiCall], bool],
    count: int,
    *,
    after: int,
    timeout: float,  # noqa: ASYNC109  (a deadline for the whole wait, like fake.wait_for)
    bot: BotProcess | None = None,
) -> list[ApiCall]:
    """The first `count` calls after seq `after` that match, waiting for them to arrive."""
    deadline = time.perf_counter() + timeout
    found: list[ApiCall] = []
    seq = after
    while len(found) < count:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"{len(found)} of {count} replies after {timeout:.0f} s")
        try:
            call = await fake.wait_for(predicate, after=seq, timeout=min(remaining, 5.0))
        except TimeoutError:
            if bot is not None:
                bot.check_alive()
            continue
        found.append(call)
        seq = call.seq
    return found


async def bot_answers(fake: FakeBotApi, bot: BotProcess, chat_user: int, timeout: float) -> float:  # noqa: ASYNC109
    """Queue a plain text from `chat_user` and wait for any reply: the bot is polling.
    Returns the perf_counter time at which the reply arrived."""
    factory = update_factory.UpdateFactory()
    who = update_factory.user(chat_user, f"Teacher {chat_user}", "en")
    after = fake.last_seq
    fake.add_update(
        factory.text(who, update_factory.private_chat(who), "/start", fake.bot_username)
    )
    calls = await wait_for_calls(
        fake, is_reply_in([chat_user]), 1, after=after, timeout=timeout, bot=bot
    )
    return calls[0].at


# --- the quiz -------------------------------------------------------------------------

WORD_COUNT = len(WORDS)
SCALE_KEYS = [key for key, *_ in SCALES]
# /quiz answers with "welcome back" and the first scale question
WARM_UP_REPLIES = 2


def skip_words(url: str, projects: dict[int, int]) -> None:
    """Each teacher (teacher id → project id) has skipped the quiz's eleven words, as
    /skip stores them (None: seen, not answered), through the storage function the bot
    uses: what /quiz and eleven /skip leave in the database, without their twelve
    replies a teacher, which the bot paces at Telegram's 30 messages a second (four
    minutes for 556 teachers)."""
    db = Database(url)
    now = utc_now()

    def store(session: Any) -> None:
        for uid, project_id in projects.items():
            for key, _prompt in WORDS:
                answers.save(
                    session,
                    project_id=project_id,
                    user_id=uid,
                    questionnaire=QUIZ.id,
                    version=QUIZ.version,
                    item=key,
                    value=None,
                    now=now,
                )

    try:
        db.session_scope(store)
    finally:
        db.close()


async def quiz_to_first_scale(
    fake: FakeBotApi,
    bot: BotProcess,
    chats: list[int],
    *,
    timeout: float = 600,  # noqa: ASYNC109
) -> dict[int, dict[str, Any]]:
    """Untimed warm-up through the real bot, after `skip_words`: each teacher sends
    /quiz, which goes on where they stopped, so the first scale question (with its five
    buttons) is on screen, in the same dialog state as after /quiz and eleven /skip.
    Queued all at once. Returns chat id → that question as the fake stores it."""
    factory = update_factory.UpdateFactory()
    after = fake.last_seq
    for uid in chats:
        who = update_factory.user(uid, f"Teacher {uid}", "en")
        fake.add_update(
            factory.text(who, update_factory.private_chat(who), "/quiz", fake.bot_username)
        )
    await wait_for_calls(
        fake, is_reply_in(), WARM_UP_REPLIES * len(chats), after=after, timeout=timeout, bot=bot
    )
    questions = {}
    first = f"{WORD_COUNT + 1}/{WORD_COUNT + len(SCALE_KEYS)}"
    for uid in chats:
        last = fake.messages(uid)[-1]
        if first not in last["text"] or "reply_markup" not in last:
            raise RuntimeError(f"chat {uid} is not at the first scale: {last['text'][:80]!r}")
        questions[uid] = last
    return questions


@dataclass(frozen=True)
class Press:
    """One timed update: the n-th scale answer (0-based) in a chat."""

    chat_id: int
    n: int
    payload: dict[str, Any]


def scale_presses(
    questions: dict[int, dict[str, Any]], per_chat: int, *, value: str = "3"
) -> list[Press]:
    """Button presses on the scales, round-robin over the chats (as many chats' teachers
    answering at once), each with the data the bot's buttons carry (quiz:<scale>:<1–5>).

    A press refers to the message that carried its question: the bot turns the pressed
    question into the next one (editMessageText), so every press in a chat refers to the
    message of the first scale."""
    if not 1 <= per_chat <= len(SCALE_KEYS):
        raise ValueError(f"at most {len(SCALE_KEYS)} scale answers per chat")
    factory = update_factory.UpdateFactory()
    presses = []
    for n in range(per_chat):
        for uid, first in questions.items():
            message = copy.deepcopy(first)
            who = update_factory.user(uid, f"Teacher {uid}", "en")
            data = f"quiz:{SCALE_KEYS[n]}:{value}"
            presses.append(Press(uid, n, factory.callback(who, message, data)))
    return presses


def plain_questions(chats: list[int], bot: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """For the echo bot, which asked nothing: a bot message with five buttons per chat,
    shaped like the quiz's scale question, for `scale_presses` to refer to."""
    keyboard = [[{"text": n, "callback_data": f"quiz:{SCALE_KEYS[0]}:{n}"} for n in "12345"]]
    return {
        uid: {
            "message_id": 100_001,
            "date": int(time.time()),
            "chat": {"id": uid, "type": "private", "first_name": f"Teacher {uid}"},
            "from": bot,
            "text": "12/20 ▰▰▰▰▰▰▱▱▱▱\nDeadlines: I do my tasks…",
            "reply_markup": {"inline_keyboard": keyboard},
        }
        for uid in chats
    }


# --- numbers --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of unsorted values."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def utc_now() -> datetime:
    return datetime.now(UTC)


Runner = Callable[..., Coroutine[Any, Any, list[Result]]]


def rtt_main(prog: str, doc: str | None, run: Runner, quick_help: str) -> None:
    """The command line of a benchmark that runs on SQLite or a PostgreSQL server at one
    or more round trips: `python -m bench.<name> [--quick] [--rtt MS …] [postgresql://…]`."""
    parser = argparse.ArgumentParser(prog=prog, description=doc)
    parser.add_argument("pg_url", nargs="?", help="PostgreSQL server URL (SQLite by default)")
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--rtt", type=float, nargs="+", default=[50.0], help="round trips, ms")
    options = parser.parse_args()
    print(table(asyncio.run(run(options.pg_url, quick=options.quick, rtts=options.rtt))))
