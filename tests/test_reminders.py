"""Reminders: planned from a deadline, claimed atomically, sent exactly once, and Telegram's
429, 5xx and 403 answers handled without losing anything."""

import asyncio
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import Session, select

from bot.budget import Budget
from bot.context import TwinApp
from scheduler.delivery import Dispatcher, Pacer
from scheduler.planning import reminder_moments
from scheduler.reminders import jobs
from scheduler.reminders import plans as flow
from scheduler.reminders.rhythm import fitted_offsets
from storage import reminders, teams
from storage.db import Database
from storage.models import Away, Deadline, Project, Reminder, User
from tests.driver import Driver
from tests.test_quiz import linked_team, take_quiz
from tests.test_roles import team_of_three

LISBON = ZoneInfo("Europe/Lisbon")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make_dispatcher(app: TwinApp, db: Database, worker: str = "test") -> Dispatcher:
    """The process's dispatcher on a clock that jumps over every wait."""
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    budget = Budget(clock=clock, sleep=clock.sleep)
    services = app.bot_data["services"]
    return replace(jobs.dispatcher(services, app.bot, pacer, budget), worker=worker)


async def add_deadline(
    db: Database, *, owner: int, due_at: datetime, title: str = "River stories"
) -> int:
    def write(s):
        project_id = s.exec(select(Project.id)).first()
        deadline = Deadline(
            project_id=project_id, title=title, due_at=due_at, owner_id=owner, created_by=101
        )
        s.add(deadline)
        s.flush()
        flow.plan_deadline(s, deadline, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
        return deadline.id

    return await db.run(write)


async def rows(db: Database) -> list[Reminder]:
    return list(await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.id)).all()))


def test_moments_follow_the_readers_day_and_zone():
    due = datetime(2026, 12, 14, 23, 59, tzinfo=LISBON)  # a Monday
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    planned = reminder_moments(
        due, now, LISBON, lambda d: d.weekday() < 5 and d != date(2026, 12, 7)
    )
    assert [(p.kind, p.at.astimezone(LISBON).strftime("%a %d %H:%M")) for p in planned] == [
        (
            "before",
            "Fri 04 09:00",
        ),  # 7 days before is Mon 7 December, a holiday here: the Friday before
        ("before", "Fri 11 09:00"),  # 2 days before is a Saturday
        ("due", "Mon 14 09:00"),
    ]
    riga = reminder_moments(due, now, ZoneInfo("Europe/Riga"), lambda d: d.weekday() < 5)
    # 23:59 in Lisbon is 01:59 on Tuesday in Riga: that day's 09:00 is too late, so Monday's
    assert riga[-1].at.astimezone(ZoneInfo("Europe/Riga")).strftime("%a %H:%M") == "Mon 09:00"
    late = reminder_moments(due, due - timedelta(days=1), LISBON, lambda d: True)
    assert [p.kind for p in late] == ["due"]  # the past ones are not planned


async def test_pacer_spreads_reminders_over_chats():
    """The reminders' own pace inside the shared budget (tests/test_send_budget.py): one a
    second per private chat, one every 3 s per group, and a 429 holds them all."""
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for n in range(5):
        pacer.sent(1000 + n)
    pacer.sent(-100)
    assert pacer.busy() == {1000, 1001, 1002, 1003, 1004, -100}
    assert pacer.until_free() == pytest.approx(1.0)
    clock.now += 1.0
    assert pacer.busy() == {-100}  # a group: 20 a minute, so 3 s apart
    assert pacer.until_free() == pytest.approx(2.0)
    pacer.hold(10)
    assert pacer.held()
    before = clock.now
    await pacer.unheld()
    assert clock.now - before == pytest.approx(10) and not pacer.held()


