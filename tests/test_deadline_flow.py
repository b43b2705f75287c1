"""/deadline end to end: plain-words dates in three languages, echoed back to confirm,
reminders planned for the owner in their own zone, /deadlines in each reader's language."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from scheduler.deadlines import is_by_weekday
from storage.db import Database
from storage.models import Deadline, Reminder, User
from tests.driver import Driver
from tests.test_quiz import linked_team
from tests.test_team_flow import create_project, join

LISBON = ZoneInfo("Europe/Lisbon")


async def test_a_deadline_in_plain_latvian_reaches_a_partner_in_portugal(
    driver: Driver, db: Database
):
    anna, jonas, _maria, group = await linked_team(driver)
    await db.run(
        lambda s: s.execute(
            sa.update(User).where(User.id == 103).values(timezone="Europe/Lisbon", country="PT")
        )
    )
    await db.run(
        lambda s: s.execute(
            sa.update(User).where(User.id == 101).values(timezone="Europe/Riga", language="lv")
        )
    )
    await anna.send("/deadline")
    await anna.send("Upēšu stāsti")
    await anna.click("Maria")
    sent = await anna.send("drīz")
    assert "drīz" in sent.text and "24.00" in sent.text  # refused with the precision advice
    sent = await anna.send("31. februārī")
    assert "31. februārī" in sent.text
    sent = await anna.send("līdz 15. decembrim")
    # echoed in Latvian: the end of the 15th where Maria works, and what that is in Riga
    assert "15. decembrī, 23:59 pēc laika, kurā strādā Maria" in sent.text
    assert "16. decembrī, 01:59 (pēc jūsu laika)" in sent.text
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:no")  # "Nē": change it
    assert "3/4" in sent.text
    await anna.send("15.12.")
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:yes")
    assert "📌" in sent.text
    to_maria = sent.to(103)
    assert to_maria and "December 15, 2026, 23:59" in to_maria[0]  # her zone and language
    assert sent.to(group.id)
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.due_at == datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
    planned = await db.run(
        lambda s: s.exec(
            select(Reminder).where(Reminder.kind != "digest").order_by(Reminder.due_at)
        ).all()
    )
    local = [(r.kind, r.due_at.astimezone(LISBON).strftime("%a %d %H:%M")) for r in planned]
    # 7 days before is 8 December, a public holiday in Portugal: moved to Monday the 7th
    assert local == [
        ("before", "Mon 07 09:00"),
        ("before", "Fri 11 09:00"),
        ("due", "Tue 15 09:00"),
        ("overdue", "Wed 16 09:00"),  # her next working day, at the team's time
        ("overdue_lead", "Thu 17 07:00"),  # 09:00 for the coordinator in Riga, a day later
    ]
    assert [r.chat_id for r in planned] == [103, 103, 103, 103, 101]  # the coordinator last
    sent = await jonas.send("/language")
    await jonas.click("Lietuvių")
    sent = await jonas.send("/deadlines")
    assert "Upēšu stāsti" in sent.text and "gruodžio" in sent.text


async def test_the_team_decides_what_by_friday_means(driver: Driver, db: Database):
    anna, _jonas, _maria, _group = await linked_team(driver)
    await anna.send("/reminders")
    sent = await anna.click("end of Thursday")
    assert "✓ “By Friday” = end of Thursday" in sent.buttons()
    await anna.send("/deadline")
    await anna.send("Posters")
    await anna.click("Jonas")
    sent = await anna.send("by Friday")
    assert "Thursday, November 26, 2026, 23:59" in sent.text  # today is Monday 23 November
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:no")
    sent = await anna.send("by Friday 18:00")  # an explicit time is taken as written
    assert "Friday, November 27, 2026, 18:00" in sent.text


def test_by_weekday_phrases():
    assert (
        is_by_weekday("by Friday")
        and is_by_weekday("līdz piektdienai")
        and is_by_weekday("iki penktadienio")
    )
    assert (
        not is_by_weekday("next Friday")
        and not is_by_weekday("15.12.")
        and not is_by_weekday("piektdien")
    )


async def test_a_date_alone_ends_in_the_owners_zone_and_the_note_is_in_their_language(
    driver: Driver, db: Database
):
    """Anna in Riga (Latvian) asks Elif in Istanbul, whose Telegram speaks Turkish: the note
    is in the default language, and "31.12." ends at 23:59 in Istanbul, not on 1 January."""
    anna = driver.teacher(101, "Anna", "lv")
    elif_ = driver.teacher(105, "Elif", "tr")
    link = await create_project(anna)
    await join(elif_, link, country="TR", school="Ankara Lisesi", contact="e@x.tr")
    await elif_.send("/away 04.01.2027")
    await anna.send("/deadline")
    await anna.send("Plakāti")
    await anna.click("Elif")
    echo = await anna.send("31.12.")
    assert "22:59" in echo.text  # 23:59 in Istanbul, shown in Anna's own time
    assert "Elif (prombūtnē)" in echo.text and "2027. gada 5. janvāris" in echo.text
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:yes")
    [note] = sent.to(105)
    assert "asks you to do" in note and "December 31, 2026, 23:59" in note
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.due_at == datetime(2026, 12, 31, 20, 59, tzinfo=UTC)
