"""The one date reader behind all five entry points, driven as Telegram would: /deadline,
a plan activity, /away, /breaks add and "⏳ Need more time", each with a form it used to
refuse. Today is Monday 23 November 2026 (tests/conftest.py); Anna coordinates, Jonas
teaches in Lithuania, Maria in Portugal (1 December is a public holiday there)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from bot.context import TwinApp
from storage import plan
from storage.db import Database
from storage.models import Away, Deadline, PlanItem, SchoolBreak, User
from tests.driver import Driver
from tests.test_quiz import linked_team
from tests.test_reminders import add_deadline, make_dispatcher
from tests.test_roles import team_of_three

LISBON = ZoneInfo("Europe/Lisbon")
VILNIUS = ZoneInfo("Europe/Vilnius")


async def test_end_of_next_week_is_the_owners_last_working_day(driver: Driver, db: Database):
    """Maria is away on Thursday and Friday of next week and Tuesday is a holiday in
    Portugal: "end of next week" for her is Wednesday 2 December, end of her day."""
    anna, _jonas, maria = await team_of_three(driver)
    sent = await maria.send("/away no 3.12. līdz 4.12.")
    assert "away from December 3, 2026 until Friday, December 4, 2026" in sent.text
    assert "Maria is away from December 3, 2026 until" in sent.to(101)[0]
    pause = await db.run(lambda s: s.exec(select(Away)).one())
    assert (pause.start, pause.end) == (date(2026, 12, 3), date(2026, 12, 4))
    await anna.send("/deadline")
    await anna.send("Posters")
    await anna.click("Maria")
    sent = await anna.send("sometime next month")
    assert "“sometime” can mean different things" in sent.text  # the precision advice
    sent = await anna.send("end of next week")
    assert "Wednesday, December 2, 2026, 23:59 in Maria's time" in sent.text
    await anna.click("Yes")
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.due_at == datetime(2026, 12, 2, 23, 59, tzinfo=LISBON)


async def test_deadline_by_the_end_of_the_month_in_latvian(driver: Driver, db: Database):
    anna, _jonas, _maria = await team_of_three(driver)
    await anna.send("/deadline")
    await anna.send("Logo vote")
    await anna.click("Jonas")
    sent = await anna.send("līdz mēneša beigām")
    assert "Monday, November 30, 2026, 23:59, your time" in sent.text
    sent = await anna.click("Yes")
    assert "📌" in sent.text
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.due_at == datetime(2026, 11, 30, 23, 59, tzinfo=VILNIUS)


async def test_the_by_friday_convention_covers_a_weeks_end(driver: Driver, db: Database):
    """The team reads "by Friday" as Thursday night: so is "by the end of next week"."""
    anna, _jonas, _maria, _group = await linked_team(driver)
    await anna.send("/reminders")
    await anna.click("end of Thursday")
    await anna.send("/deadline")
    await anna.send("Posters")
    await anna.click("Jonas")
    sent = await anna.send("by the end of next week")
    assert "Thursday, December 3, 2026, 23:59" in sent.text


async def test_a_plan_activity_starts_next_week_and_ends_at_its_end(driver: Driver, db: Database):
    """For a start, a week without a day is its first working day; for the deadline, its
    last, in the team's "by Friday" convention (here: Thursday night)."""
    anna, _jonas, _maria, _group = await linked_team(driver)
    await anna.send("/reminders")
    await anna.click("end of Thursday")
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")
    for answer in ("Pupils film their river", "Film it", "two weeks"):
        await anna.send(answer)
    await anna.click("Maria")
    await anna.send("/skip")
    await anna.send("Padlet")
    await anna.send("next week")
    sent = await anna.send("end of next week")
    assert "Thursday, December 3, 2026, 23:59 in Maria's time" in sent.text
    sent = await anna.click("Yes")
    assert "Saved" in sent.text
    item = await db.run(lambda s: s.exec(select(PlanItem)).one())
    assert plan.details(item)["start"].startswith("2026-11-30")
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.due_at == datetime(2026, 12, 3, 23, 59, tzinfo=LISBON)


async def test_away_until_the_bots_own_lithuanian_example(driver: Driver, db: Database):
    """The bot suggests "iki 01-10" (month-day, as Lithuanian writes it): 10 January."""
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await jonas.send("/away iki 01-10 daug darbo")
    assert "away until Sunday, January 10, 2027" in sent.text
    pause = await db.run(lambda s: s.exec(select(Away)).one())
    assert (pause.start, pause.end) == (date(2026, 11, 23), date(2027, 1, 10))
    sent = await jonas.send("/away no 1.01. līdz 1.01.2020")  # backwards and over: refused
    assert "Until when" in sent.text
    assert (await db.run(lambda s: s.exec(select(Away)).one())).end == date(2027, 1, 10)


async def test_breaks_add_reads_ranges_the_way_teachers_write_them(driver: Driver, db: Database):
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await jonas.send("/breaks add no 22.12.2026 līdz 03.01.2027 Ziemassvētki")
    assert "Added for Lithuania: Ziemassvētki, 22.12.2026 – 03.01.2027" in sent.text
    sent = await jonas.send("/breaks add nuo vasario 15 iki vasario 19 d. Žiemos atostogos")
    assert "Žiemos atostogos, 15.02.2027 – 19.02.2027" in sent.text
    sent = await jonas.send("/breaks add from 6 April to 10 April")  # no name
    assert "Write it like this" in sent.text
    rows = await db.run(lambda s: s.exec(select(SchoolBreak).order_by(SchoolBreak.start)).all())
    assert [(r.start, r.end, r.name) for r in rows] == [
        (date(2026, 12, 22), date(2027, 1, 3), "Ziemassvētki"),
        (date(2027, 2, 15), date(2027, 2, 19), "Žiemos atostogos"),
    ]


async def test_more_time_until_the_end_of_next_week(driver: Driver, app: TwinApp, db: Database):
    """Jonas, writing in Latvian, answers "nākamās nedēļas beigās" under a reminder:
    Friday 4 December, the last working day of next week."""
    _anna, jonas, _maria = await team_of_three(driver)
    await db.run(lambda s: s.execute(sa.update(User).where(User.id == 102).values(language="lv")))
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    await make_dispatcher(app, db).run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    await jonas.press(driver.fake.messages(102)[-1], "dl:1:more")
    sent = await jonas.send("nākamās nedēļas beigās")
    assert "piektdien, 2026. gada 4. decembrī, 23:59" in sent.text