async def test_reminders_reach_the_owner_once_with_buttons(
    driver: Driver, app: TwinApp, db: Database
):
    _anna, jonas, _maria = await team_of_three(driver)
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 102).values(timezone="Europe/Lisbon"))
    )
    due = datetime(2026, 12, 15, 23, 59, tzinfo=LISBON)
    deadline_id = await add_deadline(db, owner=102, due_at=due)
    planned = await rows(db)
    assert [(r.kind, r.due_at.astimezone(LISBON).strftime("%d %H:%M")) for r in planned] == [
        ("before", "08 09:00"),
        ("before", "11 09:00"),
        ("due", "15 09:00"),
        ("overdue", "16 09:00"),  # the owner's next working day, at the team's time
        ("overdue_lead", "17 07:00"),  # the coordinator in Riga, the working day after
    ]
    dispatcher = make_dispatcher(app, db)
    assert await dispatcher.run_once(datetime(2026, 12, 8, 8, 59, tzinfo=UTC)) == 0
    assert await dispatcher.run_once(datetime(2026, 12, 8, 9, 0, tzinfo=UTC)) == 1
    assert await dispatcher.run_once(datetime(2026, 12, 8, 9, 1, tzinfo=UTC)) == 0
    sent = [
        c
        for c in driver.fake.calls
        if c.method == "sendMessage" and c.chat_id == 102 and "River stories" in c.params["text"]
    ]
    assert len(sent) == 1 and "23:59" in sent[0].params["text"]
    # Done: the remaining reminders are dropped
    press = await jonas.click("Done")
    assert "Marked done" in press.text
    assert [r.status for r in await rows(db)] == ["sent"]
    assert (await db.run(lambda s: s.get(Deadline, deadline_id))).done_at is not None


async def test_snooze_and_buttons_are_checked(driver: Driver, app: TwinApp, db: Database):
    _anna, jonas, maria = await team_of_three(driver)
    deadline_id = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    await make_dispatcher(app, db).run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    message = driver.fake.messages(102)[-1]
    refused = await maria.press(message, f"dl:{deadline_id}:done")  # not hers
    assert refused.alerts
    with time_machine.travel(datetime(2026, 12, 11, 15, 0, tzinfo=UTC)):  # a Friday
        sent = await jonas.click("Snooze")
        await jonas.press(message, f"dl:{deadline_id}:snooze")  # again, on the same message
    assert "next working day" in sent.text
    snoozed = [r for r in await rows(db) if r.kind == "snoozed"]
    # Monday 14 December, 09:00 in Jonas's Vilnius: not the Saturday
    assert [r.due_at for r in snoozed] == [datetime(2026, 12, 14, 7, 0, tzinfo=UTC)]


async def test_two_dispatchers_send_each_reminder_exactly_once(
    driver: Driver, app: TwinApp, db: Database, db_url: str
):
    workers = 2
    await team_of_three(driver)
    deadline_id = await add_deadline(db, owner=102, due_at=datetime(2027, 1, 30, 12, 0, tzinfo=UTC))
    now = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)

    def many(s):
        for n in range(60):
            reminders.add(
                s,
                project_id=1,
                chat_id=102,
                user_id=102,
                kind="before",
                due_at=now - timedelta(seconds=n),
                deadline_id=deadline_id,
            )

    await db.run(many)
    others = [Database(db_url) for _ in range(workers)]
    try:
        dispatchers = [
            make_dispatcher(app, other, worker=f"w{n}") for n, other in enumerate(others)
        ]
        for d in dispatchers:
            d.batch = 7
        totals = [0] * workers

        async def drain(n: int) -> None:
            while (sent := await dispatchers[n].run_once(now)) or await others[n].run(
                lambda s: s.exec(
                    select(sa.func.count()).where(
                        Reminder.status == "pending", Reminder.due_at <= now
                    )
                ).one()
            ):
                totals[n] += sent

        await asyncio.gather(*(drain(n) for n in range(workers)))
    finally:
        for other in others:
            await other.close_async()
    statuses = [r.status for r in await rows(db) if r.due_at <= now]
    assert statuses == ["sent"] * 60
    assert sum(totals) == 60
    assert {r.claimed_by for r in await rows(db) if r.status == "sent"} <= {"w0", "w1"}
    messages = [
        c
        for c in driver.fake.calls
        if c.method == "sendMessage" and "River stories" in c.params.get("text", "")
    ]
    assert len(messages) == 60


