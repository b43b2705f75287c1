"""What a due reminder row says: one renderer per kind, in the reader's language (their
choice, else Telegram's, else DEFAULT_LANGUAGE) and time zone. A renderer returns None
when the row is no longer useful: the reader left, the deadline is done or passed, the
group was unlinked. Renderers only read; `plans.follow_up` plans what comes next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.i18n import Html, Translator, lines, translator_for
from bot.reply import Button, Message
from scheduler.moments import shared_when, when, zone_of
from scheduler.reminders.plans import QUIET, coordinator_zone, meeting_after
from scheduler.reminders.rhythm import quiz_value
from storage import deadlines, teams
from storage.models import ChatBinding, Deadline, Meeting, Project, Reminder, ReminderKind, User

Renderer = Callable[[Session, Reminder, datetime, str], Message | None]
Show = Callable[[Translator, datetime, ZoneInfo], str]  # `when`, or `shared_when` in a group
DIRECT = 4  # quiz "Criticism: I like to receive it…" from here on: plain wording


def deadline_lines(
    session: Session,
    t: Translator,
    project_id: int,
    found: list[Deadline],
    zone: ZoneInfo,
    *,
    show: Show = when,
) -> list[Html]:
    """One line per deadline: what, when (shown by `show` in `zone`) and who."""
    names = {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project_id)
        if m.user
    }
    return [
        t(
            "• <b>{title}</b>: {when} ({name})",
            title=d.title,
            when=show(t, d.due_at, zone),
            name=names.get(d.owner_id or 0, "—"),
        )
        for d in found
    ]


def _owner_kind(reminder: Reminder, deadline: Deadline, zone: ZoneInfo, now: datetime) -> str:
    """A snoozed reminder reads as what it is when it arrives."""
    if reminder.kind != ReminderKind.SNOOZED:
        return reminder.kind
    if deadline.due_at <= now:
        return ReminderKind.OVERDUE
    same_day = deadline.due_at.astimezone(zone).date() == now.astimezone(zone).date()
    return ReminderKind.DUE if same_day else ReminderKind.BEFORE


def _to_owner(session: Session, reminder: Reminder, now: datetime, default: str) -> Message | None:
    """Before, on and after the deadline's day, with Done / more time / snooze."""
    reader = session.get(User, reminder.user_id) if reminder.user_id else None
    deadline = session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
    if reader is None or deadline is None or deadline.done_at is not None:
        return None
    if deadline.owner_id != reader.id:
        return None  # handed over since
    zone = zone_of(reader)
    kind = _owner_kind(reminder, deadline, zone, now)
    if kind in (ReminderKind.BEFORE, ReminderKind.DUE) and deadline.due_at <= now:
        return None  # missed while the bot was down, and the deadline has passed
    t = translator_for(reader, default)
    moment = when(t, deadline.due_at, zone)
    direct = (quiz_value(session, deadline.project_id, reader.id, "s_criticism_get") or 0) >= DIRECT
    title = deadline.title
    if kind == ReminderKind.BEFORE:
        text = (
            t("⏰ “{title}” is due {when}.", title=title, when=moment)
            if direct
            else t("⏰ A gentle reminder: “{title}” is due {when}.", title=title, when=moment)
        )
    elif kind == ReminderKind.DUE:
        text = (
            t("⏰ “{title}” is due today: {when}.", title=title, when=moment)
            if direct
            else t("⏰ Today is the day for “{title}”: due {when}.", title=title, when=moment)
        )
    else:
        text = t(
            "“{title}” was due {when}. Is it done? If you need more time, tell your coordinator.",
            title=title,
            when=moment,
        )
    buttons = [
        [Button(t("✅ Done"), data=f"dl:{deadline.id}:done")],
        [Button(t("⏳ Need more time"), data=f"dl:{deadline.id}:more")],
        [Button(t("Snooze one day"), data=f"dl:{deadline.id}:snooze")],
    ]
    return Message(text, buttons, chat_id=reminder.chat_id)


def _to_lead(session: Session, reminder: Reminder, now: datetime, default: str) -> Message | None:
    """To the coordinator: a deadline still open a day after its owner's note, or its
    owner blocked the bot."""
    reader = session.get(User, reminder.chat_id)
    deadline = session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
    if reader is None or deadline is None or deadline.done_at is not None:
        return None
    owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
    t = translator_for(reader, default)
    if reminder.kind == ReminderKind.OVERDUE_LEAD:
        text = t(
            "“{title}” ({name}) was due {when} and is not marked done yet. Perhaps check in with them privately.",
            title=deadline.title,
            name=owner.display_name if owner else "",
            when=when(t, deadline.due_at, zone_of(reader)),
        )
    else:
        text = t(
            "{name} has blocked me, so they will not get reminders about “{title}”. Could you contact them another way?",
            name=owner.display_name if owner else "",
            title=deadline.title,
        )
    return Message(text, chat_id=reminder.chat_id)


