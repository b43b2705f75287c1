"""/risks: the guide's eleven risks with its advice. The group sees the list; privately a
member marks whether a risk applies, names the teacher who watches it and writes how the
team handles it. TwinCoach flags some risks itself from the team's data.

Callback data: rk:<project>:list, rk:<project>:<risk>:<action>[:<teacher>]; every press
re-checks membership, so forged data change nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, Translator, escape, lines
from bot.plan_checks import review, too_many_new_tools
from bot.reply import Button, Keyboard, Reply, clip, rows
from handlers import forms, lifecycle
from handlers.common import Actor, for_member, member_of, respond, stale
from handlers.questionnaire import still_member
from handlers.risk_list import BY_KEY, RISKS, Risk
from handlers.team import MIN_SCHOOLS
from scheduler.calendar import Place, ReasonKind, affected, works_on
from scheduler.deadlines import stored_moment
from scheduler.places import REASONS, team_places
from storage import plan, teams
from storage import risks as store
from storage.models import Membership, Project, RiskMark
from storage.teams import Member

PREFIX = "rk"
CALLBACK = re.compile(r"^rk:(\d{1,12}):(?:(\w{1,16}):)?(\w{1,8})(?::(\d{1,16}))?$")
WRITE = r"^rk:\d{1,12}:\w{1,16}:write$"
NEW_TOOLS = N_("New ICT tools in the plan: {tools}. The guide advises at most two.")


@dataclass(frozen=True)
class Flag:
    """A risk TwinCoach sees in the team's data, with the reason (a msgid and its values;
    a value that must be said in the reader's language is a function of the translator)."""

    risk: str
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, t: Translator) -> Html:
        said = {k: v(t) if callable(v) else v for k, v in self.values.items()}
        return t(self.reason, **said)


@dataclass(frozen=True)
class DayOff:
    """An activity starting or ending on `day`, which some partners do not work (their
    calendars by name). A teacher's own time away is not the partner's day off."""

    activity: str
    day: date
    places: Mapping[str, Place] = field(compare=False, hash=False)

    def text(self, t: Translator) -> str:
        off = [
            f"{name}: {t(REASONS[reason.kind])}" + (f" ({reason.name})" if reason.name else "")
            for name, reason in affected(self.day, dict(self.places), t.lang).items()
            if reason.kind != ReasonKind.PERSONAL_PAUSE
        ]
        day = format_date(self.day, "full", locale=t.lang)
        return t(
            "“{activity}” on {day}: {who}", activity=self.activity, day=day, who="; ".join(off)
        )


def auto_flags(
    *,
    schools: int,
    collaboration_planned: bool,
    new_tools: Iterable[str],
    on_days_off: Iterable[DayOff] = (),
) -> dict[str, Flag]:
    """The risks the data already point to. Pure, so the rules are easy to test and reuse.
    `on_days_off`: activities that start or end on a day off of some partner."""
    flags: list[Flag] = []
    packed = list(dict.fromkeys(on_days_off))
    if packed:
        flags.append(
            Flag(
                "overload",
                N_("Activities start or end on a partner's day off: {activities}."),
                {"activities": lambda t: "; ".join(off.text(t) for off in packed)},
            )
        )
    if schools < MIN_SCHOOLS:
        flags.append(
            Flag(
                "partner_gone",
                N_(
                    "The team has fewer than three schools: if one partner drops out, the project may stop."
                ),
            )
        )
    if not collaboration_planned:
        flags.append(
            Flag(
                "parallel_work",
                N_(
                    "The plan has no cross-school collaboration for pupils yet; without it there is no quality label."
                ),
            )
        )
    if tools := too_many_new_tools(new_tools):
        flags.append(Flag("ict_tools", NEW_TOOLS, {"tools": ", ".join(tools)}))
    return {flag.risk: flag for flag in flags}


def project_flags(
    session: Session, *, project_id: int, team: list[Member], now: datetime
) -> dict[str, Flag]:
    """`auto_flags` for one project, read from its team, plan and the partners' calendars.
    Only collaboration lines the plan's review accepts count (bot/plan_checks.py)."""
    plan_review = review(plan.section_texts(session, project_id=project_id))
    return auto_flags(
        schools=teams.school_count(team),
        collaboration_planned=plan_review.real_collaboration() > 0,
        new_tools=store.new_tools(session, project_id=project_id),
        on_days_off=_activities_on_days_off(session, project_id, now),
    )


def _activities_on_days_off(session: Session, project_id: int, now: datetime) -> list[DayOff]:
    """Activities whose start or deadline is a day off (weekend, public holiday, school
    break) for a partner: not counting anyone's own time away."""
    places = {
        user.display_name: replace(place, pauses=())
        for user, place in team_places(session, project_id).values()
    }
    found = []
    for row in plan.items(session, project_id=project_id, section="activity"):
        details = plan.details(row)
        for written in (details.get("start"), details.get("deadline")):
            moment = stored_moment(written, now, ZoneInfo("UTC")) if written else None
            if moment is not None and not all(works_on(moment.date(), p) for p in places.values()):
                found.append(DayOff(row.text, moment.date(), places))
    return found


