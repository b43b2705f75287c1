"""/risks: the guide's eleven risks with its advice (bot/guide/risks.py). The group sees
the list; privately a member marks whether a risk applies, names the teacher who watches
it and writes how the team handles it. TwinCoach flags some risks itself from the team's
data (handlers/risk_flags.py; the screens are handlers/risk_cards.py).

Callback data: rk:<project>:list, rk:<project>:<risk>:<action>[:<teacher>]; every press
re-checks membership, so forged data change nothing."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.risks import BY_KEY
from bot.i18n import N_, lines
from bot.reply import Reply
from handlers import forms, lifecycle
from handlers.buttons import ID, Flow, Part, maybe, one_of, route, word
from handlers.guards import for_member, member_of, not_a_member, stale
from handlers.risk_cards import PREFIX, card, list_buttons, list_text, owner_picker, read_view
from handlers.step import Actor, respond
from storage import risks as store
from storage import teams
from storage.models import Membership, Project


def overview(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    """/risks: the list; privately with a button per risk."""
    t = actor.t
    view = read_view(session, project)
    if not actor.private:
        hint = t(
            "In a private chat, /risks lets you mark risks, name owners and write what you do."
        )
        return Reply().say(lines(list_text(t, view), hint, blank=True))
    hint = t("Tap a number to look at a risk and decide what to do.")
    return Reply().say(lines(list_text(t, view), hint, blank=True), list_buttons(view))


ACTION_LONGEST = 8


class Press(NamedTuple):
    """A parsed risk button: rk:<project>[:<risk>]:<action>[:<teacher>]."""

    project_id: int
    key: str  # empty for the list
    action: str
    arg: int | None


def read_press(project_id: int, first: str, second: str | None, arg: int | None) -> Press | None:
    """rk:<project>:<action> (the list) or rk:<project>:<risk>:<action>[:<teacher>]."""
    if second is None:
        return Press(project_id, "", first, arg) if len(first) <= ACTION_LONGEST else None
    return Press(project_id, first, second, arg)


def press(session: Session, actor: Actor, pressed: Press) -> Reply:
    """One button under /risks; only members of the project named in the data may act."""
    t = actor.t
    project_id, key, action, arg = pressed
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    project = found[0]
    if action == "list" and not key:
        view = read_view(session, project)
        return Reply().edit(list_text(t, view), list_buttons(view))
    risk = BY_KEY.get(key)
    if risk is None:
        return stale(session, actor)
    if action in ("yes", "no"):
        store.set_applies(
            session, project_id=project_id, risk=key, applies=action == "yes", now=actor.now
        )
    elif action == "own" and arg is not None:
        if not teams.is_member(session, project_id=project_id, user_id=arg):
            return Reply(alert=t("This teacher is not in the project any more."))
        store.set_owner(session, project_id=project_id, risk=key, owner_id=arg, now=actor.now)
    elif action not in ("open", "owner"):
        return stale(session, actor)
    view = read_view(session, project)  # read after the change
    if action == "owner":
        return owner_picker(t, view, risk)
    reply = Reply().edit(*card(t, view, risk))
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
    assert found is not None  # the form's guard (still_member) checked it
    if risk is None or text is None:  # a risk the guide no longer has
        return Reply().say(actor.t("This question is already closed."))
    store.set_mitigation(
        session, project_id=state["project"], risk=risk.key, mitigation=text, now=actor.now
    )
    screen, buttons = card(actor.t, read_view(session, found[0]), risk)
    reply = Reply().say(actor.t("Saved.")).say(screen, buttons)
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
    command="/risks",
    reopen=N_("{command} opens it again."),
)


def start_mitigation(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    t = actor.t
    risk = BY_KEY.get(key)
    if member_of(session, actor, project_id) is None:
        return not_a_member(actor)
    if risk is None:
        return stale(session, actor)
    intro = t("<b>{title}</b>", title=t(risk.title))
    return forms.begin(
        session, actor, MITIGATION, intro=intro, extra={"project": project_id, "risk": key}
    )


async def on_risks(update: Update, context: Ctx) -> None:
    """/risks (group or private): the list; privately a button per risk."""
    await respond(update, context, for_member(overview))


FORMS: list[forms.Form] = [MITIGATION]


# A button under /risks: open a risk, mark it, choose its owner, back to the list;
# rk:<project>:<risk>:write ("Write how we handle it") asks for the mitigation in a dialog.
FLOW = Flow(
    commands=(CommandHandler("risks", on_risks),),
    buttons=(
        route(
            PREFIX,
            (ID, word(16), maybe(word(ACTION_LONGEST)), maybe(Part(r"\d{1,16}", int))),
            lambda s, a, *parts: press(s, a, p) if (p := read_press(*parts)) else stale(s, a),
        ),
        route(
            PREFIX,
            (ID, word(16), one_of("write")),
            lambda s, a, p, key, _: start_mitigation(s, a, p, key),
            actions=("write",),
            opens_dialog=True,
        ),
    ),
)
