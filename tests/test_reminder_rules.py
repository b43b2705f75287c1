"""The rules reminders live by, each driven the way a team meets it: the weekly meeting
across the spring clock change, a loop blocked for seconds, members who were removed or
left, and the day-of reminder moved to an earlier working day."""

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import select

from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from bot.rules.calendar import Place
from scheduler.planning import reminder_moments
from scheduler.recurrence import next_occurrence
from scheduler.reminders import jobs
from scheduler.reminders import plans as flow
from scheduler.reminders.plans import meeting_note
from scheduler.reminders.rhythm import TeamRhythm
from storage import reminders
from storage.db import Database
from storage.models import Meeting, Reminder, ReminderStatus, User
from tests.conftest import settings_for
from tests.driver import Driver
from tests.test_quiz import linked_team
from tests.test_reminders import add_deadline, make_dispatcher, rows
from tests.test_roles import team_of_three

RIGA = ZoneInfo("Europe/Riga")


def test_a_weekly_series_keeps_its_local_hour_through_both_clock_changes():
    first = date(2026, 10, 6)  # a Tuesday, summer time
    moment = datetime(2026, 10, 1, tzinfo=UTC)
    hours = set()
    for _ in range(40):  # October 2026 to June 2027: both changes
        following = next_occurrence(first, clock(16, 0), RIGA, 1, moment)
        assert following > moment
        assert following - moment <= timedelta(days=7, hours=1)
        hours.add(following.astimezone(RIGA).strftime("%a %H:%M"))
        moment = following
    assert hours == {"Tue 16:00"}


def test_the_day_itself_moved_earlier_is_not_called_today():
    due = datetime(2026, 12, 14, 20, 0, tzinfo=UTC)  # a Monday, here a day off
    planned = reminder_moments(
        due,
        datetime(2026, 12, 1, tzinfo=UTC),
        RIGA,
        lambda d: d.weekday() < 5 and d.day != 14,
        offsets=(7, 0),
    )
    day_itself = [p for p in planned if p.days_before == 0]
    assert [(p.kind, p.at.astimezone(RIGA).strftime("%a %d")) for p in day_itself] == [
        ("before", "Fri 11")
    ]


async def test_meeting_notes_after_the_spring_clock_change_come_once_a_week(
    driver: Driver, db: Database
):
    """Set in March; each dispatcher run returns, each note plans the next strictly later,
    and every member hears once a week at the meeting's own hour."""
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=UTC), tick=True):
        anna, _jonas, _maria = await team_of_three(driver)
        await anna.send("/meeting")
        await anna.click("Tuesday")
        await anna.click("16:00")
        await anna.click("every week")
    dispatcher = make_dispatcher(driver.app, db)
    sent_before = len(driver.fake.calls)
    for _ in range(30):
        due = [r for r in await rows(db) if r.status == ReminderStatus.PENDING]
        moment = min(r.due_at for r in due if r.kind == "meeting")
        if moment > datetime(2027, 4, 20, tzinfo=UTC):
            break
        sent = await asyncio.wait_for(dispatcher.run_once(moment), timeout=10)
        assert 1 <= sent <= 3
        for row in await rows(db):
            if row.kind == "meeting" and row.status == ReminderStatus.PENDING:
                assert row.due_at > moment  # the follow-up is strictly later
    notes = [
        c
        for c in driver.fake.calls[sent_before:]
        if c.method == "sendMessage" and "Team meeting" in c.params["text"]
    ]
    assert 12 <= len(notes) <= 3 * 7  # seven weeks, three members, holidays skipped
    riga_notes = [c.params["text"] for c in notes if c.chat_id == 101]
    assert riga_notes and all("16:00" in text for text in riga_notes)
    assert len(riga_notes) == len(set(riga_notes))  # never the same meeting twice


