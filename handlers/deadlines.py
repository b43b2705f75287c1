"""/deadline: a deadline as teachers write it ("līdz piektdienai", "iki gruodžio 15 d.",
"next Friday 18:00"), echoed back as an explicit date to confirm, then reminders for its
owner on their working days. /deadlines lists what is coming, in the reader's own zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, Translator, lines
from bot.precision import ADVICE
from bot.reply import Button, Reply
from handlers import forms
from handlers.buttons import button
from handlers.common import Actor, respond
from handlers.guards import for_member, member_of, not_a_member, stale
from scheduler.calendar import Place, affected, nearest_common_working_day
from scheduler.dates import END_OF_DAY, Reading
from scheduler.deadlines import read_deadline
from scheduler.moments import shared_when, when, zone_of
from scheduler.places import REASONS, team_places, working_days
from scheduler.reminders.plans import plan_deadline
from scheduler.reminders.render import deadline_lines
from storage import deadlines, reminders, teams
from storage.models import Deadline, Membership, Project, Role, User

TITLE_MAX = 200
PROPOSAL_WINDOW = timedelta(days=3 * 366)  # a proposed date from a button is near today
DECISION = re.compile(r"^dlx:(\d{1,12}):(\d{1,12}):(yes|no)$")


def _state(actor: Actor) -> forms.State:
    return actor.scratch.get(forms.SCRATCH) or {}


def _members(actor: Actor) -> dict[str, str]:
    """The team as the owner question offers it: membership id → name (see `_look_up`)."""
    members: dict[str, str] = actor.looked_up.get("members", {})
    return members


def _owner(value: str, actor: Actor) -> str:
    if value not in _members(actor):
        raise forms.Invalid("Please tap one of the buttons below.")
    return value


def _owner_zone(actor: Actor) -> ZoneInfo:
    """Where the chosen owner works (the actor themself when asking for more time)."""
    owner = _state(actor).get("answers", {}).get("owner")
    zone: ZoneInfo | None = actor.looked_up.get("zones", {}).get(owner)
    return zone or zone_of(actor.user)


def _owner_place(actor: Actor) -> Place | None:
    """The chosen owner's calendar (the actor's own when asking for more time)."""
    owner = _state(actor).get("answers", {}).get("owner")
    user_id = actor.looked_up.get("member_users", {}).get(owner, actor.user.id)
    place: Place | None = actor.looked_up.get("user_places", {}).get(user_id)
    return place


def vague_answer(actor: Actor, reading: Reading) -> forms.Invalid:
    """The precision advice for the word that made a date vague."""
    return forms.Invalid(
        "“{word}” can mean different things to different people. Please give {better}.",
        word=reading.vague,
        better=actor.t(ADVICE[reading.kind]),
    )


def due_moment(value: str, actor: Actor) -> str:
    """The deadline as an ISO moment; vague and unreadable dates are refused with advice.
    A week or month without a day ends on the owner's last working day."""
    reading = read_deadline(
        value,
        actor.now,
        zone_of(actor.user),
        _owner_zone(actor),
        actor.t.lang,
        works=working_days(_owner_place(actor)),
    )
    moment = reading.moment
    if reading.vague:
        raise vague_answer(actor, reading)
    if moment is None:
        raise forms.Invalid(
            "I could not read a future date in “{text}”. Try “15.12.”, “next Friday 18:00” or “in two weeks”.",
            text=value[:64],
        )
    if _state(actor).get("by_eve") and reading.by_day and moment.time() == END_OF_DAY:
        moment -= timedelta(days=1)  # the team agreed: "by Friday" ends on Thursday night
    return moment.isoformat()


def _echo(actor: Actor, answers: forms.Answers, key: str) -> dict[str, object]:
    """The date answered at `key` in the teacher's words, and who cannot work that day."""
    due = answers.get(key)
    if not due:
        return {"when": "", "warning": ""}
    moment = datetime.fromisoformat(due)
    mine, theirs = (
        when(actor.t, moment, zone_of(actor.user)),
        when(actor.t, moment, _owner_zone(actor)),
    )
    if theirs != mine:  # the owner's clock says otherwise: show both
        owner = _state(actor)["answers"]["owner"]
        mine = actor.t(
            "{theirs} in {name}'s time, which is {mine}",
            theirs=theirs,
            name=_members(actor).get(owner, ""),
            mine=mine,
        )
    return {"when": mine, "warning": _day_off_warning(actor, moment)}


