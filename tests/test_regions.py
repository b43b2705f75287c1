"""Regions: a teacher where school or public holidays differ by region is asked theirs
(buttons by country), and their region's breaks and holidays count for them alone; the
shipped OpenHolidays snapshot gives every covered country's breaks without the network."""

from datetime import UTC, date, datetime

import time_machine
from sqlmodel import select

from scheduler.regions import asks_region, reaches, top_regions
from scheduler.reminders import plans
from scheduler.school_data.seed import seed
from storage.db import Database
from storage.models import Deadline, Project, Reminder, User
from tests.driver import Driver
from tests.test_ics import export
from tests.test_team_flow import create_project, join

# The snapshot (OpenHolidays, January 2026) has Spain's and Italy's regional breaks up
# to the 2025/26 school year: these tests live in January 2026.
WINTER = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # a Monday


async def plant_deadline(db: Database, *, owner: int, due: date) -> None:
    """A deadline at the end of `due` (UTC), planned now like /deadline plans it."""

    def write(s):
        project_id = s.exec(select(Project.id)).first()
        deadline = Deadline(
            project_id=project_id,
            title="River stories",
            due_at=datetime(due.year, due.month, due.day, 21, 0, tzinfo=UTC),
            owner_id=owner,
            created_by=101,
        )
        s.add(deadline)
        s.flush()
        plans.plan_deadline(s, deadline, datetime.now(UTC))

    await db.run(write)


async def join_all(driver: Driver, link: str, *who: tuple[int, str, str, str]) -> None:
    """Teachers (id, name, country, the region button they tap) join the project."""
    for uid, name, country, region in who:
        teacher = driver.teacher(uid, name, "en")
        school, contact = f"{name}'s school", f"{name.lower()}@example.eu"
        await join(teacher, link, country=country, school=school, contact=contact, region=region)


def labels(message: dict) -> list[str]:
    return [
        b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
    ]


async def reminder_days(db: Database, owner: int) -> list[str]:
    def read(s):
        found = s.exec(select(Reminder, Deadline).join(Deadline)).all()
        return sorted(
            r.due_at.date().isoformat()
            for r, d in found
            if d.owner_id == owner and r.kind == "before"
        )

    return await db.run(read)


async def test_spanish_and_italian_teachers_get_their_regions_breaks(driver: Driver, db: Database):
    await db.run(seed)
    with time_machine.travel(WINTER, tick=True):
        anna = driver.teacher(101, "Anna", "en")
        link = await create_project(anna)
        pilar = driver.teacher(102, "Pilar", "en")
        await pilar.open(link)
        await pilar.click("✓")
        sent = await pilar.send("Spain")
        assert "Which region" in sent.text and "Spain" in sent.text
        offered = labels(driver.fake.messages(102)[-1])
        assert {"Community of Madrid", "Catalonia", "Not sure"} <= set(offered)
        await pilar.click("Community of Madrid")
        await pilar.send("IES Madrid")
        await pilar.send("p@x.es")
        await pilar.click("✓")
        await join_all(
            driver,
            link,
            (103, "Jordi", "ES", "Catalonia"),
            (104, "Giulia", "IT", "Not sure"),
            (105, "Marco", "IT", "Lazio"),
        )
        regions = await db.run(lambda s: {u.id: u.region for u in s.exec(select(User)).all()})
        assert regions == {101: None, 102: "ES-MD", 103: "ES-CT", 104: None, 105: "IT-62"}

        # Spain: Madrid's and Catalonia's breaks, each labelled; none of Andalusia's
        sent = await anna.send("/breaks")
        spain = sent.text.split("Spain")[1].split("<b>")[0]
        assert "27.03.2026 – 27.03.2026: Día no lectivo (Community of Madrid)" in spain
        assert "28.03.2026 – 05.04.2026: Vacaciones de Pascua (Community of Madrid)" in spain
        assert "28.03.2026 – 06.04.2026: Vacaciones de Semana Santa (Catalonia)" in spain
        assert "Andaluc" not in spain and "Día de Andalucía" not in sent.text
        assert "ODbL" in sent.text
        events = (await export(anna)).walk("VEVENT")
        summaries = [str(e.get("summary")) for e in events]
        madrid = next(e for e in events if "Pascua (Community" in str(e.get("summary")))
        assert "OpenHolidays API (openholidaysapi.org), ODbL" in str(madrid.get("description"))
        assert "🇪🇸 Spain: Vacaciones de Pascua (Community of Madrid)" in summaries
        assert "🇪🇸 Spain: Vacaciones de Semana Santa (Catalonia)" in summaries
        assert not any("Andaluc" in s for s in summaries)  # the /ics file: the same breaks

        # Giulia's deadline: 7 days before is Tuesday 17 February, a school day while
        # her region is unknown; Lombardy's floating holidays (16–17 Feb) move it
        await plant_deadline(db, owner=104, due=date(2026, 2, 24))
        await plant_deadline(db, owner=105, due=date(2026, 2, 24))
        assert "2026-02-17" in await reminder_days(db, 104)
        giulia = driver.teacher(104, "Giulia", "en")
        await giulia.send("/profile")
        await giulia.click("Region")
        sent = await giulia.click("Lombardy")
        assert "Region: Lombardy" in sent.text
        moved = await reminder_days(db, 104)
        assert moved and not {"2026-02-16", "2026-02-17"} & set(moved)
        assert "2026-02-17" in await reminder_days(db, 105)  # Lazio has no such break
        sent = await anna.send("/breaks")
        italy = sent.text.split("Italy")[1].split("<b>")[0]
        assert "16.02.2026 – 17.02.2026: vacanze galleggianti (Lombardy)" in italy
        assert "(Lazio)" in italy and "Trentino" not in italy


