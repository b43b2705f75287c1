"""/deadline's dialog: a deadline as teachers write it ("līdz piektdienai", "iki gruodžio
15 d.", "next Friday 18:00"), read in the owner's zone and calendar, echoed back as an
explicit date to confirm with who does not work that day, then saved with reminders for
its owner. The date and confirm questions serve the plan's activities and "more time"
too; the team they read is the team as it is at each step (handlers/dialog_team.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date
from sqlmodel import Session

from bot.i18n import N_, Html, lines
from bot.reply import Reply
from bot.rules.calendar import affected, nearest_common_working_day
from bot.rules.precision import ADVICE
from handlers import forms
from handlers.deadline_news import tell_team
from handlers.dialog_team import by_eve, owner_field, owner_place, owner_zone, team
from handlers.guards import member_of
from handlers.step import Actor
from scheduler.date_reader import END_OF_DAY, Reading
from scheduler.deadlines import read_deadline
from scheduler.moments import when, zone_of
from scheduler.places import REASONS, working_days
from scheduler.reminders.plans import plan_deadline
from storage.models import Deadline, Membership, Project

TITLE_MAX = 200


def vague_answer(who: forms.Teacher, reading: Reading) -> forms.Invalid:
    """The precision advice for the word that made a date vague."""
    return forms.Invalid(
        "“{word}” can mean different things to different people. Please give {better}.",
        word=reading.vague,
        better=who.t(ADVICE[reading.kind]),
    )


def due_moment(value: str, asking: forms.Asking) -> str:
    """The deadline as an ISO moment; vague and unreadable dates are refused with advice.
    A week or month without a day ends on the owner's last working day."""
    reading = read_deadline(
        value,
        asking.now,
        zone_of(asking.user),
        owner_zone(asking),
        asking.t.lang,
        works=working_days(owner_place(asking)),
    )
    moment = reading.moment
    if reading.vague:
        raise vague_answer(asking, reading)
    if moment is None:
        raise forms.Invalid(
            "I could not read a future date in “{text}”. Try “15.12.”, “next Friday 18:00” or “in two weeks”.",
            text=value[:64],
        )
    if by_eve(asking) and reading.by_day and moment.time() == END_OF_DAY:
        moment -= timedelta(days=1)  # the team agreed: "by Friday" ends on Thursday night
    return moment.isoformat()


def _echo(asking: forms.Asking, key: str) -> dict[str, object]:
    """The date answered at `key` in the teacher's words, and who cannot work that day."""
    due = asking.answers.get(key)
    if not due:
        return {"when": "", "warning": ""}
    t = asking.t
    moment = datetime.fromisoformat(due)
    mine, theirs = when(t, moment, zone_of(asking.user)), when(t, moment, owner_zone(asking))
    if theirs != mine:  # the owner's clock says otherwise: show both
        owner = asking.answers.get("owner") or ""
        name = team(asking).members.get(owner, "")
        mine = t("{theirs} in {name}'s time, which is {mine}", theirs=theirs, name=name, mine=mine)
    return {"when": mine, "warning": _day_off_warning(asking, moment)}


def _day_off_warning(asking: forms.Asking, moment: datetime) -> Html:
    """The guide's advice against "too much, too intense": respect every partner's days off."""
    t = asking.t
    places = team(asking).places
    day = moment.astimezone(owner_zone(asking)).date()
    off = affected(day, places, t.lang)
    if not off:
        return Html("")
    who = ", ".join(
        f"{name} ({t(REASONS[reason.kind])}{': ' + reason.name if reason.name else ''})"
        for name, reason in off.items()
    )
    today = asking.now.astimezone(zone_of(asking.user)).date()
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
    assert found is not None  # the form's guard (still_member) checked it
    assert title is not None and owner is not None and due is not None  # none skippable
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
    (the owner's zone and the team's calendars as they are now); No asks it again."""
    return forms.yes_no(
        f"confirm_{key}" if key != "due" else "confirm",
        N_("That is {when}, your time. Is that right?{warning}"),
        retry=key,
        prompt_values=lambda asking: _echo(asking, key),
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
        owner_field(N_("Who is responsible?")),
        DUE,
        CONFIRM,
    ),
    finish=_save,
    command="/deadline",
)


def start(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/deadline (private): title, owner, date in plain words, confirm."""
    assert project.id is not None
    intro = actor.t(
        "A new deadline for <b>{title}</b>: three short questions. /cancel stops.",
        title=project.title,
    )
    return forms.begin(session, actor, FORM, intro=intro, extra={"project": project.id})
