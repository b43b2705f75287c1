"""School breaks: fetched from (a loopback fake of) the OpenHolidays API and cached, added
by hand or from an .ics file, and respected by reminder planning."""

import json
import socket
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select
from tornado.httpserver import HTTPServer
from tornado.web import Application, HTTPError, RequestHandler

from bot.app.application import build_application
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from bot.rules.calendar import Break, Place
from handlers import break_file
from handlers.break_entry import parse_range
from handlers.team_calendar import lanes
from scheduler import break_refresh, ics_import, school_data
from scheduler.reminders import plans as reminders_flow
from scheduler.school_data.seed import seed
from storage import breaks as stored_breaks
from storage.db import Database
from storage.models import Reminder, SchoolBreak, User
from tests.conftest import settings_for
from tests.driver import Driver, Sent, Teacher
from tests.test_reminders import add_deadline
from tests.test_roles import team_of_three

# The documented shape of GET /SchoolHolidays (one object per holiday, localized names).
HOLIDAYS = {
    "LV": [
        {
            "id": "a1",
            "startDate": "2026-12-21",
            "endDate": "2027-01-03",
            "type": "School",
            "name": [
                {"language": "EN", "text": "Winter holidays"},
                {"language": "LV", "text": "Ziemas brīvdienas"},
            ],
            "nationwide": True,
        },
    ],
    "LT": [
        {
            "id": "b1",
            "startDate": "2026-12-23",
            "endDate": "2027-01-02",
            "type": "School",
            "name": [{"language": "EN", "text": "Christmas holidays"}],
            "nationwide": True,
        },
        {
            "id": "b2",
            "startDate": "2027-02-16",
            "endDate": "2027-02-20",
            "type": "School",
            "name": [{"language": "EN", "text": "Winter break (north)"}],
            "nationwide": False,
            "subdivisions": [{"code": "LT-VL", "shortName": "VL"}],
        },
    ],
}


class FakeOpenHolidays:
    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.failing: set[str] = set()  # countries whose answer is a server error

    def app(self) -> Application:
        api = self

        class SchoolHolidays(RequestHandler):
            def get(self) -> None:
                params = {k: self.get_argument(k) for k in self.request.arguments}
                api.requests.append(params)
                if params["countryIsoCode"] in api.failing:
                    raise HTTPError(503)
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps(HOLIDAYS.get(params["countryIsoCode"], [])))

        class Countries(RequestHandler):
            def get(self) -> None:
                self.finish(
                    json.dumps(
                        [
                            {"isoCode": c, "name": [{"language": "EN", "text": c}]}
                            for c in ("LV", "LT", "PT")
                        ]
                    )
                )

        return Application([(r"/SchoolHolidays", SchoolHolidays), (r"/Countries", Countries)])


@pytest.fixture
async def holidays_api():
    fake = FakeOpenHolidays()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = HTTPServer(fake.app())
    server.listen(port, "127.0.0.1")
    fake.url = f"http://127.0.0.1:{port}"
    yield fake
    server.stop()
    await server.close_all_connections()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "22.12.2026–03.01.2027 Ziemassvētku brīvlaiks",
            (date(2026, 12, 22), date(2027, 1, 3), "Ziemassvētku brīvlaiks"),
        ),
        (
            " 2027-02-15 - 2027-02-19 Winter break",
            (date(2027, 2, 15), date(2027, 2, 19), "Winter break"),
        ),
        (
            "23.12.2026 iki 02.01.2027 Kalėdų atostogos",
            (date(2026, 12, 23), date(2027, 1, 2), "Kalėdų atostogos"),
        ),
        ("03.01.2027–22.12.2026 backwards", None),
        ("31.02.2027–03.03.2027 impossible", None),
        ("22.12.2026–03.01.2027", None),  # no name
        ("soon", None),
    ],
)
def test_parse_range(text, expected):
    assert parse_range(text, date(2026, 11, 23)) == expected