@dataclass(frozen=True)
class View:
    """Everything a risk screen shows, read once per press."""

    project: Project
    team: list[Member]
    marks: dict[str, RiskMark]
    flags: dict[str, Flag]

    def owner_name(self, t: Translator, mark: RiskMark | None) -> Html:
        owner = mark.owner_id if mark else None
        name = next((m.user.display_name for m in self.team if m.user and m.user.id == owner), None)
        return t("nobody yet") if name is None else escape(name)


def _view(session: Session, project: Project) -> View:
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    return View(
        project,
        team,
        store.marks(session, project_id=project.id),
        project_flags(session, project_id=project.id, team=team, now=datetime.now(UTC)),
    )


def _flag_line(t: Translator, flag: Flag | None) -> list[Html]:
    if flag is None:
        return []
    return [t("🚩 Flagged by TwinCoach: {reason}", reason=flag.text(t))]


def _mark_symbol(mark: RiskMark | None) -> str:
    if mark is None:
        return "▫️"
    return "⚠️" if mark.applies else "➖"


def _list_text(t: Translator, view: View) -> Html:
    """One line per risk; what the team decided and TwinCoach's flags indented below."""
    entries = []
    for n, risk in enumerate(RISKS, 1):
        mark = view.marks.get(risk.key)
        entries.append(
            t("{mark} <b>{n}. {title}</b>", mark=_mark_symbol(mark), n=n, title=t(risk.title))
        )
        below = _flag_line(t, view.flags.get(risk.key))
        if mark is not None and mark.applies:
            below.insert(
                0,
                t(
                    "Owner: {owner}. How we handle it: {mitigation}",
                    owner=view.owner_name(t, mark),
                    mitigation=mark.mitigation or t("not written yet"),
                ),
            )
        entries += [Html(f"    {line}") for line in below]
    return lines(
        t("<b>Risks: {title}</b>", title=view.project.title),
        t("⚠️ applies to us · ➖ does not apply · ▫️ not discussed yet"),
        Html(""),
        *entries,
    )


