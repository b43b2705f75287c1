"""/away: a teacher's own pause ("away until 12 January": sick leave, a school trip,
exams); reminders skip those days and the coordinator is told. /reminders: the
coordinator sets the team's reminder rhythm (how many days before, at what local time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names
from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import Html, Translator, lines
from bot.reply import Button, Reply, rows
from handlers.buttons import ID, Flow, one_of, remainder, route
from handlers.guards import for_member, member_of, stale
from handlers.step import Actor, respond
from scheduler.date_reader import END_OF_DAY, read_moment, read_range
from scheduler.moments import when, zone_of
from scheduler.reminders.plans import teams_changed
from storage import reminders, teams, users
from storage.models import Membership, Project, Role

OFFSETS = ("7,2,0", "3,1,0", "14,7,2,0", "2,0")
TIMES = ("08:00", "09:00", "12:00", "15:00")
DAYS = ("0", "1", "2", "3", "4")  # Monday to Friday, for the weekly digest
BY_DAY = ("end", "eve")  # "by Friday": the end of Friday, or of Thursday
AWAY_MAX = timedelta(days=366)  # a pause longer than a school year is not a pause


def _replan_mine(session: Session, actor: Actor) -> None:
    """The teacher's pause changed: every team of theirs follows at once."""
    mine = teams.user_projects(session, user_id=actor.user.id)
    teams_changed(session, [p.id for p in mine if p.id is not None], actor.now)


def _pause(text: str, actor: Actor) -> tuple[date, datetime] | None:
    """The first day and the end of a pause: "12.01.2027", "no 22.12. līdz 3.01.",
    "iki 01-10 daug darbo" (a note around the date is the teacher's own)."""
    zone = zone_of(actor.user)
    today = actor.now.astimezone(zone).date()
    span = read_range(text, today, start_needed=False)
    if span is None:
        until = read_moment(text, actor.now, zone, actor.t.lang).moment
        return None if until is None else (today, until)
    if span.end < today:
        return None
    return max(span.start or today, today), datetime.combine(span.end, END_OF_DAY, tzinfo=zone)


def _noted(
    t: Translator,
    *,
    start: date | None,
    until: datetime,
    zone: ZoneInfo,
    name: str = "",
    title: str = "",
) -> Html:
    """The pause as the teacher hears it, or with `name` as their coordinator does;
    `start` is None when it starts today."""
    shown = when(t, until, zone)
    first = format_date(start, "long", locale=t.lang) if start else ""
    if name and start:
        return t(
            "{name} is away from {start} until {when} ({title}). Their reminders wait until then.",
            name=name,
            start=first,
            when=shown,
            title=title,
        )
    if name:
        return t(
            "{name} is away until {when} ({title}). Their reminders wait until then.",
            name=name,
            when=shown,
            title=title,
        )
    if start:
        return t(
            "Noted: you are away from {start} until {when}. Reminders skip those days; your coordinator knows.",
            start=first,
            when=shown,
        )
    return t(
        "Noted: you are away until {when}. Reminders skip those days; your coordinator knows.",
        when=shown,
    )


def away(session: Session, actor: Actor, text: str) -> Reply:
    """ "/away 12.01.2027", "/away līdz 12. janvārim", "/away no 22.12. līdz 3.01.",
    "/away off"."""
    t = actor.t
    if not actor.private:
        return Reply().say(t("Tell me privately: /away 12.01.2027"))
    if text.strip().lower() in ("off", "back", "izslēgt", "atpakaļ", "grįžau"):
        users.clear_away(session, user_id=actor.user.id)
        _replan_mine(session, actor)
        return Reply().say(t("Welcome back! Reminders come as usual again."))
    found = _pause(text, actor) if text.strip() else None
    if found is None:
        return Reply().say(
            t(
                "Until when are you away? For example: /away 12.01.2027 (and /away off when you are back)."
            )
        )
    start, until = found
    today = actor.now.astimezone(zone_of(actor.user)).date()
    if until.date() > today + AWAY_MAX:
        return Reply().say(
            t(
                "That is more than a year away. Please give a date before {day}, and tell your coordinator about longer absences.",
                day=format_date(today + AWAY_MAX, "long", locale=t.lang),
            )
        )
    users.set_away(session, user_id=actor.user.id, start=start, end=until.date())
    session.flush()
    _replan_mine(session, actor)
    later = start if start > today else None
    reply = Reply().say(_noted(t, start=later, until=until, zone=zone_of(actor.user)))
    for project in teams.user_projects(session, user_id=actor.user.id):
        lead = teams.coordinator(teams.members(session, project_id=project.id or 0))
        if lead is not None and lead.user is not None and lead.user.id != actor.user.id:
            tt = actor.translator_for(lead.user)
            note = _noted(
                tt,
                start=later,
                until=until,
                zone=zone_of(lead.user),
                name=actor.user.display_name,
                title=project.title,
            )
            reply.say(note, chat_id=lead.user.id)
    return reply