async def test_429_500_and_403_are_handled(driver: Driver, app: TwinApp, db: Database):
    await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    dispatcher = make_dispatcher(app, db)
    first = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    driver.fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    assert await dispatcher.run_once(first) == 0
    row = (await rows(db))[0]
    assert row.status == "pending" and row.due_at == first + timedelta(seconds=3)
    driver.fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    assert await dispatcher.run_once(first + timedelta(seconds=3)) == 0
    row = (await rows(db))[0]
    assert (
        row.status == "pending" and row.attempts == 2 and row.due_at > first + timedelta(seconds=30)
    )
    assert await dispatcher.run_once(row.due_at) == 1
    # Jonas blocks the bot: the reminder fails, he is marked unreachable, the coordinator hears
    driver.fake.block_chat(102)
    assert await dispatcher.run_once(datetime(2026, 12, 11, 9, 0, tzinfo=UTC)) == 0
    assert (await db.run(lambda s: s.get(User, 102))).reachable is False
    # the coordinator hears on her next working day (Monday), at 09:00 in Riga
    second = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    assert [r.due_at for r in await rows(db) if r.kind == "blocked"] == [second]
    assert await dispatcher.run_once(second) == 1
    note = driver.fake.messages(101)[-1]["text"]
    assert "Jonas has blocked me" in note and "River stories" in note
    outcome = [(r.kind, r.status) for r in await rows(db) if r.due_at <= second]
    assert outcome == [("before", "sent"), ("before", "failed"), ("blocked", "sent")]


async def test_missed_while_down_late_if_useful_else_dropped(
    driver: Driver, app: TwinApp, db: Database
):
    await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    dispatcher = make_dispatcher(app, db)
    # the bot was down from 7 to 16 December: the 8th and 11th are useful no more after the 15th
    assert await dispatcher.run_once(datetime(2026, 12, 14, 10, 0, tzinfo=UTC)) == 2
    sent = [r for r in await rows(db) if r.status == "sent"]
    assert len(sent) == 2 and all(r.late for r in sent)
    assert (
        await dispatcher.run_once(datetime(2026, 12, 16, 10, 0, tzinfo=UTC)) == 1
    )  # overdue still useful
    dropped = [r.kind for r in await rows(db) if r.status == "dropped"]
    assert dropped == ["due"]