def overview(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    """/risks: the list; privately with a button per risk."""
    t = actor.t
    view = _view(session, project)
    if not actor.private:
        hint = t(
            "In a private chat, /risks lets you mark risks, name owners and write what you do."
        )
        return Reply().say(lines(_list_text(t, view), hint, blank=True))
    hint = t("Tap a number to look at a risk and decide what to do.")
    return Reply().say(lines(_list_text(t, view), hint, blank=True), _list_buttons(view))


def _list_buttons(view: View) -> Keyboard:
    return rows(
        [
            Button(
                f"{_mark_symbol(view.marks.get(r.key))} {n}",
                data=f"{PREFIX}:{view.project.id}:{r.key}:open",
            )
            for n, r in enumerate(RISKS, 1)
        ],
        4,
    )


def _card(t: Translator, view: View, risk: Risk) -> tuple[Html, Keyboard]:
    mark = view.marks.get(risk.key)
    n = RISKS.index(risk) + 1
    if mark is None:
        status = t("Our view: not discussed yet.")
    elif mark.applies:
        status = t("Our view: this applies to us.")
    else:
        status = t("Our view: this does not apply to us.")
    text = lines(
        t("<b>{n}. {title}</b>", n=n, title=t(risk.title)),
        t("<i>The guide advises:</i>"),
        *(Html(f"• {t(point)}") for point in risk.advice),
        *_flag_line(t, view.flags.get(risk.key)),
        Html(""),
        status,
        t("Owner: {owner}", owner=view.owner_name(t, mark)),
        t(
            "How we handle it: {mitigation}",
            mitigation=(mark.mitigation if mark else None) or t("not written yet"),
        ),
    )
    prefix = f"{PREFIX}:{view.project.id}:{risk.key}"
    applies = mark.applies if mark else None
    buttons = [
        [
            Button(("✓ " if applies is True else "") + t("It applies to us"), data=f"{prefix}:yes"),
            Button(
                ("✓ " if applies is False else "") + t("It does not apply"), data=f"{prefix}:no"
            ),
        ],
        [Button(t("👤 Choose the owner"), data=f"{prefix}:owner")],
        [Button(t("✏️ Write how we handle it"), data=f"{prefix}:write")],
        [Button(t("« All risks"), data=f"{PREFIX}:{view.project.id}:list")],
    ]
    return text, buttons


def _owner_picker(t: Translator, view: View, risk: Risk) -> Reply:
    mark = view.marks.get(risk.key)
    current = mark.owner_id if mark else None
    prefix = f"{PREFIX}:{view.project.id}:{risk.key}"
    buttons = rows(
        [
            Button(
                ("✓ " if m.user.id == current else "") + clip(m.user.display_name, 40),
                data=f"{prefix}:own:{m.user.id}",
            )
            for m in view.team
            if m.user is not None
        ],
        2,
    )
    buttons.append([Button(t("« Back"), data=f"{prefix}:open")])
    return Reply().edit(t("Who keeps an eye on “{title}”?", title=t(risk.title)), buttons)


class Press(NamedTuple):
    """A parsed risk button: rk:<project>[:<risk>]:<action>[:<teacher>]."""

    project_id: int
    key: str  # empty for the list
    action: str
    arg: int | None


def parse(data: str | None) -> Press | None:
    match = CALLBACK.match(data or "")
    if match is None:
        return None
    project_id, key, action, arg = match.groups()
    return Press(int(project_id), key or "", action, int(arg) if arg else None)


def press(session: Session, actor: Actor, pressed: Press) -> Reply:
    """One button under /risks; only members of the project named in the data may act."""
    t = actor.t
    project_id, key, action, arg = pressed
    found = member_of(session, actor, project_id)
    if found is None:
        return Reply(alert=t("You are not a member of that project."))
    project = found[0]
    if action == "list" and not key:
        view = _view(session, project)
        return Reply().edit(_list_text(t, view), _list_buttons(view))
    risk = BY_KEY.get(key)
    if risk is None:
        return Reply(alert=t("This button is no longer active."))
    if action in ("yes", "no"):
        store.set_applies(
            session, project_id=project_id, risk=key, applies=action == "yes", now=actor.now
        )
    elif action == "own" and arg is not None:
        if not teams.is_member(session, project_id=project_id, user_id=arg):
            return Reply(alert=t("This teacher is not in the project any more."))
        store.set_owner(session, project_id=project_id, risk=key, owner_id=arg, now=actor.now)
    elif action not in ("open", "owner"):
        return Reply(alert=t("This button is no longer active."))
    view = _view(session, project)  # read after the change
    if action == "owner":
        return _owner_picker(t, view, risk)
    reply = Reply().edit(*_card(t, view, risk))
    if action != "open":  # a mark, yes or no or an owner: every risk may be looked at now
        reply.messages += lifecycle.follow(session, actor, project)
    return reply


def _save_mitigation(
    session: Session, actor: Actor, given: forms.Answers, state: forms.State
) -> Reply:
    """The mitigation is typed: save it and show the risk again."""
    found = member_of(session, actor, state["project"])
    risk = BY_KEY.get(state["risk"])
    text = given["mitigation"]
    if found is None or risk is None or text is None:
        return Reply().say(
            actor.t("You are not a member of that project any more, so nothing was saved.")
        )
    store.set_mitigation(
        session, project_id=state["project"], risk=risk.key, mitigation=text, now=actor.now
    )
    card, buttons = _card(actor.t, _view(session, found[0]), risk)
    reply = Reply().say(actor.t("Saved.")).say(card, buttons)
    reply.messages += lifecycle.follow(session, actor, found[0])  # a mitigation marks it too
    return reply


MITIGATION = forms.Form(
    name="mitigation",
    fields=(
        forms.Field(
            "mitigation",
            N_(
                "What will the team do about this risk, and by when? Write it in a sentence or two."
            ),
            precise=True,
        ),
    ),
    finish=_save_mitigation,
    guard=still_member,
    command="/risks",
    reopen=N_("{command} opens it again."),
)


def start_mitigation(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    t = actor.t
    risk = BY_KEY.get(key)
    if member_of(session, actor, project_id) is None:
        return Reply(alert=t("You are not a member of that project."))
    if risk is None:
        return Reply(alert=t("This button is no longer active."))
    intro = t("<b>{title}</b>", title=t(risk.title))
    return forms.begin(
        session, actor, MITIGATION, intro=intro, extra={"project": project_id, "risk": key}
    )


async def on_risks(update: Update, context: Ctx) -> None:
    """/risks (group or private): the list; privately a button per risk."""
    await respond(update, context, for_member(overview))


async def on_press(update: Update, context: Ctx) -> None:
    """A button under /risks: open a risk, mark it, choose its owner, back to the list."""
    assert update.callback_query is not None
    pressed = parse(update.callback_query.data)
    if pressed is None:
        await respond(update, context, stale)
        return
    await respond(update, context, lambda s, a: press(s, a, pressed))


async def on_write(update: Update, context: Ctx) -> object:
    """ "Write how we handle it": asks for the mitigation (one question, precision-checked)."""
    assert update.callback_query is not None
    pressed = parse(update.callback_query.data)
    assert pressed is not None  # the pattern WRITE only lets well-formed data through
    return await respond(
        update, context, lambda s, a: start_mitigation(s, a, pressed.project_id, pressed.key)
    )


FORMS: list[forms.Form] = [MITIGATION]


def entry_points() -> list[BaseHandler]:
    """The mitigation button opens a dialog, so it lives inside the dialog handler."""
    return [CallbackQueryHandler(on_write, pattern=WRITE)]


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("risks", on_risks),
        CallbackQueryHandler(on_press, pattern=f"^{PREFIX}:"),
    ]
