"""Times in each reader's clock: a team in Riga, Istanbul and Lisbon reads the moments
of its group posts (a new deadline, more time approved, the meeting, the weekly digest,
/deadlines) as Telegram's date-time entity, so each sees their own local time; a client
without it shows the text inside: the moment in the owner's or the team's zone, its city
named. Private messages stay in the reader's own zone as plain text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.context import TwinApp
from bot.i18n import Translator
from bot.timetag import time_tag
from scheduler.moments import when
from storage.db import Database
from storage.models import Deadline, User
from tests.driver import Driver, Group, Teacher
from tests.test_fit import shown
from tests.test_quiz import linked_team
from tests.test_reminders import add_deadline, make_dispatcher, rows

RIGA, ISTANBUL, LISBON = (ZoneInfo(z) for z in ("Europe/Riga", "Europe/Istanbul", "Europe/Lisbon"))
EN = Translator("en")


def moments(message: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(unix time, format, text an old client shows) of each date_time entity."""
    text = (message.get("text") or "").encode("utf-16-le")
    return [
        (
            e["unix_time"],
            e.get("date_time_format", ""),
            text[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"),
        )
        for e in message.get("entities", [])
        if e["type"] == "date_time"
    ]


async def international_team(
    driver: Driver, db: Database
) -> tuple[Teacher, Teacher, Teacher, Group]:
    """Anna coordinates from Riga, Jonas works in Istanbul, Maria in Lisbon."""
    anna, jonas, maria, group = await linked_team(driver)
    for uid, zone, country in ((102, "Europe/Istanbul", "TR"), (103, "Europe/Lisbon", "PT")):
        await db.run(
            lambda s, uid=uid, zone=zone, country=country: s.execute(
                sa.update(User).where(User.id == uid).values(timezone=zone, country=country)
            )
        )
    return anna, jonas, maria, group


async def test_a_deadline_and_more_time_reach_the_group_in_each_members_clock(
    driver: Driver, db: Database
):
    anna, jonas, _maria, group = await international_team(driver, db)
    await anna.send("/deadline")
    await anna.send("River stories")
    await anna.click("Jonas")
    await anna.send("15.12.")
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:yes")
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    # all day: the end of the 15th where Jonas works
    assert deadline.due_at == datetime(2026, 12, 15, 23, 59, tzinfo=ISTANBUL)
    post = next(c.result for c in sent.calls if c.chat_id == group.id)
    fallback = "Tuesday, December 15, 2026, 23:59 (Istanbul)"
    assert when(EN, deadline.due_at, ISTANBUL) + " (Istanbul)" == fallback
    assert post["text"] == f"📌 New deadline: “River stories” (Jonas), due {fallback}."
    assert moments(post) == [(int(deadline.due_at.timestamp()), "wDt", fallback)]
    # in private, each reads their own zone as plain text, as before
    assert "<tg-time" not in "".join(sent.to(101) + sent.to(102))
    assert "December 15, 2026, 23:59 (your time)" in sent.to(102)[0]

    listed = await jonas.send("/deadlines", group)
    shown_in_group = listed.calls[-1].result
    assert moments(shown_in_group) == [(int(deadline.due_at.timestamp()), "wDt", fallback)]
    assert "Times are in" not in shown_in_group["text"]  # the city is in each line instead
    private = await jonas.send("/deadlines")
    assert "Times are in Europe/Istanbul" in private.text and "<tg-time" not in private.text

    await jonas.press(driver.fake.messages(102)[-1], f"dl:{deadline.id}:more")
    await jonas.send("18.12.")
    await jonas.press(driver.fake.messages(102)[-1], "more_time:confirm:yes")
    approved = await anna.click("Approve")
    later = datetime(2026, 12, 18, 23, 59, tzinfo=ISTANBUL)
    news = [c.result for c in approved.calls if c.chat_id == group.id]
    assert len(news) == 1 and news[0]["text"].startswith("⏳ More time for “River stories” (Jonas)")
    assert moments(news[0]) == [
        (int(later.timestamp()), "wDt", "Friday, December 18, 2026, 23:59 (Istanbul)")
    ]
    assert "<tg-time" not in "".join(approved.to(101) + approved.to(102))


async def test_the_meeting_post_shows_the_weekday_and_hour_in_each_clock(
    driver: Driver, db: Database
):
    anna, _jonas, _maria, group = await international_team(driver, db)
    await anna.send("/meeting")
    await anna.click("Tuesday")
    await anna.click("16:00")
    sent = await anna.click("every week")
    post = next(c.result for c in sent.calls if c.chat_id == group.id)
    tomorrow = datetime(2026, 11, 24, 16, 0, tzinfo=RIGA)  # the next meeting
    assert moments(post) == [(int(tomorrow.timestamp()), "wt", "Tuesday at 16:00 (Riga)")]
    assert post["text"].startswith("📹 Team meeting: every week on Tuesday at 16:00 (Riga).")
    assert "every week on Tuesday at 16:00 (Europe/Riga)" in sent.to(101)[0]  # private: as before


async def test_the_digest_shows_each_deadline_in_each_clock(
    driver: Driver, app: TwinApp, db: Database
):
    await international_team(driver, db)
    digest = next(r for r in await rows(db) if r.kind == "digest")
    due = {
        102: datetime(2026, 12, 2, 23, 59, tzinfo=ISTANBUL),
        103: datetime(2026, 12, 3, 23, 59, tzinfo=LISBON),
    }
    for owner, at in due.items():
        await add_deadline(db, owner=owner, due_at=at, title=f"Step {owner}")
    before = driver.fake.last_seq
    await make_dispatcher(app, db).run_once(digest.due_at)
    post = next(c.result for c in driver.fake.calls[before:] if c.chat_id == digest.chat_id)
    # the team's zone (the coordinator's, Riga) for old clients, as the digest always did
    assert moments(post) == [
        (int(at.timestamp()), "wDt", f"{when(EN, at, RIGA)} (Riga)") for at in due.values()
    ]
    assert "Wednesday, December 2, 2026, 22:59 (Riga)" in post["text"]
    assert "Friday, December 4, 2026, 01:59 (Riga)" in post["text"]


async def test_a_digest_in_many_parts_keeps_each_moment_whole(
    driver: Driver, app: TwinApp, db: Database
):
    """A line longer than a message is cut at a space, but never inside its moment:
    the first part ends where the moment's text would cross 4,096 code units."""
    await international_team(driver, db)
    digest = next(r for r in await rows(db) if r.kind == "digest")
    due = [digest.due_at + timedelta(hours=n + 1) for n in range(3)]
    head = len("📅 Deadlines this week:\n• ") + 1  # the calendar emoji counts two
    titles = ["ū" * (4096 - head - len(": ") - 15), "Maps", "Songs"]
    for n, (at, title) in enumerate(zip(due, titles, strict=True)):
        await add_deadline(db, owner=101 + n, due_at=at, title=title)
    before = driver.fake.last_seq
    await make_dispatcher(app, db).run_once(digest.due_at)
    calls = [c for c in driver.fake.calls[before:] if c.chat_id == digest.chat_id]
    assert len(shown(calls)) == 2  # accepted, in two parts
    assert calls[0].result["text"].endswith("ūūū:")
    found = [m for c in calls for m in moments(c.result)]
    assert found == [(int(at.timestamp()), "wDt", f"{when(EN, at, RIGA)} (Riga)") for at in due]


def test_the_date_time_tag_escapes_its_text_and_refuses_a_naive_moment():
    at = datetime(2026, 12, 18, 23, 59, tzinfo=RIGA)
    tag = time_tag(at, "18 <Dec> & more", "wt")
    assert (
        tag
        == f'<tg-time unix="{int(at.timestamp())}" format="wt">18 &lt;Dec&gt; &amp; more</tg-time>'
    )
    assert (
        time_tag(at, "as written", "")
        == f'<tg-time unix="{int(at.timestamp())}">as written</tg-time>'
    )
    far = datetime(2029, 11, 26, tzinfo=UTC)  # 1099 days from today: Telegram takes no tag
    assert time_tag(far, "in 3 years") == "in 3 years"
    assert time_tag(datetime(1969, 12, 31, tzinfo=UTC), "<1970") == "&lt;1970"
    with pytest.raises(ValueError, match="time zone"):
        time_tag(at.replace(tzinfo=None), "x")
    with pytest.raises(ValueError, match="format"):
        time_tag(at, "x", "tw")


async def test_groups_in_another_language_get_its_words(driver: Driver, db: Database):
    anna, _jonas, _maria, group = await international_team(driver, db)
    await anna.send("/language", group)
    await anna.click("Latviešu", group)
    await anna.send("/deadline")
    await anna.send("Upju stāsti")
    await anna.click("Maria")
    await anna.send("15.12.")
    sent = await anna.press(driver.fake.messages(101)[-1], "deadline:confirm:yes")
    post = next(c.result for c in sent.calls if c.chat_id == group.id)
    at = datetime(2026, 12, 15, 23, 59, tzinfo=LISBON)
    assert moments(post) == [
        (int(at.timestamp()), "wDt", "otrdien, 2026. gada 15. decembrī, 23:59 (Lisabona)")
    ]
