"""A school year of one five-country team, driven through the real bot and the real
dispatcher: from 1 September 2026 to 30 June 2027, across both clock changes, public
holidays, school breaks, a weekly meeting, the group's digest, deadlines that are done,
stretched, snoozed and ignored, a teacher away, one removed, one leaving, one silent, and a
restart halfway. Rather than a list of expected messages, every message the bot sends on
its own is checked against the rules it promises (README, "When each message … arrives"):

- at 08:00–20:00 on a working day of the reader (holidays, breaks, /away), in their zone;
- never twice (same row, or same chat and text within hours), at most four a day;
- in the reader's language, within Telegram's limits, valid HTML;
- only to current members and linked groups; its buttons act for members only;
- each run returns promptly; whatever a run plans comes strictly later.

The loop that stood still is tests/test_reminder_rules.py's
test_delivery_goes_on_after_the_loop_was_blocked; it is not repeated here."""

from __future__ import annotations

import ast
import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine
from babel.dates import get_day_names, get_month_names
from sqlmodel import Session, col, select

from bot.app.application import build_application
from bot.context import TwinApp
from bot.fakeapi.server import ApiCall, FakeBotApi
from bot.fakeapi.update_factory import utf16_len
from bot.i18n import catalog
from bot.rules.calendar import Place, works_on
from scheduler.moments import LV_WEEKDAYS
from scheduler.places import team_places
from scheduler.reminders import jobs, render
from scheduler.reminders.plans import LEAD_AFTER, QUIET
from storage import teams
from storage.db import Database
from storage.models import (
    Deadline,
    Membership,
    Project,
    Reminder,
    ReminderKind,
    ReminderStatus,
    User,
)
from tests.conftest import settings_for
from tests.driver import Driver, Teacher
from tests.test_reminders import make_dispatcher
from tests.test_team_flow import create_project, join

RIGA = ZoneInfo("Europe/Riga")
START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)  # Tuesday, 10:00 in Riga
END = datetime(2027, 6, 30, 21, 0, tzinfo=UTC)
CHECK_AT = 12  # the check-in job once a day, at 12:00 UTC
RUN_TIMEOUT = 10.0  # seconds: a dispatcher run must return within this
MAX_A_DAY = 4  # proactive messages per reader and local day
REPEAT_WINDOW = timedelta(hours=12)  # the same text to the same chat within this: a repeat
GROUP = -100777


@dataclass(frozen=True)
class Person:
    uid: int
    name: str
    telegram: str  # Telegram's language_code
    country: str
    zone: ZoneInfo
    reads: str  # the language every message to them must be in (DEFAULT_LANGUAGE is "en")


ANNA = Person(101, "Anna", "lv", "LV", RIGA, "lv")  # the coordinator
JONAS = Person(102, "Jonas", "lt", "LT", ZoneInfo("Europe/Vilnius"), "lt")
MARIA = Person(103, "Maria", "pt", "PT", ZoneInfo("Europe/Lisbon"), "en")
SOFIA = Person(104, "Sofía", "es", "ES", ZoneInfo("Europe/Madrid"), "en")
KEREM = Person(105, "Kerem", "tr", "TR", ZoneInfo("Europe/Istanbul"), "en")
PEOPLE = {p.uid: p for p in (ANNA, JONAS, MARIA, SOFIA, KEREM)}
GROUP_READS = "lv"  # the group was linked by Anna