async def test_need_more_time_goes_to_the_coordinator(driver: Driver, app: TwinApp, db: Database):
    anna, jonas, maria = await team_of_three(driver)
    deadline_id = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    await make_dispatcher(app, db).run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    sent = await jonas.click("Need more time")
    assert "Which new date" in sent.text
    await jonas.send("22.12.2026")
    sent = await jonas.click("Yes")
    assert "asked your coordinator" in sent.text
    question = sent.to(101)
    assert question and "Jonas asks for more time" in question[0] and "December 22" in question[0]
    refused = await maria.press(
        driver.fake.messages(101)[-1],
        driver.fake.messages(101)[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
    )
    assert "Only the project's coordinator" in refused.alerts[0]
    for forged in (0, 999_999_999_999):  # 1970, the year 33658: no such proposal
        pressed = await anna.press(driver.fake.messages(101)[-1], f"dlx:{deadline_id}:{forged}:yes")
        assert pressed.alerts and "Approved" not in pressed.text
    sent = await anna.click("Approve")
    assert "Approved" in sent.text and "now due" in sent.to(102)[0]
    deadline = await db.run(lambda s: s.get(Deadline, deadline_id))
    assert deadline.due_at.astimezone(ZoneInfo("Europe/Vilnius")).date() == date(2026, 12, 22)
    pending = [r for r in await rows(db) if r.status == "pending"]
    assert pending and max(r.due_at for r in pending) > datetime(2026, 12, 22, tzinfo=UTC)


async def test_away_moves_reminders_and_tells_the_coordinator(
    driver: Driver, app: TwinApp, db: Database
):
    _anna, jonas, _maria = await team_of_three(driver)
    deadline_id = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    sent = await jonas.send("/away 12.12.2026")
    assert "away until" in sent.text and "Jonas is away until" in sent.to(101)[0]
    kinds = sorted(r.kind for r in await rows(db) if r.deadline_id == deadline_id)
    # the early reminders would fall in the pause (from today to 12 December): they wait,
    # only the one on the day itself (after the pause) and the overdue checks remain
    assert kinds == ["due", "overdue", "overdue_lead"]
    sent = await jonas.send("/away whenever")
    assert "Until when" in sent.text
    sent = await jonas.send("/away 31.12.9999")  # refused; the pause stays as it was
    assert "more than a year" in sent.text and sent.to(101) == []
    assert (await db.run(lambda s: s.exec(select(Away)).one())).end == date(2026, 12, 12)
    sent = await jonas.send("/away off")
    assert "Welcome back" in sent.text
    planned = sorted(
        r.due_at.date()
        for r in await rows(db)
        if r.deadline_id == deadline_id and r.kind == "before"
    )
    assert planned == [date(2026, 12, 8), date(2026, 12, 11)]


async def test_the_coordinator_sets_the_rhythm_and_deadlines_follow(
    driver: Driver, app: TwinApp, db: Database
):
    anna, jonas, _maria = await team_of_three(driver)
    deadline_id = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    sent = await jonas.send("/reminders")
    assert "Only the project's coordinator" in sent.text
    sent = await anna.send("/reminders")
    assert "7, 2, 0" in sent.text and "09:00" in sent.text
    await anna.click("3·1·0")
    sent = await anna.click("15:00")
    assert "3, 1, 0" in sent.text and "✓ 15:00" in sent.buttons()
    planned = [
        r for r in await rows(db) if r.deadline_id == deadline_id and r.kind in ("before", "due")
    ]
    vilnius = ZoneInfo("Europe/Vilnius")
    assert [
        r.due_at.astimezone(vilnius).strftime("%d %H:%M")
        for r in sorted(planned, key=lambda r: r.due_at)
    ] == ["11 15:00", "14 15:00", "15 15:00"]
    forged = await jonas.press(driver.fake.messages(101)[-1], "rs:1:time:15:00")
    assert "Only the project's coordinator" in forged.alerts[0]


async def test_weekly_group_digest(driver: Driver, app: TwinApp, db: Database):
    anna, _jonas, _maria, group = await linked_team(driver)
    digests = [r for r in await rows(db) if r.kind == "digest"]
    riga = ZoneInfo("Europe/Riga")
    assert len(digests) == 1 and digests[0].chat_id == group.id
    first = digests[0].due_at
    assert first.astimezone(riga).strftime("%a %H:%M") == "Mon 09:00"
    await add_deadline(db, owner=102, due_at=first + timedelta(days=3))
    await add_deadline(db, owner=103, due_at=first + timedelta(days=20), title="Later work")
    await make_dispatcher(app, db).run_once(first)
    assert [r.status for r in await rows(db) if r.kind == "digest"] == ["sent", "pending"]
    text = driver.fake.messages(group.id)[-1]["text"]
    assert "Deadlines this week" in text and "River stories" in text and "Later work" not in text
    following = [r for r in await rows(db) if r.kind == "digest" and r.status == "pending"]
    assert [r.due_at - first for r in following] == [timedelta(days=7)]
    # the coordinator moves the digest to Friday at 15:00
    await anna.send("/reminders")
    await anna.click("Fri")
    await anna.click("📅 15:00")
    moved = [r for r in await rows(db) if r.kind == "digest" and r.status == "pending"]
    assert len(moved) == 1 and moved[0].due_at.astimezone(riga).strftime("%a %H:%M") == "Fri 15:00"
    # once the group is unlinked, its digests stop
    await group.remove_bot(anna)
    before = len(driver.fake.messages(group.id))
    await make_dispatcher(app, db).run_once(moved[0].due_at)
    assert [r.status for r in await rows(db) if r.kind == "digest"] == ["sent", "dropped"]
    assert len(driver.fake.messages(group.id)) == before


def test_offsets_fit_the_person():
    assert fitted_offsets((7, 2, 0), None) == (7, 2, 0)
    assert fitted_offsets((7, 2, 0), 3) == (7, 2, 0)
    assert fitted_offsets((7, 2, 0), 1) == (7,)  # works right away: not pestered
    assert fitted_offsets((3, 1, 0), 5) == (7, 3, 1, 0)  # last moment: an early one too


async def test_reminders_follow_the_quiz_answers(driver: Driver, app: TwinApp, db: Database):
    _anna, jonas, maria = await team_of_three(driver)
    await take_quiz(jonas, [5, 5, 3, 3, 3, 3, 3, 3, 3], {})  # last moment; criticism directly
    await take_quiz(maria, [1, 1, 3, 3, 3, 3, 3, 3, 3], {})  # right away; very gently
    await db.run(lambda s: s.execute(sa.update(Reminder).values(status="dropped")))
    late_worker = await add_deadline(
        db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC)
    )
    early_bird = await add_deadline(
        db, owner=103, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC), title="Maps"
    )
    kinds = {
        d: sorted(r.kind for r in await rows(db) if r.deadline_id == d and r.status == "pending")
        for d in (late_worker, early_bird)
    }
    assert kinds[late_worker] == ["before", "before", "due", "overdue", "overdue_lead"]
    assert kinds[early_bird] == ["before", "overdue", "overdue_lead"]
    await make_dispatcher(app, db).run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    assert "gentle" not in driver.fake.messages(102)[-1]["text"]  # Jonas likes it direct
    assert "gentle" in driver.fake.messages(103)[-1]["text"]


