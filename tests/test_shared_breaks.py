"""The shared country calendar: a teacher enters their country's breaks once, they count
at once for the author's teams and, once a second teacher from that country confirms
them, for every team with a teacher there; /breaks says where each break comes from.
And a newcomer from a country without known breaks is asked, once, to enter them."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from scheduler.reminders import plans
from storage import breaks
from storage.db import Database, make_engine
from storage.migrate import alembic_config
from storage.models import Deadline, Project, Reminder, SchoolBreak
from tests.driver import Driver, Teacher
from tests.test_team_flow import create_project, join

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ASKED = "I don't know the school breaks of"


async def two_turkish_teams(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    """Team A: Anna (LV) and Ayşe (TR); team B: Bruno (LV) and Mehmet (TR)."""
    anna, ayse = driver.teacher(101, "Anna"), driver.teacher(201, "Ayşe")
    bruno, mehmet = driver.teacher(105, "Bruno"), driver.teacher(202, "Mehmet")
    await join(ayse, await create_project(anna, "Team A"), country="TR", school="A", contact="a")
    await join(mehmet, await create_project(bruno, "Team B"), country="TR", school="B", contact="m")
    return anna, ayse, mehmet


async def deadline_for(db: Database, *, project_id: int, owner: int) -> None:
    def write(s: Session) -> None:
        deadline = Deadline(
            project_id=project_id,
            title="River stories",
            due_at=datetime(2027, 1, 5, 20, 59, tzinfo=UTC),
            owner_id=owner,
            created_by=owner,
        )
        s.add(deadline)
        s.flush()
        plans.plan_deadline(s, deadline, NOW)

    await db.run(write)


async def before_days(db: Database, project_id: int) -> list[str]:
    planned = await db.run(
        lambda s: s.exec(select(Reminder).where(Reminder.project_id == project_id)).all()
    )
    return sorted(r.due_at.date().isoformat() for r in planned if r.kind == "before")


def texts(driver: Driver, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in driver.fake.messages(chat_id)]


async def the_entry(db: Database) -> SchoolBreak | None:
    return await db.run(lambda s: s.exec(select(SchoolBreak)).first())


async def test_a_break_counts_for_its_authors_team_and_for_others_once_confirmed(
    driver: Driver, db: Database
):
    anna, ayse, mehmet = await two_turkish_teams(driver)
    await deadline_for(db, project_id=1, owner=201)
    await deadline_for(db, project_id=2, owner=202)
    assert "2026-12-29" in await before_days(db, 1) and "2026-12-29" in await before_days(db, 2)

    sent = await ayse.send("/breaks add 21.12.2026–03.01.2027 Yarıyıl tatili")
    assert "counts for your teams now" in sent.text
    assert await before_days(db, 1) == ["2026-12-18"]  # team A: at once, out of the break
    assert "2026-12-29" in await before_days(db, 2)  # team B: not before it is confirmed
    await plans.replan_teams(db, [1, 2], NOW)  # both at once, as the weekly refresh does
    assert await before_days(db, 1) == ["2026-12-18"]
    assert "2026-12-29" in await before_days(db, 2)

    sent = await mehmet.send("/breaks")
    assert "Yarıyıl tatili — entered by Ayşe, not yet confirmed, so not counted" in sent.text
    sent = await anna.send("/breaks")  # team A: it counts there
    assert "Yarıyıl tatili — entered by Ayşe, not yet confirmed\n" in sent.text + "\n"
    assert "✅" not in str(sent.calls[-1].params)  # Anna teaches in Latvia: no buttons

    listing = driver.fake.messages(202)[-1]
    entry = await the_entry(db)
    assert entry is not None and entry.id is not None
    for forger, data, why in [
        (anna, f"brk:ok:{entry.id}", "Only a teacher from Türkiye"),  # another country
        (anna, f"brk:rm:{entry.id}", "Only a teacher from Türkiye"),
        (ayse, f"brk:ok:{entry.id}", "another teacher from Türkiye confirms it"),  # the author
        (driver.teacher(299, "Outsider"), f"brk:ok:{entry.id}", "Only a teacher from"),
        (mehmet, "brk:ok:999", "no longer active"),  # a bad id
        (mehmet, "brk:ok:x", "no longer active"),
    ]:
        refused = await forger.press(listing, data)
        assert refused.alerts and why in refused.alerts[0], (data, refused.alerts)
    assert (await the_entry(db)) == entry  # nothing changed
    assert "2026-12-29" in await before_days(db, 2)

    sent = await mehmet.click("✅")
    assert "now counts for every team with a teacher from Türkiye" in sent.text
    assert await before_days(db, 2) == ["2026-12-18"]  # team B follows it now
    await deadline_for(db, project_id=2, owner=202)  # planned for team B alone
    assert await before_days(db, 2) == ["2026-12-18", "2026-12-18"]
    again = await mehmet.press(listing, f"brk:ok:{entry.id}")
    assert again.alerts and "confirmed already" in again.alerts[0]
    for reader in (mehmet, anna):
        sent = await reader.send("/breaks")
        assert "Yarıyıl tatili — entered by Ayşe, confirmed by Mehmet" in sent.text


async def test_a_wrong_entry_is_removed_by_a_teacher_of_that_country(driver: Driver, db: Database):
    anna, ayse, mehmet = await two_turkish_teams(driver)
    await deadline_for(db, project_id=1, owner=201)
    await ayse.send("/breaks add 21.12.2026–03.01.2027 Yanlış tarih")
    assert await before_days(db, 1) == ["2026-12-18"]
    listing = driver.fake.messages(101)[-1]
    refused = await anna.press(listing, "brk:rm:1")
    assert refused.alerts and await the_entry(db) is not None
    await mehmet.send("/breaks")
    sent = await mehmet.click("🗑")  # a second teacher from Türkiye, in another team
    assert "Removed: Yanlış tarih" in sent.text
    assert await the_entry(db) is None
    assert "2026-12-29" in await before_days(db, 1)  # team A re-planned without it
    sent = await ayse.send("/breaks")
    assert "Yanlış tarih" not in sent.text and "🗑" not in str(sent.calls[-1].params)


async def test_fetched_breaks_say_they_come_from_openholidays(driver: Driver, db: Database):
    anna, ayse, _mehmet = await two_turkish_teams(driver)

    def latvian(s: Session) -> None:
        s.add(
            SchoolBreak(
                country="LV",
                start=date(2026, 12, 21),
                end=date(2027, 1, 3),
                name="Ziemas brīvdienas",
                source="snapshot",
            )
        )

    await db.run(latvian)
    await ayse.send("/breaks add 21.12.2026–03.01.2027 Yarıyıl tatili")
    sent = await anna.send("/breaks")
    assert "Ziemas brīvdienas — OpenHolidays" in sent.text and "ODbL" in sent.text
    assert "Yarıyıl tatili — entered by Ayşe" in sent.text


async def test_a_newcomer_without_known_breaks_is_asked_once(driver: Driver, db: Database):
    def lithuanian_year(s: Session) -> None:
        for first, last in (
            (date(2026, 12, 23), date(2027, 1, 2)),
            (date(2027, 4, 6), date(2027, 4, 9)),
        ):
            s.add(SchoolBreak(country="LT", start=first, end=last, name="X", source="openholidays"))
        winter = (date(2027, 2, 15), date(2027, 2, 28))
        s.add(
            SchoolBreak(
                country="PL", start=winter[0], end=winter[1], name="Ferie", source="snapshot"
            )
        )

    await db.run(lithuanian_year)
    anna = driver.teacher(101, "Anna")
    link = await create_project(anna, "Team A")
    eleni, jonas = driver.teacher(203, "Eleni"), driver.teacher(102, "Jonas")
    await join(eleni, link, country="GR", school="Athens", contact="e")
    asked = [t for t in texts(driver, 203) if ASKED in t]
    assert len(asked) == 1 and "Greece for 2026/2027" in asked[0]
    assert "/breaks add 22.12.2026–03.01.2027 Winter break" in asked[0] and ".ics" in asked[0]
    await join(jonas, link, country="LT", school="Vilnius", contact="j")
    assert not [t for t in texts(driver, 102) if ASKED in t]  # Lithuania's year is known

    piotr = driver.teacher(204, "Piotr")  # Poland: a winter break only, no autumn or Christmas
    await join(piotr, link, country="PL", school="Kraków", contact="p")
    assert [t for t in texts(driver, 204) if ASKED in t]

    second = await create_project(driver.teacher(105, "Bruno"), "Team B")
    await join(eleni, second, country="GR", school="Athens", contact="e")
    assert len([t for t in texts(driver, 203) if ASKED in t]) == 1  # never again

    await jonas.send("/profile")  # Jonas moves to a school in Türkiye: no known breaks there
    await jonas.click("Country")
    sent = await jonas.send("TR")
    assert "Your profile" in sent.text and f"{ASKED} Türkiye" in sent.text


def test_breaks_entered_before_0013_become_their_countrys_unconfirmed_entries(db_url: str):
    """Migration 0013: a "manual" break of a project is a teacher's entry for that
    country, unconfirmed, still counting for its project; the downgrade restores it."""
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.downgrade(config, "0011")
    with engine.begin() as conn:
        conn.execute(sa.insert(Project).values(id=1, title="Team A", stage=1, created_at=NOW))
        conn.execute(
            sa.text(
                'INSERT INTO school_break (country, start, "end", name, source, project_id, created_by)'
                " VALUES ('TR', '2026-12-21', '2027-01-03', 'Yarıyıl', 'manual', 1, 201)"
            )
        )
        conn.execute(sa.text("INSERT INTO holiday_fetch VALUES ('LT', '2026-11-20 10:00:00')"))
    command.upgrade(config, "head")
    with Session(engine) as session:
        row = session.exec(select(SchoolBreak)).one()
        assert (row.source, row.confirmed_by, row.project_id) == ("teacher", None, 1)
        assert breaks.for_project(session, project_id=1, countries=["TR"]) == [row]
        assert breaks.for_projects(session, project_ids=[2], countries=["TR"]) == {2: []}
        assert breaks.stale(session, countries={"LT"}, now=NOW) == []
    command.downgrade(config, "0011")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT source FROM school_break")).scalar() == "manual"
    engine.dispose()
