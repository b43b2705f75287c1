"""/team (the contact sheet with the guide's team-size advice), /projects, /invite and
/invites (the links still open, each revocable)."""

from __future__ import annotations

from babel.dates import format_date
from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.partners import MAX_SCHOOLS
from bot.i18n import N_, Html, Translator, lines
from bot.reply import Button, Reply, clip, rows
from bot.rules.countries import country_name, flag
from handlers.buttons import ID, Flow, anything, route, word
from handlers.guards import (
    active_project,
    for_member,
    is_lead,
    lead_of,
    no_project,
    not_a_member,
    only_private,
    stale,
)
from handlers.newproject import invite_buttons, invite_link
from handlers.step import Actor, respond
from storage import teams
from storage.models import Membership, Project, Role
from storage.teams import Member, ProjectType

ROLE_NAMES = {
    Role.COORDINATOR: N_("coordinator"),
    Role.PARTNER: N_("partner"),
    Role.PARTICIPANT: N_("participant"),
}


def role_label(t: Translator, member: Member) -> Html:
    label = t(ROLE_NAMES[member.membership.role])
    return t("{role}, founder", role=label) if member.membership.founder else label


def _type_line(t: Translator, team: list[Member]) -> Html:
    kind = teams.project_type(team)
    countries = sorted(
        {m.membership.country for m in team if m.membership.founder and m.membership.country}
    )
    names = ", ".join(country_name(c, t.lang) for c in countries)
    if kind == ProjectType.NATIONAL:
        return t(
            "National project: both founders are in {country}. National projects get no quality label or awards.",
            country=names,
        )
    if kind == ProjectType.INTERNATIONAL:
        return t(
            "International project: founders in {countries}. It can earn quality labels and awards.",
            countries=names,
        )
    return t(
        "Project type is decided by the two founders' countries. The coordinator can name the second founder in /members."
    )


def _member_lines(t: Translator, team: list[Member]) -> tuple[list[Html], bool]:
    lines: list[Html] = []
    someone_unreachable = False
    for n, m in enumerate(team, 1):
        if m.user is None:
            lines.append(t("{n}. A former member ({role})", n=n, role=role_label(t, m)))
            continue
        warn = ""
        if not (m.user.started and m.user.reachable):
            someone_unreachable = True
            warn = " " + t("⚠️ cannot get my messages yet")
        country = (
            f"{flag(m.membership.country)} {country_name(m.membership.country, t.lang)}"
            if m.membership.country
            else "—"
        )
        lines.append(
            t(
                "{n}. <b>{name}</b> — {role}{warn}\n    {country} · {school} · {contact}",
                n=n,
                name=m.user.display_name,
                role=role_label(t, m),
                warn=Html(warn),
                country=country,
                school=m.user.school or "—",
                contact=m.user.contact or "—",
            )
        )
    return lines, someone_unreachable


def _advice(t: Translator, team: list[Member]) -> Html | None:
    schools = teams.school_count(team)
    if schools <= 2:
        return t.tn(
            "💡 Only {n} school so far. If a partner drops out you would have to find a new one: aim for at least 3 partners.",
            "💡 Only {n} schools so far. If one drops out you would have to find a new partner: aim for at least 3 partners.",
            schools,
        )
    if schools > MAX_SCHOOLS:
        return t(
            "💡 {n} schools: large teams are hard to coordinate. The guide advises no more than 5 institutions.",
            n=schools,
        )
    return None