async def test_delivery_goes_on_after_the_loop_was_blocked(
    fake: FakeBotApi, db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
):
    """APScheduler drops a one-off job that starts later than its grace time; the sending
    job must survive a blocked loop and send what becomes due afterwards."""
    monkeypatch.setattr(jobs, "DISPATCH_EVERY", 0.2)
    app = build_application(settings_for(fake, db_url), db)
    await app.initialize()
    await app.start()
    try:
        await team_of_three(Driver(app, fake))
        await asyncio.sleep(0.5)  # a few ordinary runs
        time.sleep(2.5)  # noqa: ASYNC251  (the loop stands still: runs are missed by over 1 s)
        deadline_id = await add_deadline(
            db, owner=102, due_at=datetime.now(UTC) + timedelta(days=9)
        )

        def due_now(s):
            reminders.add(
                s,
                project_id=1,
                chat_id=102,
                user_id=102,
                kind="before",
                due_at=datetime.now(UTC),
                deadline_id=deadline_id,
            )

        await db.run(due_now)
        await fake.wait_for(
            lambda c: (
                c.method == "sendMessage" and c.chat_id == 102 and "River" in c.params["text"]
            ),
            after=0,
            timeout=10,
        )
    finally:
        await app.stop()
        await app.shutdown()


async def test_removed_and_departed_members_hear_nothing_more(driver: Driver, db: Database):
    anna, jonas, maria = await team_of_three(driver)
    jonas_deadline = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    await add_deadline(db, owner=103, due_at=datetime(2026, 12, 16, 20, 0, tzinfo=UTC))
    dispatcher = make_dispatcher(driver.app, db)
    await dispatcher.run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    old_reminder = driver.fake.messages(102)[-1]
    assert "River stories" in old_reminder["text"]
    await jonas.press(old_reminder, f"dl:{jonas_deadline}:more")  # a dialog left open
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    pending = [r for r in await rows(db) if r.status == ReminderStatus.PENDING]
    assert 102 not in {r.chat_id for r in pending} | {r.user_id for r in pending}
    await maria.send("/leave")
    await maria.click("Yes, leave")
    pending = [r for r in await rows(db) if r.status == ReminderStatus.PENDING]
    assert {r.chat_id for r in pending} <= {101}
    assert {r.user_id for r in pending} <= {101, None}
    # a row planned before they left (as by a process that missed the change) is not sent
    await db.run(
        lambda s: reminders.add(
            s,
            project_id=1,
            chat_id=102,
            user_id=102,
            kind="overdue",
            due_at=datetime(2026, 12, 16, 7, 0, tzinfo=UTC),
            deadline_id=jonas_deadline,
        )
    )
    before = len(driver.fake.calls)
    await dispatcher.run_once(datetime(2027, 1, 31, tzinfo=UTC))
    to_them = [
        c for c in driver.fake.calls[before:] if c.method == "sendMessage" and c.chat_id != 101
    ]
    assert to_them == []
    # the dialog opened before and the buttons under the old reminder act for members only
    await jonas.send("22.12.2026")
    answered = await jonas.send("yes")
    assert answered.to(101) == [] and "not yours any more" in answered.text
    for action in ("done", "snooze", "more"):
        pressed = await jonas.press(old_reminder, f"dl:{jonas_deadline}:{action}")
        assert [c.method for c in pressed.calls] == ["answerCallbackQuery"]
        assert pressed.alerts
    assert (
        await db.run(
            lambda s: s.exec(
                select(Reminder).where(Reminder.chat_id == 102, Reminder.status == "pending")
            ).all()
        )
        == []
    )
    assert (await db.run(lambda s: s.get(User, 102))) is not None
    done = await db.run(
        lambda s: s.execute(
            sa.text("SELECT done_at FROM deadline WHERE id = :i"), {"i": jonas_deadline}
        ).scalar()
    )
    assert done is None


def test_a_meeting_note_comes_at_most_three_days_before():
    """Easter 2027 in Latvia: Good Friday, the weekend and Easter Monday are off, so the
    Tuesday meeting on 30 March has no working day within three days before it and brings
    no note (not one on Thursday, five days early); the next week's note is on Monday."""
    anna = User(id=1, display_name="Anna", country="LV", timezone="Europe/Riga")
    team = TeamRhythm(
        members={1: anna},
        places={1: (anna, Place("LV"))},
        offsets=(7, 2, 0),
        local_time=clock(9, 0),
        deadline_scale={},
        lead_id=1,
    )
    meeting = Meeting(
        project_id=1, weekday=1, at="16:00", zone="Europe/Riga", first=date(2027, 3, 2)
    )
    found = meeting_note(meeting, team, 1, datetime(2027, 3, 23, 12, 0, tzinfo=UTC))
    assert found is not None
    note, moment = found
    assert note.astimezone(RIGA).strftime("%a %d %b %H:%M") == "Mon 05 Apr 09:00"
    assert moment.astimezone(RIGA).strftime("%a %d %b %H:%M") == "Tue 06 Apr 16:00"