def rhythm_screen(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    if me.role != Role.COORDINATOR:
        return Reply().say(t("Only the project's coordinator can change the reminders."))
    current = reminders.settings(session, project_id=project.id)
    days = ", ".join(current.offsets.split(","))
    text = t(
        "<b>Reminders for {title}</b>\nDays before a deadline: {days} (0 is the day itself)\nAt {time}, in each teacher's own time zone, on their working days.",
        title=project.title,
        days=days,
        time=current.local_time,
    )
    weekday_names = get_day_names("abbreviated", locale=t.lang)
    digest = t(
        "The group's weekly digest of deadlines: {day} at {time} (the coordinator's time).",
        day=get_day_names("wide", locale=t.lang)[current.digest_weekday],
        time=current.digest_time,
    )
    text = lines(text, digest, blank=True)
    offsets = [
        Button(
            ("✓ " if o == current.offsets else "") + o.replace(",", "·"),
            data=f"rs:{project.id}:offsets:{o}",
        )
        for o in OFFSETS
    ]
    times = [
        Button(("✓ " if h == current.local_time else "") + h, data=f"rs:{project.id}:time:{h}")
        for h in TIMES
    ]
    days_ = [
        Button(
            ("✓ " if d == current.digest_weekday else "") + weekday_names[d],
            data=f"rs:{project.id}:day:{d}",
        )
        for d in range(5)
    ]
    digest_times = [
        Button(
            ("✓ " if h == current.digest_time else "") + "📅 " + h,
            data=f"rs:{project.id}:digest:{h}",
        )
        for h in TIMES
    ]
    meaning = {"end": t("“By Friday” = end of Friday"), "eve": t("“By Friday” = end of Thursday")}
    by_day = [
        Button(
            ("✓ " if key == current.by_day else "") + str(label), data=f"rs:{project.id}:by:{key}"
        )
        for key, label in meaning.items()
    ]
    keyboard = (
        rows(offsets, 4) + rows(times, 4) + rows(days_, 5) + rows(digest_times, 4) + rows(by_day, 1)
    )
    return Reply().say(text, keyboard)


def change(session: Session, actor: Actor, project_id: int, what: str, value: str) -> Reply:
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None or found[1].role != Role.COORDINATOR:
        return Reply(alert=t("Only the project's coordinator can change the reminders."))
    allowed = {"offsets": OFFSETS, "time": TIMES, "day": DAYS, "digest": TIMES, "by": BY_DAY}[what]
    if value not in allowed:
        return stale(session, actor)
    reminders.save_settings(
        session,
        project_id=project_id,
        offsets=value if what == "offsets" else None,
        local_time=value if what == "time" else None,
        digest_weekday=int(value) if what == "day" else None,
        digest_time=value if what == "digest" else None,
        by_day=value if what == "by" else None,
    )
    session.flush()
    teams_changed(session, [project_id], actor.now)
    reply = rhythm_screen(session, actor, *found)
    reply.messages[0].edit = True
    return reply


async def on_away(update: Update, context: Ctx) -> None:
    """/away <until when> or /away off."""
    text = " ".join(context.args or [])
    await respond(update, context, lambda s, a: away(s, a, text))


async def on_reminders(update: Update, context: Ctx) -> None:
    """/reminders (coordinator): the team's reminder rhythm."""
    await respond(update, context, for_member(rhythm_screen, private_only=True))


# rs:<project>:<setting>:<value> (coordinator).
FLOW = Flow(
    commands=(
        CommandHandler("away", on_away),
        CommandHandler("reminders", on_reminders),
    ),
    buttons=(
        route(
            "rs",
            (ID, one_of("offsets", "time", "day", "digest", "by"), remainder(r"[\w,:]{1,16}")),
            change,
        ),
    ),
)