async def test_breaks_are_fetched_once_a_week_and_shown_with_credit(
    fake: FakeBotApi, db: Database, db_url: str, holidays_api
):
    app = build_application(settings_for(fake, db_url, openholidays_url=holidays_api.url), db)
    await app.initialize()
    try:
        driver = Driver(app, fake)
        anna, jonas, _maria = await team_of_three(driver)
        sent = await anna.send("/breaks")
        # names in the country's own language where the API has it (Latvian), else English
        assert "Ziemas brīvdienas" in sent.text and "Christmas holidays" in sent.text
        assert "OpenHolidays" in sent.text and "ODbL" in sent.text
        assert "Winter break (north)" not in sent.text  # regional: not for the whole country
        assert {r["countryIsoCode"] for r in holidays_api.requests} >= {"LV", "LT"}
        asked = len(holidays_api.requests)
        await jonas.send("/breaks")
        assert len(holidays_api.requests) == asked  # cached for a week
        sent = await jonas.send("/breaks add 16.02.2027–19.02.2027 Mūsų žiemos atostogos")
        assert "Lithuania" in sent.text
        sent = await jonas.send("/breaks add next week")
        assert "Write it like this" in sent.text
        sent = await anna.send("/breaks")
        assert "Mūsų žiemos atostogos" in sent.text
        rows = await db.run(
            lambda s: s.exec(select(SchoolBreak).where(SchoolBreak.source == "teacher")).all()
        )
        assert [(r.country, r.created_by) for r in rows] == [("LT", 102)]
    finally:
        await app.shutdown()


def calendar_file(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{n}\r\n{e}END:VEVENT\r\n" for n, e in enumerate(events))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//school//EN\r\n{body}END:VCALENDAR\r\n".encode()


EASTER = "DTSTART;VALUE=DATE:20270405\r\nDTEND;VALUE=DATE:20270410\r\nSUMMARY:Velykų atostogos\r\n"


async def upload(
    driver: Driver, teacher: Teacher, content: bytes, name: str = "school.ics"
) -> Sent:
    document = driver.fake.put_file(name, content)
    payload = {
        "message": {
            "message_id": 900,
            "date": int(time.time()),
            "chat": update_factory.private_chat(teacher.user),
            "from": teacher.user,
            "document": document,
        }
    }
    return await driver.deliver(payload)


async def stored(db: Database) -> list[tuple]:
    rows = await db.run(lambda s: s.exec(select(SchoolBreak).order_by(SchoolBreak.id)).all())
    return [(r.country, r.start, r.end, r.name, r.source) for r in rows]


async def test_ics_upload_previews_whole_day_breaks_and_adds_them_once(
    driver: Driver, db: Database
):
    anna, jonas, _maria = await team_of_three(driver)
    school_export = calendar_file(
        EASTER,
        EASTER,  # the same event twice
        "DTSTART:20261201T150000Z\r\nDTEND:20261201T160000Z\r\nSUMMARY:Staff meeting\r\n",
        "DTSTART:20261202T080000\r\nDTEND:20261202T084500\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Lesson\r\n",
        "DTSTART;VALUE=DATE:20200101\r\nDTEND;VALUE=DATE:20301231\r\nSUMMARY:Forever\r\n",
        "DTSTART:20261221T000000\r\nDTEND:20270102T235900\r\nSUMMARY:Kalėdų atostogos\r\n",
    )
    sent = await upload(driver, jonas, school_export)
    assert "05.04.2027 – 09.04.2027: Velykų atostogos" in sent.text
    assert "21.12.2026 – 02.01.2027: Kalėdų atostogos" in sent.text
    assert "Staff" not in sent.text and "Lesson" not in sent.text and "Forever" not in sent.text
    assert "Left out as longer than three months or over already: 1" in sent.text
    assert await stored(db) == []  # nothing before the teacher confirms
    preview = driver.fake.messages(102)[-1]
    outsider = driver.teacher(109, "Olga", "en")
    refused = await outsider.press(preview, "ics:1:yes")
    assert refused.alerts and await stored(db) == []
    sent = await jonas.click("Add them")
    assert "Added 2 breaks" in sent.text
    assert await stored(db) == [
        ("LT", date(2026, 12, 21), date(2027, 1, 2), "Kalėdų atostogos", "ics"),
        ("LT", date(2027, 4, 5), date(2027, 4, 9), "Velykų atostogos", "ics"),
    ]
    again = await jonas.press(preview, "ics:1:yes")  # the old button once more
    assert again.alerts and len(await stored(db)) == 2
    sent = await upload(driver, jonas, school_export)  # the same file again
    assert "Nothing new to add" in sent.text and "Known already: 2" in sent.text
    sent = await upload(
        driver, jonas, calendar_file(EASTER.replace("0405", "0412").replace("0410", "0417"))
    )
    sent = await jonas.click("Cancel")
    assert "Nothing was added" in sent.text and len(await stored(db)) == 2
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    await upload(
        driver, jonas, calendar_file(EASTER.replace("0405", "0412").replace("0410", "0417"))
    )
    assert len(await stored(db)) == 2


async def test_ics_files_beyond_the_limits_get_a_clear_answer(
    driver: Driver, db: Database, monkeypatch: pytest.MonkeyPatch
):
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await upload(driver, jonas, calendar_file("SUMMARY:X\r\nDTSTART:20261399\r\n"))
    assert "Line 7" in sent.text and "DTSTART:20261399" in sent.text
    sent = await upload(driver, jonas, b"\x00\xff not a calendar")
    assert "could not read" in sent.text
    many = calendar_file(*[EASTER] * (ics_import.MAX_EVENTS + 1))
    sent = await upload(driver, jonas, many)
    assert f"{ics_import.MAX_EVENTS + 1} events" in sent.text
    days = [
        f"DTSTART;VALUE=DATE:2027{m:02}{d:02}\r\nSUMMARY:Day {m}.{d}\r\n"
        for m in range(1, 7)
        for d in range(1, 29)
    ]
    sent = await upload(driver, jonas, calendar_file(*days))
    assert "whole-day events, more than a list of school breaks" in sent.text
    before = len(driver.fake.calls)
    sent = await upload(driver, jonas, b"x" * (ics_import.MAX_BYTES + 1))
    assert "larger than 1000 KB" in sent.text
    assert "getFile" not in [c.method for c in driver.fake.calls[before:]]

    def slow(content, today):
        time.sleep(0.5)
        return [], 0

    monkeypatch.setattr(break_file, "PARSE_SECONDS", 0.1)
    monkeypatch.setattr(break_file, "read_breaks", slow)
    sent = await upload(driver, jonas, calendar_file(EASTER))
    assert "took too long" in sent.text
    assert await stored(db) == []


async def test_breaks_add_refuses_ranges_no_school_has(driver: Driver, db: Database):
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await jonas.send("/breaks add 01.01.2020–31.12.2030 Forever")
    assert "longer than any school break" in sent.text
    sent = await jonas.send("/breaks add 01.09.2026–05.09.2026 Gone")  # today is 23 November
    assert "over already" in sent.text
    assert await stored(db) == []
    sent = await jonas.send("/breaks add 15.06.2027–31.08.2027 Vasaros atostogos")
    assert "Added for" in sent.text and len(await stored(db)) == 1


async def test_reminders_skip_the_owners_school_break(driver: Driver, db: Database):
    await team_of_three(driver)

    def lithuanian_break(s):
        s.add(
            SchoolBreak(
                country="LT",
                start=date(2026, 12, 21),
                end=date(2027, 1, 3),
                name="Kalėdos",
                source="manual",
                project_id=1,
            )
        )
        s.execute(sa.update(User).where(User.id == 102).values(timezone="Europe/Vilnius"))

    await db.run(lithuanian_break)
    await add_deadline(db, owner=102, due_at=datetime(2027, 1, 5, 21, 59, tzinfo=UTC))
    planned = await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.due_at)).all())
    days = [(r.kind, r.due_at.date().isoformat()) for r in planned]
    # 7 and 2 days before fall in the break (and New Year): both move to the Friday before it
    assert days == [
        ("before", "2026-12-18"),
        ("due", "2027-01-05"),
        ("overdue", "2027-01-06"),  # the working day after, at the team's time
        ("overdue_lead", "2027-01-07"),
    ]


