"""Planning reminder rows. Every change of a team (member added, removed, left or
forgotten, away or back, school breaks, rhythm, roles, meeting) calls `teams_changed`,
which re-plans that team's rows from its current state; a sent digest or meeting note
plans the next one in `follow_up`, after the send is finished.

Rules: deadline reminders come on the reader's working days at the team's reminder time
(scheduler/planning.py); notes that follow a moment (overdue, the coordinator's, check-
ins, a snooze, "blocked") come at that time on the reader's next working day, never in a
pause; the meeting and the digest keep their owner's local hour across clock changes."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.moments import zone_of
from scheduler.planning import reminder_moments
from scheduler.recurrence import local_moment, next_occurrence, next_weekly
from scheduler.reminders.rhythm import TeamRhythm, fitted_offsets
from storage import deadlines, reminders, teams
from storage.db import Database
from storage.models import Deadline, Meeting, Reminder, ReminderKind

OVERDUE_AFTER = timedelta(hours=1)  # the owner hears the working day after, at least this late
LEAD_AFTER = timedelta(hours=12)  # the coordinator: the working day after the owner's note
REPLAN_BACK = timedelta(days=60)  # deadlines passed this long ago may still have notes to move
MEETING_NOTE_BACK = 3  # days: the note comes on the last working day within these before
QUIET = timedelta(days=14)  # a teacher silent this long after two reminders gets a check-in
REPLAN_BATCH = 100  # teams per transaction when many teams are re-planned at once
REPLAN_IN_FLIGHT = 2  # batches at a time

Moment = tuple[int, ReminderKind, datetime]  # reader, kind, when


def _moments(
    deadline: Deadline, team: TeamRhythm, now: datetime, overdue_went: datetime | None = None
) -> list[Moment]:
    """The owner's reminders before the deadline, the owner's overdue note and the
    coordinator's a working day after it (after the one that went, `overdue_went`, not
    after a note planned anew); nothing for an owner who is not in the team."""
    owner = team.reader(deadline.owner_id)
    if owner is None:
        return []
    planned = reminder_moments(
        deadline.due_at,
        now,
        owner.zone,
        owner.working,
        offsets=fitted_offsets(team.offsets, team.deadline_scale.get(owner.user.id)),
        local_time=team.local_time,
    )
    moments: list[Moment] = [(owner.user.id, ReminderKind(p.kind), p.at) for p in planned]
    overdue = team.next_moment(owner.user.id, max(deadline.due_at + OVERDUE_AFTER, now))
    if overdue is None:
        return moments
    moments.append((owner.user.id, ReminderKind.OVERDUE, overdue))
    if team.lead_id is not None and team.lead_id != owner.user.id:
        went = overdue if overdue_went is None else overdue_went
        lead_at = team.next_moment(team.lead_id, max(went + LEAD_AFTER, now))
        if lead_at is not None:
            moments.append((team.lead_id, ReminderKind.OVERDUE_LEAD, lead_at))
    return moments


def plan_deadlines(
    session: Session,
    found: Iterable[Deadline],
    now: datetime,
    rhythm: dict[int, TeamRhythm] | None = None,
) -> int:
    """(Re)create the planned rows of these deadlines, of one team or many, with one
    query per kind; a done deadline keeps none, a note already sent is not planned again.
    `rhythm` holds the teams when the caller has loaded them. Returns the rows planned."""
    group = {d.id: d for d in found if d.id is not None}
    open_ = [d for d in group.values() if d.done_at is None and d.owner_id is not None]
    if rhythm is None:
        rhythm = TeamRhythm.load(session, {d.project_id for d in open_}) if open_ else {}
    went = reminders.finished(
        session,
        deadline_ids=[d.id for d in open_ if d.id is not None and d.due_at <= now],
        now=now,
    )
    # a note about a date the deadline was moved from (more time) is not one about this date
    gone = {key: at for key, at in went.items() if at > group[key[0]].due_at}
    rows: list[dict[str, object]] = [
        {
            "project_id": deadline.project_id,
            "deadline_id": deadline.id,
            "user_id": reader,
            "chat_id": reader,
            "kind": kind,
            "due_at": at,
        }
        for deadline in open_
        for reader, kind, at in _moments(
            deadline,
            rhythm[deadline.project_id],
            now,
            gone.get((deadline.id or 0, deadline.owner_id or 0, ReminderKind.OVERDUE)),
        )
        if (deadline.id, reader, kind) not in gone
    ]
    reminders.replace_pending(session, deadline_ids=group.keys(), rows=rows, now=now)
    return len(rows)


def plan_deadline(session: Session, deadline: Deadline, now: datetime) -> None:
    """A deadline was set, moved or done: its reminders follow."""
    assert deadline.id is not None
    plan_deadlines(session, [deadline], now)


def teams_changed(session: Session, project_ids: Collection[int], now: datetime) -> int:
    """The one entry point after any change of these teams: rows of people who left go,
    open deadlines (and notes of recently passed ones) are re-planned, the meeting notes
    and digests follow the current members, calendars and rhythm. Returns the number of
    deadline rows planned."""
    ids = sorted(set(project_ids))
    teams.plan_afresh(session)
    teams.lock_series(session, ids)
    rhythm = TeamRhythm.load(session, ids)
    for project_id in ids:
        members = list(rhythm[project_id].members)
        reminders.drop_pending_of_others(session, project_id=project_id, member_ids=members)
    found = deadlines.ahead(session, now=now - REPLAN_BACK, project_ids=ids)
    planned = plan_deadlines(session, found, now, rhythm)
    for meeting in (m for m in (session.get(Meeting, p) for p in ids) if m is not None):
        announce_meeting(session, meeting, rhythm[meeting.project_id], now)
    for project_id in ids:
        for group in teams.group_chats(session, project_id=project_id):
            schedule_digest(session, project_id=project_id, chat_id=group.chat_id, now=now)
    return planned


async def replan_teams(db: Database, project_ids: Sequence[int], now: datetime) -> int:
    """`teams_changed` for many teams (a country's school breaks changed), REPLAN_BATCH
    teams a transaction, so the bot answers other teachers between batches. Two batches
    run at a time: while PostgreSQL stores one batch's rows, the next is planned on the
    loop. Returns the number of deadline rows planned."""
    slots = asyncio.Semaphore(REPLAN_IN_FLIGHT)

    async def batch(first: int) -> int:
        async with slots:
            ids = project_ids[first : first + REPLAN_BATCH]
            return await db.run(lambda s: teams_changed(s, ids, now))

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(batch(n)) for n in range(0, len(project_ids), REPLAN_BATCH)]
    except ExceptionGroup as failed:  # the others are cancelled; raise as a plain loop would
        raise failed.exceptions[0] from None
    return sum(task.result() for task in tasks)


def meeting_after(meeting: Meeting, after: datetime) -> datetime:
    """The team meeting's first moment strictly after `after` (UTC)."""
    zone = ZoneInfo(meeting.zone)
    at = time.fromisoformat(meeting.at)
    return next_occurrence(meeting.first, at, zone, meeting.every_weeks, after)


def meeting_note(
    meeting: Meeting,
    team: TeamRhythm,
    user_id: int,
    after: datetime,
    *,
    told: Collection[datetime] = (),
) -> tuple[datetime, datetime] | None:
    """(when to tell, meeting moment) of the reader's next meeting note after `after`: on
    their last working day within MEETING_NOTE_BACK days before a meeting on a day they
    work; meetings on their days off, and those in `told`, are skipped. None after a year
    without one."""
    reader = team.reader(user_id)
    if reader is None:
        return None
    moment = after
    for _ in range(53):
        moment = meeting_after(meeting, moment)
        day = moment.astimezone(reader.zone).date()
        if moment in told or not reader.working(day):
            continue
        for back in range(1, MEETING_NOTE_BACK + 1):
            if reader.working(day - timedelta(days=back)):
                note = local_moment(day - timedelta(days=back), team.local_time, reader.zone)
                if note > after:
                    return note, moment
                break
    return None


def _add_meeting_note(
    session: Session,
    meeting: Meeting,
    team: TeamRhythm,
    user_id: int,
    after: datetime,
    *,
    told: Collection[datetime] = (),
) -> None:
    found = meeting_note(meeting, team, user_id, after, told=told)
    if found is not None:
        note, moment = found
        session.add(
            Reminder(
                project_id=meeting.project_id,
                chat_id=user_id,
                user_id=user_id,
                kind=ReminderKind.MEETING,
                due_at=note,
                meeting_at=moment,
            )
        )


def announce_meeting(session: Session, meeting: Meeting, team: TeamRhythm, now: datetime) -> None:
    """(Re)plan every member's next meeting note; a meeting already noted (or with its
    note due) is skipped."""
    reminders.drop_pending(
        session, project_ids=[meeting.project_id], kind=ReminderKind.MEETING, now=now
    )
    told = reminders.meeting_notes_sent(session, project_id=meeting.project_id, now=now)
    for user_id in team.members:
        mine = {at for reader, at in told if reader == user_id}
        _add_meeting_note(session, meeting, team, user_id, now, told=mine)


def coordinator_zone(session: Session, project_id: int) -> ZoneInfo:
    lead = teams.coordinator(teams.members(session, project_id=project_id))
    return zone_of(lead.user) if lead is not None and lead.user is not None else ZoneInfo("UTC")


def schedule_digest(session: Session, *, project_id: int, chat_id: int, now: datetime) -> None:
    """The group's next weekly digest, on the team's day and time in the coordinator's zone."""
    rhythm = reminders.settings(session, project_id=project_id)
    at = next_weekly(
        rhythm.digest_weekday,
        time.fromisoformat(rhythm.digest_time),
        coordinator_zone(session, project_id),
        now,
    )
    reminders.replace_digest(session, project_id=project_id, chat_id=chat_id, due_at=at, now=now)


def follow_up(session: Session, reminder: Reminder, now: datetime) -> None:
    """After a digest or a meeting note is finished (sent, dropped or refused), the next
    one of its series, always strictly later than the row that plans it."""
    if reminder.kind not in (ReminderKind.DIGEST, ReminderKind.MEETING):
        return  # a deadline's rows are planned all at once, not one after another
    after = max(now, reminder.due_at)
    teams.lock_series(session, [reminder.project_id])
    if reminder.kind == ReminderKind.DIGEST:
        if teams.bound_project(session, chat_id=reminder.chat_id) is None:
            return  # the group was unlinked: the digests end
        schedule_digest(
            session, project_id=reminder.project_id, chat_id=reminder.chat_id, now=after
        )
    elif reminder.kind == ReminderKind.MEETING and reminder.meeting_at is not None:
        meeting = session.get(Meeting, reminder.project_id)
        if meeting is None or reminder.user_id is None:
            return
        team = TeamRhythm.load(session, [reminder.project_id])[reminder.project_id]
        # the reader's next note replaces one a re-plan made while this one was on its way
        reminders.drop_pending(
            session,
            project_ids=[reminder.project_id],
            kind=ReminderKind.MEETING,
            now=now,
            chat_id=reminder.chat_id,
        )
        _add_meeting_note(session, meeting, team, reminder.user_id, max(after, reminder.meeting_at))


def plan_checkins(session: Session, now: datetime) -> None:
    """Risk 1, "a partner disappears": a gentle private check-in for a teacher who ignored
    two reminders and has been quiet for two weeks, and a private note to the coordinator,
    each on their next working day."""
    silent = reminders.silent(session, now=now, quiet=QUIET)
    rhythm = TeamRhythm.load(session, {project_id for _user, project_id in silent})
    for user_id, project_id in silent:
        team = rhythm[project_id]
        at = team.next_moment(user_id, now)
        if at is None:
            continue
        reminders.add(
            session,
            project_id=project_id,
            chat_id=user_id,
            user_id=user_id,
            kind=ReminderKind.CHECKIN,
            due_at=at,
        )
        lead_at = team.next_moment(team.lead_id, now)
        if team.lead_id is not None and team.lead_id != user_id and lead_at is not None:
            reminders.add(
                session,
                project_id=project_id,
                chat_id=team.lead_id,
                user_id=user_id,
                kind=ReminderKind.CHECKIN_LEAD,
                due_at=lead_at,
            )


def snooze(session: Session, deadline: Deadline, user_id: int, now: datetime) -> datetime | None:
    """The reminder again on the reader's next working day after today (a Friday's
    snooze comes on Monday), one snooze at a time; returns when, or None if they are
    not in the team."""
    assert deadline.id is not None
    team = TeamRhythm.load(session, [deadline.project_id])[deadline.project_id]
    reader = team.reader(user_id)
    if reader is None:
        return None
    tomorrow = now.astimezone(reader.zone).date() + timedelta(days=1)
    at = team.next_moment(user_id, local_moment(tomorrow, time(0, 0), reader.zone))
    reminders.drop_snoozed(session, deadline_id=deadline.id, user_id=user_id)
    if at is not None:
        reminders.add(
            session,
            project_id=deadline.project_id,
            chat_id=user_id,
            user_id=user_id,
            kind=ReminderKind.SNOOZED,
            due_at=at,
            deadline_id=deadline.id,
        )
    return at


def tell_coordinator(session: Session, reminder: Reminder, now: datetime) -> None:
    """The reader blocked the bot: they are marked unreachable (by the caller) and the
    coordinator hears once, on their next working day."""
    if reminder.user_id is None or reminder.kind == ReminderKind.BLOCKED:
        return
    team = TeamRhythm.load(session, [reminder.project_id])[reminder.project_id]
    at = team.next_moment(team.lead_id, now)
    if team.lead_id is None or team.lead_id == reminder.user_id or at is None:
        return
    reminders.add(
        session,
        project_id=reminder.project_id,
        chat_id=team.lead_id,
        user_id=team.lead_id,
        kind=ReminderKind.BLOCKED,
        due_at=at,
        deadline_id=reminder.deadline_id,
    )