def team_sheet(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    team = teams.members(session, project_id=project.id)
    lines, unreachable = _member_lines(t, team)
    parts = [t("<b>{title}</b>", title=project.title), _type_line(t, team), "", *lines]
    advice = _advice(t, team)
    if advice:
        parts += ["", advice]
    buttons = []
    if unreachable:
        parts += [
            "",
            t(
                "If you are marked ⚠️, tap the button below and press Start, so I can write to you privately."
            ),
        ]
        buttons = [[Button(t("Start a private chat with me"), url=actor.deep_link("hi"))]]
    return Reply().say(Html("\n".join(parts)), buttons)


def project_list(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    t = actor.t
    mine = teams.user_projects(session, user_id=actor.user.id)
    if not mine:
        return no_project(actor)
    current = active_project(session, actor)
    current_id = current[0].id if current else None
    buttons = [
        [Button(("✅ " if p.id == current_id else "") + clip(p.title, 60), data=f"proj:{p.id}")]
        for p in mine
    ]
    return Reply().say(
        t("Your projects. In our private chat I work on the one marked ✅; tap another to switch."),
        buttons,
    )


def switch_project(session: Session, actor: Actor, project_id: int) -> Reply:
    """Make another project active; refuses projects the teacher is not in."""
    t = actor.t
    if not actor.private or not teams.is_member(
        session, project_id=project_id, user_id=actor.user.id
    ):
        return not_a_member(actor)
    actor.user.active_project_id = project_id
    session.add(actor.user)
    project = session.get(Project, project_id)
    assert project is not None
    return Reply().edit(t("Now working on <b>{title}</b>.", title=project.title))


def new_invite(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    if not is_lead(me):
        return Reply().say(t("Only the coordinator and the founders can invite new partners."))
    invite = teams.create_invite(
        session, project_id=project.id, created_by=actor.user.id, now=actor.now
    )
    link = invite_link(actor, invite.token)
    return Reply().say(
        t(
            "A new invite to <b>{title}</b>, valid for {days} days, for up to {uses} teachers:\n{link}",
            title=project.title,
            days=teams.INVITE_DAYS,
            uses=teams.INVITE_USES,
            link=link,
        ),
        invite_buttons(actor, project.id, link),
    )


def invite_list(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """The project's open links, each with a button that stops it at once."""
    assert project.id is not None
    t = actor.t
    if not is_lead(me):
        return Reply().say(t("Only the coordinator and the founders can manage invite links."))
    found = teams.open_invites(session, project_id=project.id, now=actor.now)
    if not found:
        return Reply().say(
            t("No invite link of <b>{title}</b> is open. /invite makes one.", title=project.title)
        )
    items = [
        t(
            "{n}. …{end}, made {made}, open until {until}, {uses} uses left",
            n=n,
            end=invite.token[-6:],
            made=format_date(invite.created_at, "d MMM", locale=t.lang),
            until=format_date(invite.expires_at, "d MMM", locale=t.lang),
            uses=invite.uses_left,
        )
        for n, invite in enumerate(found, 1)
    ]
    buttons = [
        Button(t("Stop link {n}", n=n), data=f"inv:{project.id}:{invite.token}")
        for n, invite in enumerate(found, 1)
    ]
    head = t("<b>Open invite links of {title}</b>", title=project.title)
    return Reply().say(lines(head, *items), rows(buttons, 2))


def revoke(session: Session, actor: Actor, project_id: int, token: str) -> Reply:
    """A Stop button under /invites: the link stops working for everyone at once."""
    t = actor.t
    me = lead_of(session, project_id, actor.user.id)
    if me is None:
        return Reply(alert=t("Only the coordinator and the founders can manage invite links."))
    if not teams.revoke_invite(session, project_id=project_id, token=token):
        return stale(session, actor)
    project = session.get(Project, project_id)
    assert project is not None
    session.flush()
    reply = invite_list(session, actor, project, me)
    reply.alert = t("The link no longer works.")
    reply.messages[0].edit = True
    return reply


async def on_team(update: Update, context: Ctx) -> None:
    """/team in a group or privately: the contact sheet."""
    await respond(update, context, for_member(team_sheet))


async def on_projects(update: Update, context: Ctx) -> None:
    """/projects: the teacher's projects with the active one marked."""
    await respond(update, context, project_list)


async def on_invite(update: Update, context: Ctx) -> None:
    """/invite: a fresh invite link (coordinator and founders only)."""
    await respond(update, context, for_member(new_invite, private_only=True))


async def on_invites(update: Update, context: Ctx) -> None:
    """/invites: the open links (coordinator and founders only)."""
    await respond(update, context, for_member(invite_list, private_only=True))


# inv:<project>:<token>, a Stop button under /invites
# proj:<project> under /projects switches the active project (other data: not theirs).
FLOW = Flow(
    commands=(
        CommandHandler("team", on_team),
        CommandHandler("projects", on_projects),
        CommandHandler("invite", on_invite),
        CommandHandler("invites", on_invites),
    ),
    buttons=(
        route("inv", (ID, word(50, also="-")), revoke),
        route("proj", (anything(ID, -1),), switch_project),
    ),
)