async def test_a_quiet_teacher_gets_a_gentle_check_in_and_the_coordinator_hears(
    driver: Driver, app: TwinApp, db: Database
):
    await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    last_seen = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 102).values(last_seen=last_seen))
    )
    dispatcher = make_dispatcher(app, db)
    await dispatcher.run_once(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    moment = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
    await dispatcher.run_once(moment)
    await db.run(lambda s: flow.plan_checkins(s, moment))  # only 17 days: quiet, two ignored
    checkins = [(r.kind, r.due_at) for r in await rows(db) if r.kind.startswith("checkin")]
    monday = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)  # 09:00 in Vilnius and Riga, not Friday noon
    assert checkins == [("checkin", monday), ("checkin_lead", monday)]
    await dispatcher.run_once(monday)
    assert "Is everything all right?" in driver.fake.messages(102)[-1]["text"]
    assert "has not answered two reminders" in driver.fake.messages(101)[-1]["text"]
    await db.run(lambda s: flow.plan_checkins(s, moment + timedelta(days=1)))
    again = [(r.kind, r.due_at) for r in await rows(db) if r.kind.startswith("checkin")]
    assert again == checkins  # once


async def test_no_check_in_after_one_reminder_or_a_short_silence(
    driver: Driver, app: TwinApp, db: Database
):
    await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    await db.run(
        lambda s: s.execute(
            sa.update(User)
            .where(User.id == 102)
            .values(last_seen=datetime(2026, 12, 1, tzinfo=UTC))
        )
    )
    dispatcher = make_dispatcher(app, db)
    await dispatcher.run_once(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    await db.run(lambda s: flow.plan_checkins(s, datetime(2026, 12, 16, tzinfo=UTC)))  # one ignored
    await dispatcher.run_once(datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    await db.run(
        lambda s: flow.plan_checkins(s, datetime(2026, 12, 12, tzinfo=UTC))
    )  # 11 days quiet
    assert not [r for r in await rows(db) if r.kind.startswith("checkin")]


async def test_a_regular_meeting_is_announced_in_each_members_time(
    driver: Driver, app: TwinApp, db: Database
):
    anna, jonas, _maria, group = await linked_team(driver)
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 103).values(timezone="Europe/Lisbon"))
    )
    sent = await jonas.send("/meeting")
    assert "Only the coordinator and the founders" in sent.text
    await anna.send("/meeting")
    sent = await anna.click("Tuesday")
    assert sent.text.startswith("✓ <i>Tuesday</i>\n")  # the button's label, not its value
    await anna.click("16:00")
    sent = await anna.click("every 2 weeks")
    assert "every 2 weeks on Tuesday at 16:00 (Europe/Riga)" in sent.text
    assert any("Team meeting" in t for t in sent.to(group.id))
    notes = sorted((r.chat_id, r.meeting_at) for r in await rows(db) if r.kind == "meeting")
    assert [c for c, _ in notes] == [101, 102, 103]
    first = notes[0][1]
    # set on Monday at noon: tomorrow's meeting is too near for a note on a working day before
    assert first.astimezone(ZoneInfo("Europe/Riga")).strftime("%a %d %H:%M") == "Tue 08 16:00"
    # 09:00 on Monday in Riga and Vilnius; Maria's Portugal keeps 8 December as a public
    # holiday, so she hears before the meeting after it, on Monday 21 at 09:00 in Lisbon
    assert sorted((r.chat_id, r.due_at) for r in await rows(db) if r.kind == "meeting") == [
        (101, datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),
        (102, datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),
        (103, datetime(2026, 12, 21, 9, 0, tzinfo=UTC)),
    ]
    dispatcher = make_dispatcher(app, db)
    assert await dispatcher.run_once(first - timedelta(days=1)) == 2
    assert "16:00" in driver.fake.messages(101)[-1]["text"]
    assert await dispatcher.run_once(datetime(2026, 12, 21, 9, 0, tzinfo=UTC)) == 3
    assert "14:00" in driver.fake.messages(103)[-1]["text"]  # 16:00 in Riga is 14:00 in Lisbon
    following = [
        (r.chat_id, r.meeting_at)
        for r in await rows(db)
        if r.kind == "meeting" and r.status == "pending"
    ]
    assert sorted(following) == [(reader, first + timedelta(weeks=4)) for reader in (101, 102, 103)]