async def test_a_team_change_just_as_notes_fall_due_loses_none(driver: Driver, db: Database):
    """The dispatcher looks every few seconds, and not at all while the bot is down: a
    re-plan in between (anyone's /away, a new break) leaves the rows already due to it,
    neither deleting them nor planning their series twice."""
    anna, _jonas, maria, group = await linked_team(driver)
    await anna.send("/meeting")
    await anna.click("Tuesday")
    await anna.click("16:00")
    await anna.click("every week")
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    dispatcher = make_dispatcher(driver.app, db)
    for notes in (
        datetime(2026, 11, 30, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 7, 7, 0, tzinfo=UTC),
    ):
        await dispatcher.run_once(notes)  # Mondays, 09:00 in Riga and Vilnius
    reminder_due = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # a week before, 09:00 in Vilnius
    notes_due = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    for due, change in ((reminder_due, "/away 10.12.2026"), (notes_due, "/away off")):
        moment = due + timedelta(seconds=3)  # the dispatcher has not looked yet
        with time_machine.travel(moment):
            await maria.send(change)
        await dispatcher.run_once(moment)
    await dispatcher.run_once(datetime(2026, 12, 21, 12, 0, tzinfo=UTC))
    texts = {
        chat: [
            c.params["text"]
            for c in driver.fake.calls
            if c.method == "sendMessage" and c.chat_id == chat
        ]
        for chat in (101, 102)
    }
    for chat in (101, 102):
        notes = [text for text in texts[chat] if "Team meeting" in text]
        days = ("December 1,", "December 8,", "December 15,", "December 22,")
        assert len(notes) == 4 and all(d in n for d, n in zip(days, notes, strict=True)), notes
    assert len([t for t in texts[102] if "gentle reminder: “River stories”" in t]) == 2  # 8th, 11th
    digests = [m["text"] for m in driver.fake.messages(group.id) if "📅" in m.get("text", "")]
    assert len(digests) == 1 and "River stories" in digests[0]  # Monday 14 December


async def test_a_team_change_while_a_meeting_note_is_on_the_wire_plans_the_next_once(
    driver: Driver, db: Database
):
    """While the dispatcher waits for Telegram, the loop handles other teachers: a re-plan
    then (it leaves the row being sent alone) and the note's own follow-up must not both
    plan the reader's next note."""
    anna, _jonas, maria = await team_of_three(driver)
    await anna.send("/meeting")
    await anna.click("Tuesday")
    await anna.click("16:00")
    await anna.click("every week")
    dispatcher = make_dispatcher(driver.app, db)
    notes = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday, 09:00 in Riga and Vilnius
    with time_machine.travel(notes + timedelta(seconds=1)):
        driver.fake.delay_next("sendMessage", seconds=0.5)
        before = driver.fake.last_seq
        sending = asyncio.create_task(dispatcher.run_once(notes))
        await driver.fake.wait_for(lambda c: c.method == "sendMessage", after=before, timeout=5)
        await maria.send("/away 02.12.2026")
        sent = await sending
    pending = [r.chat_id for r in await rows(db) if r.kind == "meeting" and r.status == "pending"]
    assert sorted(pending) == [101, 102, 103]  # one next note each
    assert sent == 2  # the other note, due but not yet claimed, was not lost either


async def test_a_note_due_as_the_meeting_moves_tells_the_new_time(driver: Driver, db: Database):
    """A note already due survives a re-plan, but not a move of the meeting itself."""
    anna, _jonas, _maria = await team_of_three(driver)

    async def meet_on(day: str) -> None:
        await anna.send("/meeting")
        await anna.click(day)
        await anna.click("16:00")
        await anna.click("every week")

    await meet_on("Tuesday")  # notes on Monday 30 November, 09:00 in Riga and Vilnius
    with time_machine.travel(datetime(2026, 11, 30, 7, 0, 3, tzinfo=UTC)):
        await meet_on("Thursday")
    dispatcher = make_dispatcher(driver.app, db)
    for moment in (
        datetime(2026, 11, 30, 7, 0, 5, tzinfo=UTC),
        datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
    ):
        await dispatcher.run_once(moment)
    notes = [
        c.params["text"]
        for c in driver.fake.calls
        if c.method == "sendMessage"
        and c.chat_id in (101, 102)
        and "Team meeting of" in c.params["text"]
    ]
    assert len(notes) == 2 and all("Thursday, December 3" in text for text in notes), notes