async def test_a_break_added_later_moves_the_reminders_already_planned(
    driver: Driver, db: Database
):
    _anna, jonas, _maria = await team_of_three(driver)
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 102).values(timezone="Europe/Vilnius"))
    )
    await add_deadline(db, owner=102, due_at=datetime(2027, 1, 5, 21, 59, tzinfo=UTC))

    async def before_days() -> list[str]:
        planned = await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.due_at)).all())
        return [r.due_at.date().isoformat() for r in planned if r.kind == "before"]

    assert "2026-12-29" in await before_days()  # 7 days before: a Tuesday, a school day then
    await jonas.send("/breaks add 21.12.2026–03.01.2027 Kalėdų atostogos")
    assert await before_days() == ["2026-12-18"]  # now in the break: the Friday before it


async def test_calendar_shows_holidays_breaks_deadlines_and_common_weeks(
    fake: FakeBotApi, db: Database, db_url: str, holidays_api
):
    app = build_application(settings_for(fake, db_url, openholidays_url=holidays_api.url), db)
    await app.initialize()
    try:
        driver = Driver(app, fake)
        _anna, jonas, _maria = await team_of_three(driver)
        await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
        await jonas.send("/away 12.12.2026")  # a pause shows on Jonas's row, not as a holiday
        sent = await jonas.send("/calendar")
        text = sent.text
        assert "Ziemas brīvdienas" in text and "Christmas holidays" in text  # both countries'

        assert "away" not in text
        assert "River stories" in text and "ODbL" in text
        assert (
            "Common weeks" in text
            and "Nov 30" in text
            and "Dec 21" not in text.split("Common weeks")[1]
        )
        photo = next(c for c in sent.calls if c.method == "sendPhoto")
        assert photo.files["photo"][1].startswith(b"\x89PNG")
    finally:
        await app.shutdown()