def _day_off_warning(actor: Actor, moment: datetime) -> Html:
    """The guide's advice against "too much, too intense": respect every partner's days off."""
    t = actor.t
    places: dict[str, Place] = actor.looked_up.get("places", {})
    day = moment.astimezone(_owner_zone(actor)).date()
    off = affected(day, places, t.lang)
    if not off:
        return Html("")
    who = ", ".join(
        f"{name} ({t(REASONS[reason.kind])}{': ' + reason.name if reason.name else ''})"
        for name, reason in off.items()
    )
    today = actor.now.astimezone(zone_of(actor.user)).date()
    better = nearest_common_working_day(day, list(places.values()), not_before=today)
    shown = format_date(better, "full", locale=t.lang) if better else "—"
    return lines(
        Html(""),
        t(
            "⚠️ Not a working day for: {who}. The nearest day everyone works: {day}.",
            who=who,
            day=shown,
        ),
    )


def _save(session: Session, actor: Actor, answers: forms.Answers, state: forms.State) -> Reply:
    t = actor.t
    found = member_of(session, actor, state["project"])
    title, owner, due = answers.get("title"), answers.get("owner"), answers.get("due")
    if found is None or title is None or owner is None or due is None:
        return not_a_member(actor, in_chat=True)
    project = found[0]
    chosen = session.get(Membership, int(owner)) if owner.isdigit() else None
    if chosen is None or chosen.project_id != state["project"] or chosen.user_id is None:
        return Reply().say(t("That teacher is not in the project any more, so nothing was saved."))
    deadline = Deadline(
        project_id=state["project"],
        title=title,
        due_at=datetime.fromisoformat(due),
        owner_id=chosen.user_id,
        created_by=actor.user.id,
    )
    session.add(deadline)
    session.flush()
    plan_deadline(session, deadline, actor.now)
    reply = Reply().say(
        t(
            "📌 Saved: “{title}”, due {when}. I will remind the person responsible on their working days.",
            title=title,
            when=when(t, deadline.due_at, zone_of(actor.user)),
        )
    )
    tell_team(session, actor, project, deadline, reply)
    return reply


DUE = forms.Field(
    "due",
    N_(
        "By when? Write it as you would say it: “līdz piektdienai”, “iki gruodžio 15 d.”, “next Friday 18:00”."
    ),
    parse=due_moment,
    show=lambda v, a: when(a.t, datetime.fromisoformat(v), zone_of(a.user)),
)


def confirm(key: str) -> forms.Field:
    """Yes/No under the date answered at `key`, as read, with who does not work that day
    (the owner's zone and the team's calendars come from `look_up`); No asks it again."""
    return forms.yes_no(
        f"confirm_{key}" if key != "due" else "confirm",
        N_("That is {when}, your time. Is that right?{warning}"),
        retry=key,
        prompt_values=lambda actor, answers: _echo(actor, answers, key),
    )


CONFIRM = confirm("due")
FORM = forms.Form(
    name="deadline",
    fields=(
        forms.Field(
            "title",
            N_("What has to be done? Name it in a few words."),
            parse=lambda v, _a: forms.text_answer(v, limit=TITLE_MAX),
            precise=True,
        ),
        forms.Field(
            "owner",
            N_("Who is responsible?"),
            parse=_owner,
            kind=forms.Kind.CHOICE,
            choices=lambda a: [forms.Choice(n, mid) for mid, n in _members(a).items()],
            show=lambda v, a: _members(a).get(v, v),
            names_member=True,
        ),
        DUE,
        CONFIRM,
    ),
    finish=_save,
    lookup=lambda s, _a, state: look_up(s, state["project"], owners=True),
    command="/deadline",
)


def _own_deadline(session: Session, actor: Actor, deadline_id: int) -> Deadline | None:
    """The deadline if it is the actor's and they are still in its project (a removed
    teacher's old reminder buttons must not reach the coordinator)."""
    deadline = session.get(Deadline, deadline_id)
    if deadline is None or deadline.owner_id != actor.user.id:
        return None
    member = teams.is_member(session, project_id=deadline.project_id, user_id=actor.user.id)
    return deadline if member else None