async def test_many_teams_planned_at_once_as_each_alone(db: Database):
    """teams_changed looks every team up in one go; each team must still get its own
    rhythm, countries and quiz answers, exactly as when planned alone."""
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def seed(s):
        ids = []
        for n, (country, zone, offsets) in enumerate(
            [("LV", "Europe/Riga", "7,2,0"), ("LT", "Europe/Vilnius", "3,1,0")]
        ):
            lead = User(id=900 + n, display_name=f"Lead {n}", country=country, timezone=zone)
            partner = User(id=910 + n, display_name=f"Partner {n}", country="PL")
            s.add_all([lead, partner])
            project = teams.create_project(s, founder=lead, title=f"Team {n}")
            s.flush()
            invite = teams.create_invite(s, project_id=project.id, created_by=lead.id, now=now)
            teams.redeem_invite(s, token=invite.token, user=partner, now=now)
            reminders.save_settings(s, project_id=project.id, offsets=offsets)
            for owner, day in [(lead, 8), (partner, 23), (lead, 24)]:  # 24 Dec: holidays
                s.add(
                    Deadline(
                        project_id=project.id,
                        title=f"Step {day}",
                        due_at=datetime(2026, 12, day, 20, 0, tzinfo=UTC),
                        owner_id=owner.id,
                    )
                )
            ids.append(project.id)
        return ids

    project_ids = await db.run(seed)

    def planned(s):
        return sorted(
            (r.project_id, r.deadline_id, r.user_id, r.kind, r.due_at.isoformat())
            for r in s.exec(select(Reminder)).all()
        )

    for project_id in project_ids:
        await db.run(lambda s, p=project_id: flow.teams_changed(s, [p], now))
    alone = await db.run(planned)
    assert await db.run(lambda s: flow.teams_changed(s, project_ids, now)) == len(alone)
    together = await db.run(planned)
    assert together == alone
    kinds = {(row[0], row[3]) for row in together}
    assert {kind for _, kind in kinds} == {"before", "due", "overdue", "overdue_lead"}
    offsets_seen = {
        p: sorted({row[4][:10] for row in together if row[0] == p}) for p in project_ids
    }
    assert offsets_seen[project_ids[0]] != offsets_seen[project_ids[1]]  # each its own rhythm