def test_timeline_data_marks_each_day_off():
    first = date(2026, 12, 21)  # a Monday
    rows = lanes(
        [
            ("LV", Place("LV", breaks=(Break(date(2026, 12, 21), date(2027, 1, 3), "Winter"),))),
            ("TR", Place("TR")),
        ],
        first,
        7,
    )
    # Mon–Wed in the break, 24 and 25 December public holidays in Latvia, then the weekend
    assert rows[0].days_off == ("school_break",) * 3 + ("public_holiday",) * 2 + ("weekend",) * 2
    assert rows[1].days_off == (
        None,
        None,
        None,
        None,
        None,
        "weekend",
        "weekend",
    )  # no Christmas in Turkey


async def test_fetched_breaks_replan_the_countrys_teams_and_a_crash_fetches_again(
    driver: Driver, db: Database, holidays_api, monkeypatch: pytest.MonkeyPatch
):
    await team_of_three(driver)  # Jonas (102) teaches in Lithuania
    await add_deadline(db, owner=102, due_at=datetime(2027, 1, 5, 21, 59, tzinfo=UTC))

    async def before_days() -> list[str]:
        planned = await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.due_at)).all())
        return [r.due_at.date().isoformat() for r in planned if r.kind == "before"]

    assert "2026-12-29" in await before_days()  # no breaks known yet
    now = datetime(2026, 12, 1, tzinfo=UTC)
    batches: list[list[int]] = []

    def crashing(session, project_ids, now):
        batches.append(list(project_ids))
        raise RuntimeError("the process died here")

    monkeypatch.setattr(reminders_flow, "teams_changed", crashing)
    with pytest.raises(RuntimeError):
        await break_refresh.refresh(db, holidays_api.url, {"LT"}, now)
    assert len(batches) == 1
    assert await db.run(lambda s: stored_breaks.stale(s, countries={"LT"}, now=now)) == ["LT"]

    monkeypatch.undo()
    await break_refresh.refresh(db, holidays_api.url, {"LT"}, now)
    days = await before_days()
    assert days and all(day < "2026-12-23" for day in days)  # moved out of 23 Dec – 2 Jan
    assert await db.run(lambda s: stored_breaks.stale(s, countries={"LT"}, now=now)) == []


async def test_the_snapshot_is_seeded_once_and_an_api_answer_replaces_it_in_its_window(
    db: Database, holidays_api
):
    async def shipped(country: str) -> list[tuple]:
        rows = await db.run(
            lambda s: s.exec(
                select(SchoolBreak)
                .where(SchoolBreak.country == country)
                .order_by(SchoolBreak.start, SchoolBreak.id)
            ).all()
        )
        return [(r.start, r.end, r.name, r.subdivision, r.source) for r in rows]

    added = await db.run(seed)
    assert added > 3000
    everything = await stored(db)
    assert await db.run(seed) == 0 and await stored(db) == everything  # once per version
    lithuania = await shipped("LT")
    assert (
        date(2026, 12, 23),
        date(2027, 1, 3),
        "Žiemos atostogos",
        None,
        "snapshot:dd3dfa8",
    ) in lithuania
    portugal = await shipped("PT")

    now = datetime(2026, 12, 1, tzinfo=UTC)  # the answer covers 1 Nov 2026 – 1 Dec 2027
    await break_refresh.refresh(db, holidays_api.url, {"LT"}, now)
    after = await shipped("LT")
    kept = [r for r in lithuania if r[1] < date(2026, 11, 1)]  # over before the window
    assert kept and [r for r in after if r[4].startswith("snapshot")] == kept
    assert [r[:3] for r in after if r[4] == "openholidays"] == [
        (date(2026, 12, 23), date(2027, 1, 2), "Christmas holidays"),
        (date(2027, 2, 16), date(2027, 2, 20), "Winter break (north)"),
    ]
    assert await shipped("PT") == portugal  # another country's rows stay

    # a newer snapshot replaces the older one's rows, but not inside the API's window
    await db.run(
        lambda s: stored_breaks.seed_snapshot(s, version="next", rows=school_data.stored_rows)
    )
    newer = await shipped("LT")
    assert [r[:4] for r in newer if r[4] == "snapshot:next"] == [r[:4] for r in kept]
    assert [r for r in newer if r[4] == "openholidays"] == [
        r for r in after if r[4] == "openholidays"
    ]