def _ask_coordinator(
    session: Session, actor: Actor, answers: forms.Answers, state: forms.State
) -> Reply:
    """The owner proposed a later date: the coordinator approves it or keeps the old one."""
    t = actor.t
    deadline = _own_deadline(session, actor, state["deadline"])
    due = answers.get("due")
    if deadline is None or due is None:
        return Reply().say(t("This deadline is not yours any more, so nothing was asked."))
    lead = teams.coordinator(teams.members(session, project_id=deadline.project_id))
    if lead is None or lead.user is None:
        return Reply().say(t("Your project has no coordinator to ask right now."))
    new = datetime.fromisoformat(due)
    tt = actor.translator_for(lead.user)
    zone = zone_of(lead.user)
    stamp = int(new.timestamp())
    question = tt(
        "⏳ {name} asks for more time for “{title}”: from {old} to {new}.",
        name=actor.user.display_name,
        title=deadline.title,
        old=when(tt, deadline.due_at, zone),
        new=when(tt, new, zone),
    )
    buttons = [[
        Button(tt("Approve"), data=f"dlx:{deadline.id}:{stamp}:yes"),
        Button(tt("Keep the date"), data=f"dlx:{deadline.id}:{stamp}:no"),
    ]]  # fmt: skip
    reply = Reply().say(t("I asked your coordinator; you will hear the answer here."))
    reply.say(question, buttons, chat_id=lead.user.id)
    return reply


def _more_time_lookup(session: Session, _actor: Actor, state: forms.State) -> dict[str, Any]:
    deadline = session.get(Deadline, state["deadline"])
    return look_up(session, deadline.project_id, owners=False) if deadline else {}


MORE_TIME = forms.Form(
    name="more_time",
    fields=(DUE, CONFIRM),
    finish=_ask_coordinator,
    lookup=_more_time_lookup,
    reopen=N_("The “⏳ Need more time” button under the reminder asks again."),
)
FORMS = [FORM, MORE_TIME]


def tell_team(
    session: Session, actor: Actor, project: Project, deadline: Deadline, reply: Reply
) -> None:
    """The owner hears privately in their language and zone; the groups see it too."""
    assert project.id is not None
    for m in teams.members(session, project_id=project.id):
        if m.user is not None and m.user.id == deadline.owner_id and m.user.id != actor.user.id:
            tt = actor.translator_for(m.user)
            reply.say(
                tt(
                    "📌 {name} asks you to do “{title}” by {when} (your time).",
                    name=actor.user.display_name,
                    title=deadline.title,
                    when=when(tt, deadline.due_at, zone_of(m.user)),
                ),
                chat_id=m.user.id,
            )
    tell_groups(
        session,
        deadline,
        N_("📌 New deadline: “{title}” ({name}), due {when}."),
        reply,
    )


def tell_groups(session: Session, deadline: Deadline, msgid: str, reply: Reply) -> None:
    """A deadline's news in each linked group, in its language; the moment in each
    member's own clock (Telegram's date-time entity), else in the owner's zone, where an
    all-day deadline ends."""
    owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
    zone = zone_of(owner) if owner else ZoneInfo("UTC")
    for group in teams.group_chats(session, project_id=deadline.project_id):
        gt = Translator(group.language)
        text = gt(
            msgid,
            title=deadline.title,
            name=owner.display_name if owner else "—",
            when=shared_when(gt, deadline.due_at, zone),
        )
        reply.say(text, chat_id=group.chat_id)


def look_up(session: Session, project_id: int, *, owners: bool) -> dict[str, Any]:
    """What the deadline dialogs show at each step, read afresh (never kept in the
    teacher's scratchpad): each member's calendar by name for the day-off warning and by
    user id for "end of next week", and for the owner question the members by membership
    id with their zones and user ids."""
    places = team_places(session, project_id)
    found: dict[str, Any] = {
        "places": {user.display_name: place for user, place in places.values()},
        "user_places": {user_id: place for user_id, (_user, place) in places.items()},
    }
    if owners:
        team = [m for m in teams.members(session, project_id=project_id) if m.user is not None]
        found["members"] = {str(m.membership.id): m.user.display_name for m in team if m.user}
        found["member_users"] = {str(m.membership.id): m.user.id for m in team if m.user}
        found["zones"] = {str(m.membership.id): zone_of(m.user) for m in team if m.user}
    return found