def at(zone: ZoneInfo, y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock moment, in UTC."""
    return datetime(y, m, d, hour, minute, tzinfo=zone).astimezone(UTC)


# --- what a message must look like ---------------------------------------------------------

TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"tg-spoiler", "span", "blockquote", "tg-emoji", "tg-time"}
)
BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _HtmlCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"<{tag}> is not Telegram HTML")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.errors.append(f"<{tag}/> is not Telegram HTML")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append(f"a bare angle bracket in {data!r}")


def html_problems(text: str) -> list[str]:
    """What Telegram's HTML parse mode would reject (or show wrongly) in `text`."""
    check = _HtmlCheck()
    check.feed(text)
    check.close()
    problems = check.errors + [f"unclosed <{tag}>" for tag in check.open]
    if BARE_AMPERSAND.search(text):
        problems.append("a bare &")
    return problems


def _rendered_msgids() -> list[str]:
    """Every text render.py can put in a proactive message (the t("…") calls)."""
    tree = ast.parse(Path(render.__file__).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def _line_patterns(lang: str) -> list[re.Pattern[str]]:
    """Each line of each translated template as a pattern (placeholders match anything)."""
    patterns = []
    for msgid in _rendered_msgids():
        for line in catalog(lang).gettext(msgid).split("\n"):
            parts = re.split(r"\{\w+\}", line)
            patterns.append(re.compile("(?:.+?)".join(map(re.escape, parts)), re.DOTALL))
    return patterns


LINE_PATTERNS = {lang: _line_patterns(lang) for lang in ("lv", "lt", "en")}
BUTTON_LABELS = ("✅ Done", "⏳ Need more time", "Snooze one day")


def languages_of(text: str) -> set[str]:
    """The languages whose templates account for every line of `text`."""
    return {
        lang
        for lang, patterns in LINE_PATTERNS.items()
        if all(any(p.fullmatch(line) for p in patterns) for line in text.split("\n"))
    }


def _day_words(lang: str) -> set[str]:
    """Weekday and month names as dates are written in `lang` (moments.when)."""
    words = {str(n) for n in get_day_names("wide", locale=lang).values()}
    words |= {str(n) for n in get_month_names("wide", locale=lang).values()}
    words |= {str(n) for n in get_month_names("wide", context="stand-alone", locale=lang).values()}
    if lang == "lv":
        words |= set(LV_WEEKDAYS)
    return {w.casefold() for w in words}


DAY_WORDS = {lang: _day_words(lang) for lang in ("lv", "lt", "en")}


def foreign_day_words(text: str, lang: str) -> set[str]:
    """Weekday or month names of another language in `text` (none of ours share one)."""
    words = set(re.findall(r"\w+", text.casefold()))
    others = set().union(*(w for other, w in DAY_WORDS.items() if other != lang))
    return (words & others) - DAY_WORDS[lang]


def first_working_moment(after: datetime, zone: ZoneInfo, place: Place) -> datetime:
    """The first 09:00 (the team's time) in `zone` on a day `place` works, after `after`."""
    day = after.astimezone(zone).date()
    while True:
        moment = datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(UTC)
        if moment > after and works_on(day, place):
            return moment
        day += timedelta(days=1)


# --- the simulation ------------------------------------------------------------------------


@dataclass
class Proactive:
    """One message the bot sent on its own, with what the run knew about its reader."""

    moment: datetime
    call: ApiCall
    row: Reminder | None  # the row it was sent for


@dataclass
class Snapshot:
    """The team as it stood when a dispatcher run began."""

    members: set[int]
    places: dict[int, Place]
    zones: dict[int, ZoneInfo]
    groups: dict[int, str]  # linked group → its language
    lead: int
    seen: dict[int, datetime | None]  # when each teacher last wrote to the bot


# title → what its owner does with each reminder that reaches them, in order:
# "done", "snooze", "more <date>|approve" / "more <date>|keep", or None (nothing).
Script = list[str | None]


@dataclass
class Year:
    fake: FakeBotApi
    db: Database
    db_url: str
    app: TwinApp
    driver: Driver
    teachers: dict[int, Teacher]
    traveller: Any
    project_id: int = 0
    dispatcher: Any = None
    scripts: dict[str, Script] = field(default_factory=dict)
    proactive: list[Proactive] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    seen_sent: set[int] = field(default_factory=set)
    by_chat_day: Counter[tuple[int, date]] = field(default_factory=Counter)
    received: dict[int, list[tuple[datetime, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    handled: Counter[tuple[int, int]] = field(default_factory=Counter)  # (deadline, reader) seen
    sent_kinds: dict[tuple[int | None, str], datetime] = field(default_factory=dict)
    restarted_at: datetime | None = None
    gone: dict[int, datetime] = field(default_factory=dict)  # who left the team, when

    # --- acting as teachers ----------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC)

    def move_to(self, moment: datetime) -> None:
        self.traveller.move_to(moment)

    async def tap(self, who: Person, data: str | re.Pattern[str], chat: int | None = None) -> Any:
        """Press the newest button in the chat whose callback data is (or matches) `data`."""
        teacher = self.teachers[who.uid]
        chat_id = chat if chat is not None else who.uid
        for message in reversed(self.fake.messages(chat_id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    value = button.get("callback_data", "")
                    if value == data or (isinstance(data, re.Pattern) and data.fullmatch(value)):
                        return await teacher.press(message, value)
        raise AssertionError(f"no button {data!r} in chat {chat_id}")

    async def say(self, who: Person, text: str) -> Any:
        return await self.teachers[who.uid].send(text)

    async def add_deadline(self, by: Person, title: str, owner: Person, due: str) -> None:
        """Through the /deadline dialog, as a teacher writes it."""
        await self.begin_deadline(by, title, owner)
        await self.finish_deadline(by, title, owner, due)

    async def begin_deadline(self, by: Person, title: str, owner: Person) -> None:
        await self.say(by, "/deadline")
        await self.say(by, title)
        membership = await self.db.run(  # the owner question offers memberships, not ids
            lambda s: s.exec(select(Membership.id).where(Membership.user_id == owner.uid)).one()
        )
        await self.tap(by, f"deadline:owner:{membership}")

    async def finish_deadline(self, by: Person, title: str, owner: Person, due: str) -> None:
        sent = await self.say(by, due)
        assert any(
            "deadline:confirm:yes" in str(c.params.get("reply_markup")) for c in sent.calls
        ), f"{due!r} was not understood: {sent.text}"
        await self.tap(by, "deadline:confirm:yes")
        found = await self.db.run(
            lambda s: s.exec(select(Deadline).where(Deadline.title == title)).first()
        )
        assert found is not None and found.owner_id == owner.uid, title

    async def restart(self) -> None:
        """A new process on the same database: a new Application and a new dispatcher."""
        await self.app.shutdown()
        self.db = Database(self.db_url)
        self.app = year_application(self.fake, self.db_url, self.db)
        await self.app.initialize()
        self.driver = Driver(self.app, self.fake)
        for teacher in self.teachers.values():
            teacher.driver = self.driver
        self.dispatcher = make_dispatcher(self.app, self.db)
        self.restarted_at = self.now()

    async def change(self, moment: datetime, action: Callable[[Year], Awaitable[None]]) -> None:
        """A change of the team; rows already due when it came (the dispatcher looks every
        few seconds) are still to be sent afterwards, unless their reader left."""

        def due(s: Session) -> list[tuple[int, str, int, int | None]]:
            found = s.exec(
                select(Reminder).where(
                    Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= moment
                )
            ).all()
            return [(r.id or 0, r.kind, r.chat_id, r.user_id) for r in found]

        before = await self.db.run(due)
        await action(self)
        members = (await self.db.run(self._snapshot)).members
        after = {rid for rid, *_ in await self.db.run(due)}
        for rid, kind, chat, user in before:
            left = (chat > 0 and chat not in members) or (user is not None and user not in members)
            self.expect(
                rid in after or left,
                f"{moment}: {action.__name__} dropped row {rid} ({kind} to {chat}), already due",
            )

    # --- one dispatcher run, checked -------------------------------------------------------

    def _snapshot(self, s: Session) -> Snapshot:
        members = teams.members(s, project_id=self.project_id)
        places = team_places(s, self.project_id)
        lead = teams.coordinator(members)
        assert lead is not None and lead.user is not None
        return Snapshot(
            members={m.user.id for m in members if m.user is not None},
            places={uid: place for uid, (_user, place) in places.items()},
            zones={uid: ZoneInfo(user.timezone or "UTC") for uid, (user, _p) in places.items()},
            groups={
                g.chat_id: g.language for g in teams.group_chats(s, project_id=self.project_id)
            },
            lead=lead.user.id,
            seen={u.id: u.last_seen for u in s.exec(select(User)).all()},
        )

    async def dispatch(self, moment: datetime) -> None:
        snapshot = await self.db.run(self._snapshot)
        last_id = await self.db.run(lambda s: s.exec(select(sa.func.max(Reminder.id))).one() or 0)
        before = len(self.fake.calls)
        sent = await asyncio.wait_for(self.dispatcher.run_once(moment), timeout=RUN_TIMEOUT)
        calls = self.fake.calls[before:]

        def after(s: Session) -> tuple[list[Reminder], list[Reminder], int, dict[int, Deadline]]:
            sent_now = s.exec(
                select(Reminder).where(
                    Reminder.status == ReminderStatus.SENT, Reminder.sent_at == moment
                )
            ).all()
            planned = s.exec(select(Reminder).where(Reminder.id > last_id)).all()
            left_due = s.exec(
                select(sa.func.count()).where(
                    Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= moment
                )
            ).one()
            found = {d.id: d for d in s.exec(select(Deadline)).all() if d.id is not None}
            return list(sent_now), list(planned), left_due, found

        sent_rows, planned, left_due, found = await self.db.run(after)
        fresh = [r for r in sent_rows if r.id not in self.seen_sent]
        self.expect(len(fresh) == len(sent_rows), f"{moment}: a reminder row was sent twice")
        self.seen_sent |= {r.id for r in sent_rows if r.id is not None}
        self.expect(
            [c.method for c in calls] == ["sendMessage"] * len(calls) and all(c.ok for c in calls),
            f"{moment}: the run made other or failed calls: {[(c.method, c.ok) for c in calls]}",
        )
        self.expect(
            sent == len(calls) == len(fresh),
            f"{moment}: {sent} counted, {len(calls)} calls, {len(fresh)} rows sent",
        )
        self.expect(left_due == 0, f"{moment}: {left_due} due rows left pending after the run")
        for row in planned:
            self.expect(
                row.due_at > moment,
                f"{moment}: row {row.id} ({row.kind}) planned for {row.due_at}, not later",
            )
        rows_of: dict[int, list[Reminder]] = defaultdict(list)
        for row in sorted(fresh, key=lambda r: (r.due_at, r.id or 0)):
            rows_of[row.chat_id].append(row)  # a chat's rows go oldest first, one at a time
        for call in calls:
            mine = rows_of.get(call.chat_id or 0, [])
            message = Proactive(moment, call, mine.pop(0) if mine else None)
            self.proactive.append(message)
            self.check(message, snapshot, found)
        for call in calls:
            await self.react(call, found)

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.violations.append(what)

    def check(self, message: Proactive, snap: Snapshot, found: dict[int, Deadline]) -> None:
        call, moment = message.call, message.moment
        chat = call.chat_id
        assert chat is not None
        text: str = call.params.get("text", "")
        where = f"{moment:%Y-%m-%d %H:%M}Z to {chat}: {text[:70]!r}"
        # whom: a current member privately, or a linked group
        if chat > 0:
            self.expect(chat in snap.members, f"{where}: not a member")
            zone, reads = snap.zones.get(chat, PEOPLE[chat].zone), PEOPLE[chat].reads
            self.expect(zone == PEOPLE[chat].zone, f"{where}: the reader's zone is {zone}")
        else:
            self.expect(chat in snap.groups, f"{where}: not a linked group")
            zone, reads = snap.zones[snap.lead], snap.groups.get(chat, "?")
            self.expect(reads == GROUP_READS, f"{where}: the group reads {reads}")
        # when: 08:00-20:00 on the reader's working day (a group: the coordinator's hours)
        local = moment.astimezone(zone)
        self.expect(8 <= local.hour < 20, f"{where}: arrives at {local:%H:%M} local")
        if chat > 0:
            place = snap.places.get(chat)
            self.expect(
                place is not None and works_on(local.date(), place),
                f"{where}: {local:%a %d.%m.} is not a working day for the reader",
            )
        self.by_chat_day[chat, local.date()] += 1
        self.expect(
            self.by_chat_day[chat, local.date()] <= MAX_A_DAY,
            f"{where}: more than {MAX_A_DAY} on {local.date()}",
        )
        for earlier, same in self.received[chat]:
            self.expect(
                not (same == text and moment - earlier < REPEAT_WINDOW),
                f"{where}: the same text already came at {earlier}",
            )
        self.received[chat].append((moment, text))
        # what: the reader's language, Telegram's limits, valid HTML
        self.expect(call.params.get("parse_mode") == "HTML", f"{where}: not HTML")
        self.expect(utf16_len(text) <= 4096, f"{where}: too long")
        for problem in html_problems(text):
            self.violations.append(f"{where}: {problem}")
        langs = languages_of(text)
        self.expect(langs == {reads}, f"{where}: reads as {sorted(langs)}, not {reads}")
        foreign = foreign_day_words(text, reads)
        self.expect(not foreign, f"{where}: dates in another language: {foreign}")
        labels = {str(catalog(reads).gettext(label)) for label in BUTTON_LABELS}
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                self.expect(button["text"] in labels, f"{where}: button {button['text']!r}")
                data = button.get("callback_data", "")
                self.expect(0 < len(data.encode()) <= 64, f"{where}: callback data {data!r}")
        # the times it names are the deadline's or the meeting's, in the reader's zone
        expected = set()
        row = message.row
        self.expect(row is not None, f"{where}: no row was sent for it")
        if row is not None:
            if row.meeting_at is not None:
                expected.add(f"{row.meeting_at.astimezone(zone):%H:%M}")
            elif row.deadline_id in found and row.kind != ReminderKind.BLOCKED:
                expected.add(f"{found[row.deadline_id].due_at.astimezone(zone):%H:%M}")
        self.expect(
            not expected or any(clock in text for clock in expected),
            f"{where}: names none of {sorted(expected)}",
        )
        if row is None:
            return
        self.sent_kinds[row.deadline_id, row.kind] = moment
        # a check-in (and the coordinator's note about it) only while the teacher is quiet
        if row.kind in (ReminderKind.CHECKIN, ReminderKind.CHECKIN_LEAD):
            seen = snap.seen.get(row.user_id or 0)
            self.expect(
                seen is None or seen <= moment - QUIET,
                f"{where}: {PEOPLE[row.user_id or 0].name} wrote to the bot on {seen}",
            )
        # the coordinator hears on their first working day after the owner's overdue note
        overdue = self.sent_kinds.get((row.deadline_id, ReminderKind.OVERDUE))
        if row.kind == ReminderKind.OVERDUE_LEAD and overdue is not None:
            first = first_working_moment(overdue + LEAD_AFTER, zone, snap.places[chat])
            self.expect(moment == first, f"{where}: the owner heard at {overdue}, so due {first}")

    # --- how teachers answer what reaches them ---------------------------------------------

    async def react(self, call: ApiCall, found: dict[int, Deadline]) -> None:
        chat = call.chat_id
        if chat is None or chat < 0:
            return
        data = [
            b.get("callback_data", "")
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        ids = {int(m[1]) for d in data if (m := re.fullmatch(r"dl:(\d+):\w+", d))}
        if len(ids) != 1:
            return
        deadline = found[ids.pop()]
        assert deadline.id is not None
        script = self.scripts.get(deadline.title, [])
        n = self.handled[deadline.id, chat]
        self.handled[deadline.id, chat] += 1
        action = script[n] if n < len(script) else None
        if action is None:
            return
        who = PEOPLE[chat]
        message = self.fake.message(chat, call.result["message_id"])
        teacher = self.teachers[chat]
        if action in ("done", "snooze"):
            pressed = await teacher.press(message, f"dl:{deadline.id}:{action}")
            assert not pressed.alerts, (deadline.title, action, pressed.alerts)
            return
        new_date, decision = action.removeprefix("more ").split("|")
        await teacher.press(message, f"dl:{deadline.id}:more")
        await self.say(who, new_date)
        await self.tap(who, "more_time:confirm:yes")
        await self.tap(
            ANNA, re.compile(rf"dlx:{deadline.id}:\d+:{'yes' if decision == 'approve' else 'no'}")
        )


# --- the year --------------------------------------------------------------------------------

Event = tuple[datetime, Callable[[Year], Awaitable[None]]]


async def form_the_team(year: Year) -> None:
    anna = year.teachers[ANNA.uid]
    link = await create_project(anna)
    schools = {
        JONAS: ("Vilniaus gimnazija", "jonas@example.lt"),
        MARIA: ("Escola do Porto", "maria@example.pt"),
        SOFIA: ("IES Madrid", "sofia@example.es"),
        KEREM: ("Istanbul Lisesi", "kerem@example.tr"),
    }
    for person, (school, contact) in schools.items():
        await join(
            year.teachers[person.uid], link, country=person.country, school=school, contact=contact
        )
    group = year.driver.group(GROUP)
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    year.project_id = await year.db.run(lambda s: s.exec(select(Project.id)).one())
    # the weekly meeting: Tuesdays at 16:00 in Riga
    await year.say(ANNA, "/meeting")
    await year.tap(ANNA, "meeting:weekday:1")
    await year.tap(ANNA, "meeting:at:16:00")
    await year.tap(ANNA, "meeting:every:1")
    # school breaks, each entered by a teacher of that country
    breaks = {
        ANNA: [
            "26.10.2026–30.10.2026 Rudens brīvlaiks",
            "21.12.2026–03.01.2027 Ziemas brīvlaiks",
            "15.03.2027–19.03.2027 Pavasara brīvlaiks",
        ],
        JONAS: [
            "26.10.2026–30.10.2026 Rudens atostogos",
            "23.12.2026–05.01.2027 Žiemos atostogos",
            "06.04.2027–09.04.2027 Pavasario atostogos",
        ],
        MARIA: [
            "18.12.2026–03.01.2027 Férias do Natal",
            "22.03.2027–02.04.2027 Férias da Páscoa",
        ],
        SOFIA: [
            "23.12.2026–07.01.2027 Vacaciones de Navidad",
            "26.03.2027–05.04.2027 Semana Santa",
        ],
        KEREM: ["25.01.2027–05.02.2027 Yarıyıl tatili"],
    }
    for person, entries in breaks.items():
        for entry in entries:
            sent = await year.say(person, f"/breaks add {entry}")
            assert entry[:10] in sent.text, sent.text
    places = await year.db.run(lambda s: team_places(s, year.project_id))
    assert all(place.breaks for _user, place in places.values())
    # the first deadlines
    await year.add_deadline(ANNA, "Skolas prezentācija", JONAS, "9.10.2026 18:00")
    await year.add_deadline(ANNA, "Logo contest", MARIA, "21.10.2026 18:00")
    await year.add_deadline(ANNA, "Video postcards", KEREM, "14.10.2026 18:00")
    await year.add_deadline(SOFIA, "Q&A <live> session", SOFIA, "18.11.2026 12:00")
    await year.add_deadline(ANNA, "Recipe book", KEREM, "25.11.2026 18:00")


def events() -> list[Event]:
    async def autumn(year: Year) -> None:
        await year.add_deadline(ANNA, "Survey of pupils", ANNA, "15.01.2027 18:00")
        await year.add_deadline(MARIA, "Greeting cards", MARIA, "22.12.2026 18:00")
        await year.add_deadline(ANNA, "Map of rivers", JONAS, "5.02.2027 18:00")

    async def a_school_day_off(year: Year) -> None:  # added late: pending notes must follow
        # 11:00 in Riga is 09:00 in Lisbon: Maria's reminder and meeting note are just due
        await year.say(ANNA, "/breaks add 16.11.2026–17.11.2026 Skolas jubileja")

    async def a_school_festival(year: Year) -> None:  # after Kerem's overdue note
        await year.say(JONAS, "/breaks add 01.03.2027–01.03.2027 Mokyklos šventė")

    async def jonas_looks_in(year: Year) -> None:  # quiet for weeks, back on his own
        sent = await year.say(JONAS, "/deadlines")
        assert "Concert video" in sent.text

    async def restart(year: Year) -> None:  # in the middle of Anna's /deadline dialog
        await year.begin_deadline(ANNA, "Songs of the rivers", MARIA)
        await year.restart()
        await year.finish_deadline(ANNA, "Songs of the rivers", MARIA, "26.02.2027 18:00")

    async def jonas_away(year: Year) -> None:
        sent = await year.say(JONAS, "/away 07.02.2027")
        assert any(c.chat_id == ANNA.uid for c in sent.calls)

    async def carnival(year: Year) -> None:  # entered late, on a Saturday
        await year.say(MARIA, "/breaks add 15.02.2027–17.02.2027 Carnaval")

    async def spring(year: Year) -> None:
        await year.add_deadline(ANNA, "Padlet wall", KEREM, "10.03.2027 18:00")
        await year.add_deadline(JONAS, "Concert video", JONAS, "31.03.2027 18:00")
        await year.add_deadline(ANNA, "Poster exhibition", SOFIA, "16.04.2027 18:00")

    async def remove_kerem(year: Year) -> None:
        await year.say(ANNA, "/members")
        await year.tap(ANNA, f"mem:{year.project_id}:{KEREM.uid}:card")
        await year.tap(ANNA, f"mem:{year.project_id}:{KEREM.uid}:remove")
        await year.tap(ANNA, f"mem:{year.project_id}:{KEREM.uid}:remove!")
        year.gone[KEREM.uid] = year.now()
        await presses_change_nothing(year, KEREM, actions=("done", "snooze"))

    async def sofia_leaves(year: Year) -> None:
        await year.say(SOFIA, "/leave")
        await year.tap(SOFIA, f"leave:{year.project_id}")
        year.gone[SOFIA.uid] = year.now()
        await presses_change_nothing(year, SOFIA, actions=("done", "snooze"))

    async def summer(year: Year) -> None:
        await year.add_deadline(ANNA, "Final e-book", MARIA, "11.06.2027 18:00")
        await year.add_deadline(ANNA, "Photo album", JONAS, "23.06.2027 18:00")
        await year.add_deadline(ANNA, "Evaluation form", ANNA, "28.06.2027 18:00")

    return sorted(
        [
            (at(JONAS.zone, 2026, 10, 15, 15), a_school_festival),
            (at(RIGA, 2026, 10, 20, 11), autumn),
            (at(RIGA, 2026, 11, 2, 11), a_school_day_off),
            (at(RIGA, 2027, 1, 11, 12), restart),
            (at(JONAS.zone, 2027, 1, 25, 8, 30), jonas_away),
            (at(MARIA.zone, 2027, 2, 13, 10), carnival),
            (at(RIGA, 2027, 2, 15, 11), spring),
            (at(RIGA, 2027, 3, 4, 11), remove_kerem),
            (at(JONAS.zone, 2027, 3, 29, 18), jonas_looks_in),
            (at(SOFIA.zone, 2027, 4, 12, 17), sofia_leaves),
            (at(RIGA, 2027, 5, 20, 11), summer),
        ],
        key=lambda e: e[0],
    )


SCRIPTS: dict[str, Script] = {
    "Skolas prezentācija": [None, "done"],
    "Logo contest": ["more 04.11.2026 18:00|approve", None, None, "done"],
    "Q&A <live> session": ["snooze", "done"],
    "Survey of pupils": [None, None, "done"],
    "Greeting cards": ["done"],
    "Map of rivers": ["more 12.02.2027 18:00|approve"],  # asked when overdue; then forgotten
    "Songs of the rivers": [None, "done"],
    "Concert video": [None, None, "done"],
    "Final e-book": ["more 18.06.2027 18:00|keep", None, "done"],
    "Evaluation form": [None, None, "done"],
    # Kerem never presses anything; Sofia leaves before hers; Jonas forgets the album
}


async def state_of(db: Database) -> tuple[Any, ...]:
    def read(s: Session) -> tuple[Any, ...]:
        return (
            sorted((d.id, d.due_at, d.done_at, d.owner_id) for d in s.exec(select(Deadline)).all()),
            sorted(
                (r.id, r.status, r.due_at, r.chat_id)
                for r in s.exec(select(Reminder)).all()
                if r.kind != ReminderKind.DIGEST
            ),
        )

    return await db.run(read)


async def presses_change_nothing(year: Year, who: Person, *, actions: tuple[str, ...]) -> None:
    """Every button of every message the bot sent them on its own, pressed by them now
    that they are out of the team: an alert, nothing sent, nothing changed."""
    messages = [p.call for p in year.proactive if p.call.chat_id == who.uid]
    pressed = 0
    for call in messages:
        message = year.fake.message(who.uid, call.result["message_id"])
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button["callback_data"]
                if data.rsplit(":", 1)[-1] not in actions:
                    continue
                before = await state_of(year.db)
                sent = await year.teachers[who.uid].press(message, data)
                pressed += 1
                year.expect(
                    bool(sent.alerts) and not [c for c in sent.calls if c.method == "sendMessage"],
                    f"{who.name} out of the team pressed {data}: {sent.texts or 'no alert'}",
                )
                year.expect(
                    await state_of(year.db) == before, f"{who.name} pressed {data}: state changed"
                )
    assert pressed, f"{who.name} had no buttons to press"


def year_application(fake: FakeBotApi, db_url: str, db: Database) -> TwinApp:
    """The bot as the year plays it: a team's months pass in seconds, so the input limits
    (tests/test_fair.py) would take the teachers for a flood."""
    app = build_application(settings_for(fake, db_url, openholidays_url=""), db)
    app.bot_data["services"].limits.enabled = False
    return app


async def test_a_school_year_keeps_every_promise(fake: FakeBotApi, db: Database, db_url: str):
    with time_machine.travel(START, tick=False) as traveller:
        app = year_application(fake, db_url, db)
        await app.initialize()
        driver = Driver(app, fake)
        teachers = {p.uid: driver.teacher(p.uid, p.name, p.telegram) for p in PEOPLE.values()}
        year = Year(fake, db, db_url, app, driver, teachers, traveller, scripts=SCRIPTS)
        try:
            await form_the_team(year)
            year.dispatcher = make_dispatcher(app, db)
            await live_through(year)
            assert not year.violations, "\n".join(year.violations[:40])
            await it_all_happened(year)
            # at the end of the year, every button the two who went ever got, "Need more
            # time" too, on deadlines still open and still theirs
            for gone in (KEREM, SOFIA):
                await presses_change_nothing(year, gone, actions=("done", "snooze", "more"))
            assert not year.violations, "\n".join(year.violations[:40])
        finally:
            await year.app.shutdown()


async def live_through(year: Year) -> None:
    pending = events()
    check_in = datetime.combine(START.date(), datetime.min.time(), UTC) + timedelta(hours=CHECK_AT)
    while True:
        due = await year.db.run(
            lambda s: s.exec(
                select(sa.func.min(Reminder.due_at)).where(
                    Reminder.status == ReminderStatus.PENDING
                )
            ).one()
        )
        moment = min(
            m for m in (due, pending[0][0] if pending else None, check_in) if m is not None
        )
        if moment > END:
            return
        year.move_to(moment)
        while pending and pending[0][0] <= moment:
            await year.change(moment, pending.pop(0)[1])
        if check_in <= moment:
            await jobs.checkin_job(SimpleNamespace(db=year.db))  # type: ignore[arg-type]
            check_in += timedelta(days=1)
        if due is not None and due <= moment:
            await year.dispatch(moment)


async def it_all_happened(year: Year) -> None:
    """The invariants hold for what was sent; here, that the year's messages were sent."""

    def overdue_notes(s: Session) -> dict[str, set[str]]:
        members = {m.user.id for m in teams.members(s, project_id=year.project_id) if m.user}
        found = s.exec(select(Deadline).where(col(Deadline.done_at).is_(None))).all()
        return {
            d.title: {
                r.kind
                for r in s.exec(
                    select(Reminder).where(
                        Reminder.deadline_id == d.id,
                        Reminder.status == ReminderStatus.SENT,
                        Reminder.due_at > d.due_at,
                    )
                )
            }
            for d in found
            if d.owner_id in members and d.due_at < END - timedelta(days=7)
        }

    overdue = await year.db.run(overdue_notes)
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    for p in year.proactive:
        if p.row is not None and p.call.chat_id is not None:
            kinds[p.call.chat_id][p.row.kind] += 1
    assert len(year.proactive) >= 200, len(year.proactive)
    for person in PEOPLE.values():
        got = kinds[person.uid]
        assert got["before"] + got["due"] + got["overdue"] >= 2, (person.name, got)
        assert got["meeting"] >= 15, (person.name, got)
    assert kinds[SOFIA.uid]["snoozed"] == 1
    assert kinds[KEREM.uid]["checkin"] == 1 and kinds[KEREM.uid]["overdue"] >= 2  # silent
    assert kinds[ANNA.uid]["checkin_lead"] >= 1 and kinds[ANNA.uid]["overdue_lead"] >= 3
    digests = [p.moment for p in year.proactive if p.call.chat_id == GROUP]
    assert len(digests) >= 8 and len({d.month for d in digests}) >= 6, digests
    # the new process sent to everyone still in the team, and to the group
    assert year.restarted_at is not None
    after = {p.call.chat_id for p in year.proactive if p.moment > year.restarted_at}
    assert {ANNA.uid, JONAS.uid, MARIA.uid, GROUP} <= after
    # those who went heard nothing after, Jonas nothing while away (but before and after)
    for uid, gone in year.gone.items():
        theirs = [p.moment for p in year.proactive if p.call.chat_id == uid]
        assert theirs and max(theirs) < gone
    jonas = [p.moment for p in year.proactive if p.call.chat_id == JONAS.uid]
    away = (at(JONAS.zone, 2027, 1, 25, 0), at(JONAS.zone, 2027, 2, 8, 0))
    assert not [m for m in jonas if away[0] <= m < away[1]]
    assert [m for m in jonas if m < away[0]] and [m for m in jonas if m >= away[1]]
    # every deadline left open past its date, its owner still in the team: the owner and
    # then the coordinator were told, after its last date
    for deadline, notes in overdue.items():
        assert notes == {"overdue", "overdue_lead"}, (deadline, notes)
    assert len(overdue) >= 2, overdue
    # more time approved: the reminders followed the new date
    maria = [p.call.params["text"] for p in year.proactive if p.call.chat_id == MARIA.uid]
    assert any("Logo contest" in t and "November 4, 2026" in t for t in maria)
    # the meeting keeps 16:00 in Riga: 16:00 in Istanbul in summer time, 17:00 in winter
    kerem = {
        (p.moment > at(RIGA, 2026, 10, 25), clock)
        for p in year.proactive
        if p.call.chat_id == KEREM.uid and p.row is not None and p.row.kind == "meeting"
        for clock in re.findall(r"\d\d:\d\d", p.call.params["text"])
    }
    assert kerem == {(False, "16:00"), (True, "17:00")}