def _digest(session: Session, reminder: Reminder, now: datetime, _default: str) -> Message | None:
    """The coming week's deadlines for the group, in the group's language."""
    binding = session.get(ChatBinding, reminder.chat_id)
    if binding is None or binding.project_id != reminder.project_id:
        return None
    week = deadlines.open_(
        session, project_id=reminder.project_id, start=now, end=now + timedelta(days=7)
    )
    if not week:
        return None
    t = Translator(binding.language)
    zone = coordinator_zone(session, reminder.project_id)
    items = deadline_lines(session, t, reminder.project_id, week, zone, show=shared_when)
    text = lines(
        t("📅 Deadlines this week:"), *items, t("/deadlines shows them in your own time zone.")
    )
    return Message(text, chat_id=reminder.chat_id, thread_id=binding.thread_id)


def _meeting(session: Session, reminder: Reminder, now: datetime, default: str) -> Message | None:
    """The next meeting in the reader's own time: "tomorrow" when it is. Not once the
    meeting has moved (a note already due is kept when the team changes)."""
    reader = session.get(User, reminder.chat_id)
    project = session.get(Project, reminder.project_id)
    meeting = session.get(Meeting, reminder.project_id)
    if reader is None or project is None or meeting is None or reminder.meeting_at is None:
        return None
    if reminder.meeting_at <= now:
        return None
    if meeting_after(meeting, reminder.meeting_at - timedelta(seconds=1)) != reminder.meeting_at:
        return None
    t = translator_for(reader, default)
    zone = zone_of(reader)
    moment = when(t, reminder.meeting_at, zone)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    if reminder.meeting_at.astimezone(zone).date() == tomorrow:
        text = t(
            "📹 Team meeting of <b>{title}</b> tomorrow: {when} (your time).",
            title=project.title,
            when=moment,
        )
    else:
        text = t(
            "📹 Next team meeting of <b>{title}</b>: {when} (your time).",
            title=project.title,
            when=moment,
        )
    return Message(text, chat_id=reminder.chat_id)


def _checkin(session: Session, reminder: Reminder, now: datetime, default: str) -> Message | None:
    """To a teacher who went quiet, or to the coordinator about them; not once the teacher
    has written to the bot since it was planned (the next working day may be days away)."""
    teacher = session.get(User, reminder.user_id) if reminder.user_id else None
    reader = session.get(User, reminder.chat_id)
    project = session.get(Project, reminder.project_id)
    if teacher is None or reader is None or project is None:
        return None
    if not teams.is_member(session, project_id=reminder.project_id, user_id=teacher.id):
        return None
    if teacher.last_seen is not None and teacher.last_seen > now - QUIET:
        return None
    t = translator_for(reader, default)
    if reminder.kind == ReminderKind.CHECKIN:
        text = t(
            "👋 Hello {name}! We have not heard from you in “{title}” for a while. Is everything all right? A short note such as “busy until 10.01.” (/away) helps the team plan.",
            name=teacher.display_name,
            title=project.title,
        )
    else:
        text = t(
            "{name} has not answered two reminders and has been quiet for two weeks in “{title}”. I sent a gentle check-in; perhaps contact them too.",
            name=teacher.display_name,
            title=project.title,
        )
    return Message(text, chat_id=reminder.chat_id)


RENDERERS: dict[ReminderKind, Renderer] = {
    ReminderKind.BEFORE: _to_owner,
    ReminderKind.DUE: _to_owner,
    ReminderKind.SNOOZED: _to_owner,
    ReminderKind.OVERDUE: _to_owner,
    ReminderKind.OVERDUE_LEAD: _to_lead,
    ReminderKind.BLOCKED: _to_lead,
    ReminderKind.DIGEST: _digest,
    ReminderKind.MEETING: _meeting,
    ReminderKind.CHECKIN: _checkin,
    ReminderKind.CHECKIN_LEAD: _checkin,
}


def render(
    session: Session, reminder: Reminder, now: datetime, *, default_language: str = "en"
) -> Message | None:
    """The message for a due row, or None when it is no longer useful. A private row goes
    only to a current member of its team."""
    private = reminder.chat_id > 0
    if private and not teams.is_member(
        session, project_id=reminder.project_id, user_id=reminder.chat_id
    ):
        return None
    return RENDERERS[ReminderKind(reminder.kind)](session, reminder, now, default_language)