def start(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    assert project.id is not None
    extra = {
        "project": project.id,
        "by_eve": reminders.settings(session, project_id=project.id).by_day == "eve",
    }
    intro = actor.t(
        "A new deadline for <b>{title}</b>: three short questions. /cancel stops.",
        title=project.title,
    )
    return forms.begin(session, actor, FORM, intro=intro, extra=extra)


def upcoming(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """Open deadlines, soonest first, each shown in the reader's (or group's) language and zone."""
    assert project.id is not None
    t = actor.t
    rows = deadlines.open_(session, project_id=project.id, start=actor.now)
    if not rows:
        return Reply().say(t("No open deadlines. /deadline adds one."))
    zone = zone_of(actor.user)
    title = t("<b>Deadlines: {title}</b>", title=project.title)
    if not actor.private:  # a group: each member's own clock; old clients see the city
        return Reply().say(
            lines(
                title, *deadline_lines(session, t, project.id, list(rows), zone, show=shared_when)
            )
        )
    items = deadline_lines(session, t, project.id, list(rows), zone)
    note = t("Times are in {zone}.", zone=str(zone))
    return Reply().say(lines(title, *items, Html(f"<i>{note}</i>")))


async def on_deadline(update: Update, context: Ctx) -> object:
    """/deadline (private): title, owner, date in plain words, confirm."""
    return await respond(update, context, for_member(start, private_only=True))


async def on_deadlines(update: Update, context: Ctx) -> None:
    """/deadlines: the coming deadlines."""
    await respond(update, context, for_member(upcoming))


def ask_more_time(session: Session, actor: Actor, deadline_id: int) -> Reply:
    """ "Need more time" under a reminder: the owner proposes a new date, as for /deadline."""
    t = actor.t
    deadline = _own_deadline(session, actor, deadline_id)
    if deadline is None or deadline.done_at is not None:
        return stale(session, actor)
    extra = {
        "deadline": deadline.id,
        "by_eve": reminders.settings(session, project_id=deadline.project_id).by_day == "eve",
    }
    intro = t(
        "Which new date would you propose for “{title}”? Your coordinator decides.",
        title=deadline.title,
    )
    return forms.begin(session, actor, MORE_TIME, intro=intro, extra=extra)


def decide_more_time(
    session: Session, actor: Actor, deadline_id: int, stamp: int, approve: bool
) -> Reply:
    """The coordinator's answer to a request for more time; the owner is told either way."""
    t = actor.t
    deadline = session.get(Deadline, deadline_id)
    me = (
        teams.membership(session, project_id=deadline.project_id, user_id=actor.user.id)
        if deadline
        else None
    )
    if deadline is None or me is None or me.role != Role.COORDINATOR:
        return Reply(alert=t("Only the project's coordinator can decide this."))
    if abs(stamp - actor.now.timestamp()) > PROPOSAL_WINDOW.total_seconds():
        return stale(session, actor)  # not a date we proposed
    owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
    new = datetime.fromtimestamp(stamp, UTC)
    reply = Reply(clear_buttons=True)
    if approve:
        deadline.due_at = new
        session.add(deadline)
        plan_deadline(session, deadline, actor.now)
        reply.say(
            t(
                "Approved: “{title}” is now due {when}.",
                title=deadline.title,
                when=when(t, new, zone_of(actor.user)),
            )
        )
        tell_groups(
            session, deadline, N_("⏳ More time for “{title}” ({name}): now due {when}."), reply
        )
    else:
        reply.say(t("The date stays as it was."))
    if owner is not None:
        tt = actor.translator_for(owner)
        note = (
            tt(
                "✅ Your coordinator approved more time: “{title}” is now due {when}.",
                title=deadline.title,
                when=when(tt, new, zone_of(owner)),
            )
            if approve
            else tt(
                "Your coordinator kept the date for “{title}”: {when}.",
                title=deadline.title,
                when=when(tt, deadline.due_at, zone_of(owner)),
            )
        )
        reply.say(note, chat_id=owner.id)
    return reply


async def on_more_time(update: Update, context: Ctx) -> object:
    """dl:<deadline>:more under a reminder: opens the "new date" dialog."""
    assert update.callback_query is not None
    raw = (update.callback_query.data or "").split(":")
    deadline_id = int(raw[1]) if len(raw) == 3 and raw[1].isdigit() else -1
    return await respond(update, context, lambda s, a: ask_more_time(s, a, deadline_id))


# dlx:<deadline>:<new date as a timestamp>:yes|no (the coordinator).
on_decision = button(
    DECISION, lambda s, a, m: decide_more_time(s, a, int(m[1]), int(m[2]), m[3] == "yes")
)


def entry_points() -> list[BaseHandler]:
    return [
        CommandHandler("deadline", on_deadline),
        CallbackQueryHandler(on_more_time, pattern=r"^dl:\d+:more$"),
    ]


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("deadlines", on_deadlines),
        CallbackQueryHandler(on_decision, pattern="^dlx:"),
    ]