async def test_many_teams_are_replanned_in_batches_two_at_a_time(
    db: Database, monkeypatch: pytest.MonkeyPatch
):
    due = datetime(2026, 12, 15, 20, 0, tzinfo=UTC)

    def seed(s):
        project_ids = []
        for n in range(5):
            founder = User(id=900 + n, display_name=f"Teacher {n}", country="LV", started=True)
            s.add(founder)
            project = teams.create_project(s, founder=founder, title=f"Team {n}")
            s.flush()
            s.add(
                Deadline(
                    project_id=project.id,
                    title="Video",
                    due_at=due,
                    owner_id=founder.id,
                    created_by=founder.id,
                )
            )
            project_ids.append(project.id)
        return project_ids

    project_ids = await db.run(seed)
    batches: list[list[int]] = []
    real_plan, real_run = flow.teams_changed, db.run
    running = peak = 0

    def recording_plan(session, ids, now):
        batches.append(list(ids))
        return real_plan(session, ids, now)

    async def counting_run(fn):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            return await real_run(fn)
        finally:
            running -= 1

    monkeypatch.setattr(flow, "REPLAN_BATCH", 2)
    monkeypatch.setattr(flow, "teams_changed", recording_plan)
    monkeypatch.setattr(db, "run", counting_run)
    planned = await flow.replan_teams(db, project_ids, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert sorted(batches) == [project_ids[0:2], project_ids[2:4], project_ids[4:]]
    stored = await rows(db)
    assert planned == len(stored) > 0
    assert {r.project_id for r in stored} == set(project_ids)
    # PostgreSQL: one batch is planned while the other's rows are stored; SQLite's
    # sessions never wait, so its batches simply follow each other.
    assert peak == (2 if db.async_engine is not None else 1)


def _silent_as_specified(
    rows: list[Reminder], seen: dict[int, datetime | None], now: datetime, quiet: timedelta
) -> list[tuple[int, int]]:
    """`reminders.silent` in plain Python, straight from its docstring: the counted query
    must give the same pairs."""
    ignored: dict[tuple[int, int], int] = {}
    for r in rows:
        if r.user_id is None:
            continue
        last = seen[r.user_id]
        if (
            r.status == reminders.SENT
            and r.kind in ("before", "due", "overdue")
            and last is not None
            and last < now - quiet
            and r.sent_at is not None
            and r.sent_at > last
        ):
            ignored[r.user_id, r.project_id] = ignored.get((r.user_id, r.project_id), 0) + 1
    asked = {
        (r.user_id, r.project_id)
        for r in rows
        if r.kind == "checkin"
        and r.status != reminders.DROPPED
        and r.user_id is not None
        and (seen[r.user_id] is None or r.due_at > seen[r.user_id])
    }
    return sorted(k for k, n in ignored.items() if n >= 2 and k not in asked)


async def test_quiet_teachers_are_counted_by_the_database_as_specified(db: Database):
    """Random tables of 40 teachers in 4 projects: sent, failed and dropped reminders of
    every kind, some never sent, check-ins before and after the teacher last wrote, some
    dropped, teachers who never wrote. Same pairs as the plain definition, every time."""
    rng = random.Random(21)
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    for round_ in range(5):

        def fill(s: Session) -> tuple[list[Reminder], dict[int, datetime | None]]:
            s.execute(sa.delete(Reminder))
            s.execute(sa.delete(User))
            s.execute(sa.delete(Project))
            projects = [Project(title=f"P{n}") for n in range(4)]
            s.add_all(projects)
            s.flush()
            project_ids = [p.id for p in projects if p.id is not None]
            seen: dict[int, datetime | None] = {}
            for uid in range(1, 41):
                days = rng.choice([None, 3, 13, 15, 30, 60])
                seen[uid] = None if days is None else now - timedelta(days=days, hours=rng.random())
                s.add(User(id=uid, display_name=f"T{uid}", last_seen=seen[uid]))
            s.flush()
            rows = []
            for _ in range(400):
                uid = rng.randint(1, 40)
                status = rng.choice(["sent", "sent", "sent", "failed", "dropped", "pending"])
                at = now - timedelta(days=rng.uniform(0, 70))
                rows.append(
                    Reminder(
                        project_id=rng.choice(project_ids),
                        user_id=uid,
                        chat_id=uid,
                        kind=rng.choice(["before", "due", "overdue", "checkin", "digest"]),
                        due_at=at,
                        status=status,
                        sent_at=at if status == "sent" and rng.random() < 0.95 else None,
                    )
                )
            s.add_all(rows)
            s.flush()
            return rows, seen

        rows, seen = await db.run(fill)
        expected = _silent_as_specified(rows, seen, now, timedelta(days=14))
        got = await db.run(lambda s: reminders.silent(s, now=now, quiet=timedelta(days=14)))
        assert got == expected, round_
        assert len(expected) >= 3, "the table should make some teachers quiet"