async def test_the_coordinators_note_is_not_pushed_back_by_a_team_change(
    driver: Driver, db: Database
):
    """The coordinator hears on their working day after the owner's overdue note went, not
    a day after whenever the team last changed."""
    _anna, _jonas, maria = await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    overdue = datetime(2026, 12, 16, 7, 0, tzinfo=UTC)  # Wednesday, 09:00 in Vilnius
    await make_dispatcher(driver.app, db).run_once(overdue)
    with time_machine.travel(overdue + timedelta(hours=6)):
        await maria.send("/away 18.12.2026")
    lead = [r.due_at for r in await rows(db) if r.kind == "overdue_lead"]
    assert lead == [datetime(2026, 12, 17, 7, 0, tzinfo=UTC)]  # Thursday, 09:00 in Riga


async def test_no_check_in_for_a_teacher_who_wrote_since_it_was_planned(
    driver: Driver, db: Database
):
    _anna, jonas, _maria = await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    await db.run(
        lambda s: s.execute(
            sa.update(User)
            .where(User.id == 102)
            .values(last_seen=datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
        )
    )
    dispatcher = make_dispatcher(driver.app, db)
    friday = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
    await dispatcher.run_once(friday)  # the second reminder he leaves unanswered
    await db.run(lambda s: flow.plan_checkins(s, friday))  # for Monday at 09:00
    with time_machine.travel(datetime(2026, 12, 12, 10, 0, tzinfo=UTC)):
        await jonas.send("/deadlines")  # back on Saturday, on his own
    before = driver.fake.last_seq
    await dispatcher.run_once(datetime(2026, 12, 14, 12, 0, tzinfo=UTC))
    notes = [c.params["text"] for c in driver.fake.calls[before:] if c.method == "sendMessage"]
    assert not [text for text in notes if "👋" in text or "quiet" in text], notes
    # quiet again for two weeks after two more reminders: this silence gets its check-in
    for day in (15, 17):  # the day itself, and the overdue note
        await dispatcher.run_once(datetime(2026, 12, day, 12, 0, tzinfo=UTC))
    await db.run(lambda s: flow.plan_checkins(s, datetime(2026, 12, 28, 12, 0, tzinfo=UTC)))
    assert [r.chat_id for r in await rows(db) if r.kind == "checkin" and r.status == "pending"] == [
        102
    ]


async def test_more_time_after_the_overdue_note_brings_its_own(driver: Driver, db: Database):
    """Approved after the overdue note went, the new date gets its own overdue note, also
    when the team changes once the new date has passed."""
    anna, jonas, maria = await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    dispatcher = make_dispatcher(driver.app, db)
    await dispatcher.run_once(datetime(2026, 12, 16, 7, 0, tzinfo=UTC))  # the overdue note
    with time_machine.travel(datetime(2026, 12, 16, 8, 0, tzinfo=UTC)):
        await jonas.click("Need more time")
        await jonas.send("18.12.2026")
        await jonas.click("Yes")
        await anna.click("Approve")
    with time_machine.travel(datetime(2026, 12, 19, 10, 0, tzinfo=UTC)):  # Saturday
        await maria.send("/away 21.12.2026")
    await dispatcher.run_once(datetime(2026, 12, 23, 12, 0, tzinfo=UTC))
    overdue = [
        c.params["text"]
        for c in driver.fake.calls
        if c.method == "sendMessage" and c.chat_id == 102 and "Is it done?" in c.params["text"]
    ]
    assert len(overdue) == 2 and "December 18" in overdue[1], overdue
    to_lead = [c for c in driver.fake.calls if c.method == "sendMessage" and c.chat_id == 101]
    assert any("is not marked done yet" in c.params["text"] for c in to_lead)
