"""/plan: the guide's plan sheet, built together. Any member proposes or edits items in a
private dialog; /plan in the group shows the whole plan; the coordinator (or a founder)
locks a section when it is agreed, and every later change to it is told to the group.
The sections are the guide's (bot/guide/plan.py); the screens are handlers/plan_sheet.py,
the dialogs handlers/plan_form.py."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.plan import ACTIVITY_LABELS, BY_KEY
from bot.reply import Button, Message, Reply, rows
from handlers import forms, plan_form
from handlers.buttons import ID, Flow, Part, maybe, route, word
from handlers.guards import for_member, is_lead, member_of, not_a_member, stale
from handlers.plan_form import FORM_OF, section_full
from handlers.plan_sheet import section_screen, tell_if_locked, tell_lock, whole_plan
from handlers.step import Actor, respond
from storage import plan, teams
from storage.models import Membership, PlanItem, Project

FORMS = plan_form.FORMS  # the dialogs, registered with the others (handlers/dialogs.py)


def _begin(
    session: Session,
    actor: Actor,
    project: Project,
    key: str,
    *,
    row: PlanItem | None,
    at: str | None,
) -> Reply:
    """Open the section's form, with the item's current answers when editing it."""
    assert project.id is not None
    extra: forms.State = {"project": project.id, "section": key, "item": row.id if row else None}
    preset: forms.Answers = {}
    if row is not None:
        preset = {"text": row.text}
        for name, value in plan.details(row).items():
            shown = ", ".join(value) if isinstance(value, list) else value
            preset[name] = str(shown) if shown else None
        preset.pop("owner", None)  # a user id there; the question offers memberships
        owner = plan.details(row).get("owner")
        responsible = teams.membership(session, project_id=project.id, user_id=owner or 0)
        if responsible is not None:  # else asked again: the teacher left or was forgotten
            preset["owner"] = str(responsible.id)
        at = at or "text"
    form = FORM_OF[key]
    return forms.begin(session, actor, form, preset=preset, extra=extra, at=at)


def act(
    session: Session,
    actor: Actor,
    project_id: int,
    action: str,
    *,
    key: str | None,
    item_id: int | None,
) -> Reply:
    """A button of the plan screens: plan:<project>:<action>[:<section>[:<item>]]."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    project, me = found
    if action == "all":
        reply = whole_plan(session, actor, project, me)
        reply.messages[0].edit = True
        return reply
    if key not in BY_KEY:
        return stale(session, actor)
    row = plan.item(session, project_id=project_id, item_id=item_id) if item_id else None
    if item_id and row is None:
        return Reply(alert=t("This item is not in the plan any more."))
    if action == "open":
        screen = section_screen(session, actor, project, me, key)
        screen.edit = True
        return Reply(messages=[screen])
    if action in ("add", "edit"):
        return _warn_if_locked(
            session,
            actor,
            project_id,
            key,
            _open_item(session, actor, project, key, row=row, add=action == "add"),
        )
    if action == "del" and row is not None:
        question = t("Delete “{item}” from the plan?", item=row.text)
        prefix = f"plan:{project_id}"
        yes = Button(t("🗑 Delete"), data=f"{prefix}:delok:{key}:{row.id}")
        return Reply().edit(question, [[yes, Button(t("« Back"), data=f"{prefix}:open:{key}")]])
    if action == "delok" and row is not None:
        plan.delete_item(session, row=row)
        reply = Reply(alert=t("Deleted."))
        tell_if_locked(session, actor, project, key, (row.text, None), reply=reply)
        screen = section_screen(session, actor, project, me, key)
        screen.edit = True
        reply.messages.append(screen)
        return reply
    if action == "lock" and is_lead(me):
        lock = key not in plan.locked(session, project_id=project_id)
        plan.set_lock(session, project_id=project_id, section=key, by=actor.user.id, lock=lock)
        session.flush()
        screen = section_screen(session, actor, project, me, key)
        screen.edit = True
        return Reply(messages=[screen, *tell_lock(session, actor, project, key, lock)])
    if action == "lock":
        return Reply(alert=t("Only the coordinator and the founders can lock a section."))
    return stale(session, actor)


def _open_item(
    session: Session, actor: Actor, project: Project, key: str, *, row: PlanItem | None, add: bool
) -> Reply:
    """➕ Add or ✏️ change one item: its form (an activity: which detail first)."""
    if add:
        if full := section_full(session, actor, project.id, key):
            return full
        return _begin(session, actor, project, key, row=None, at=None)
    if row is None:
        return stale(session, actor)
    if key == "activity":
        assert project.id is not None
        return _pick_activity_field(actor, project.id, row)
    return _begin(session, actor, project, key, row=row, at=None)


def _warn_if_locked(
    session: Session, actor: Actor, project_id: int, key: str, reply: Reply
) -> Reply:
    """Before changing an agreed section, the teacher hears that the group will see it."""
    if key in plan.locked(session, project_id=project_id):
        note = actor.t(
            "🔒 The team agreed on this section. You can still change it; the group will see what changed."
        )
        reply.messages.insert(0, Message(note))
    return reply


def _pick_activity_field(actor: Actor, project_id: int, row: PlanItem) -> Reply:
    t = actor.t
    buttons = [
        Button(t(label), data=f"planf:{project_id}:{row.id}:{field}")
        for field, label in ACTIVITY_LABELS.items()
    ]
    return Reply().say(
        t("What would you like to change in “{item}”?", item=row.text), rows(buttons, 2)
    )


def edit_activity_field(
    session: Session, actor: Actor, project_id: int, item_id: int, field: str
) -> Reply:
    found = member_of(session, actor, project_id)
    row = plan.item(session, project_id=project_id, item_id=item_id)
    if found is None or row is None or row.section != "activity" or field not in ACTIVITY_LABELS:
        return stale(session, actor)
    return _begin(session, actor, found[0], "activity", row=row, at=field)


def plan_command(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    return whole_plan(session, actor, project, me)


async def on_plan(update: Update, context: Ctx) -> None:
    """/plan: the whole plan (in a private chat with the section buttons)."""
    await respond(update, context, for_member(plan_command))


# plan:<project>:<action>[:<section>[:<item>]] and planf:<project>:<item>:<field> (one
# detail of an activity); both may open a dialog (add, edit).
FLOW = Flow(
    commands=(CommandHandler("plan", on_plan),),
    buttons=(
        route(
            "plan",
            (ID, word(16), maybe(word(16)), maybe(ID)),
            lambda s, a, p, action, key, item: act(s, a, p, action, key=key, item_id=item),
            opens_dialog=True,
        ),
        route("planf", (ID, ID, Part(r"[^:]*")), edit_activity_field, opens_dialog=True),
    ),
)