async def test_madrid_reminders_follow_madrids_breaks_not_catalonias(driver: Driver, db: Database):
    """Wednesday 8 April 2026: a week before is in both regions' Easter breaks; Madrid's
    starts a day earlier (Friday 27 March, a non-teaching day), so Pilar hears on the
    Thursday, Jordi in Catalonia on the Friday."""
    await db.run(seed)
    with time_machine.travel(WINTER, tick=True):
        anna = driver.teacher(101, "Anna", "en")
        link = await create_project(anna)
        await join_all(
            driver, link, (102, "Pilar", "ES", "Madrid"), (103, "Jordi", "ES", "Catalonia")
        )
        await plant_deadline(db, owner=102, due=date(2026, 4, 8))
        await plant_deadline(db, owner=103, due=date(2026, 4, 8))
        assert (await reminder_days(db, 102))[0] == "2026-03-26"
        assert (await reminder_days(db, 103))[0] == "2026-03-27"


async def test_a_region_is_asked_only_where_holidays_differ_and_goes_with_the_country(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    link = await create_project(anna)  # Latvia: no region asked (create_project would fail)
    ona = driver.teacher(102, "Ona", "en")
    await ona.open(link)
    await ona.click("✓")
    sent = await ona.send("Lithuania")
    assert "region" not in sent.text.lower() and "school called" in sent.text
    await ona.send("Vilniaus gimnazija")
    await ona.send("o@x.lt")
    await ona.click("✓")
    # Ona moves to a school in Bavaria, then back to Lithuania: the region goes with it
    await ona.send("/profile")
    assert "Region" not in labels(driver.fake.messages(102)[-1])
    await ona.click("Country")
    sent = await ona.send("Germany")
    assert "Which region" in sent.text and "Bavaria" in labels(driver.fake.messages(102)[-1])
    sent = await ona.send("BY")  # a typed code
    assert "Region: Bavaria" in sent.text
    await ona.click("Country")
    sent = await ona.send("LT")
    assert "Region: —" in sent.text
    user = await db.run(lambda s: s.get(User, 102))
    assert (user.country, user.region) == ("LT", None)
    await ona.click("Country")
    await ona.send("Italy")
    sent = await ona.send("Bolzano")  # a province, typed: South Tyrol's own breaks count
    assert "Region: " in sent.text
    user = await db.run(lambda s: s.get(User, 102))
    assert (user.country, user.region) == ("IT", "IT-BZ")


def test_regional_breaks_reach_the_region_its_parts_and_only_whole_parents():
    # a break for Bavaria is Bavaria's; one for a region reaches its provinces
    assert reaches("DE", "DE-BY", ["DE-BY", "DE-BW"]) and not reaches("DE", "DE-BE", ["DE-BY"])
    assert reaches("IT", "IT-BZ", ["IT-32"])  # Trentino-Alto Adige → Bolzano
    # a teacher who only said "Trentino-Alto Adige": both provinces' break, not one's
    assert reaches("IT", "IT-32", ["IT-BZ", "IT-TN"]) and not reaches("IT", "IT-32", ["IT-BZ"])
    assert reaches("PL", None, []) and not reaches("PL", None, ["PL-02"])  # nationwide only
    assert [r.code for r in top_regions("PL")][:2] == ["PL-02", "PL-04"]  # ISO 3166-2 codes
    assert not asks_region("LV") and not asks_region("LT") and not asks_region(None)
    assert asks_region("ES") and asks_region("GB")  # school breaks, public holidays by region


async def test_a_teachers_entry_holds_for_their_region_only(driver: Driver, db: Database):
    """A Madrid teacher's /breaks add is Madrid's: labelled so, moving her reminders and
    not those of a Catalan teammate."""
    with time_machine.travel(WINTER, tick=True):
        anna = driver.teacher(101, "Anna", "en")
        link = await create_project(anna)
        await join_all(driver, link, (102, "Pilar", "ES", "Community of Madrid"))
        await join_all(driver, link, (103, "Jordi", "ES", "Catalonia"))
        await plant_deadline(db, owner=102, due=date(2026, 2, 24))
        await plant_deadline(db, owner=103, due=date(2026, 2, 24))
        assert "2026-02-17" in await reminder_days(db, 102)

        pilar = driver.teacher(102, "Pilar", "en")
        sent = await pilar.send("/breaks add 16.02.2026–20.02.2026 Semana blanca")
        assert "Added for Spain" in sent.text
        sent = await anna.send("/breaks")
        assert "16.02.2026 – 20.02.2026: Semana blanca (Community of Madrid)" in sent.text
        assert "entered by Pilar" in sent.text
        assert "2026-02-17" not in await reminder_days(db, 102)  # Madrid's break
        assert "2026-02-17" in await reminder_days(db, 103)  # not Catalonia's


async def test_calendar_shows_each_region_of_a_country_apart(driver: Driver, db: Database):
    """/calendar: Madrid and Catalonia in one team are two sections, each with its own
    breaks, not one Spain with the first teacher's."""
    await db.run(seed)
    with time_machine.travel(datetime(2026, 3, 16, 9, 0, tzinfo=UTC), tick=True):
        anna = driver.teacher(101, "Anna", "en")
        link = await create_project(anna)
        await join_all(
            driver,
            link,
            (102, "Pilar", "ES", "Community of Madrid"),
            (103, "Jordi", "ES", "Catalonia"),
        )
        text = (await anna.send("/calendar")).text
        madrid = text.split("ES · Community of Madrid")[1].split("<b>")[0]
        catalonia = text.split("ES · Catalonia")[1].split("<b>")[0]
        assert "Vacaciones de Pascua" in madrid and "Semana Santa" not in madrid
        assert "Vacaciones de Semana Santa" in catalonia and "Pascua" not in catalonia
