"""/registration: the texts the platform's registration form asks for, ready to paste
(handlers/registration_kit.py shows them). The team's coordinator or a founder chooses the
working language, registers the plan's title and edits a text; an edited text replaces
the draft for everyone, so only they may, and each press checks it again."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html
from bot.reply import Reply
from handlers import forms
from handlers.buttons import ID, Flow, one_of, route, word
from handlers.guards import for_member, is_lead, member_of, stale
from handlers.registration_kit import LABELS, NOTES, field_message, kit_messages, read_kit
from handlers.step import Actor, respond
from storage import plan
from storage.models import Membership, Project

ONLY_LEADS = N_("Only the coordinator and the founders can edit the registration texts.")


def kit(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/registration: the notes, the working language, the five texts, the file."""
    reply = Reply().say(actor.t(NOTES))
    reply.messages += kit_messages(actor.t, read_kit(session, actor, project), _editable(actor, me))
    return reply


def _editable(actor: Actor, me: Membership) -> bool:
    return actor.private and is_lead(me)


def choose_language(session: Session, actor: Actor, project_id: int, language: str) -> Reply:
    """regl:<project>:<language> (coordinator, founders): the texts again, drafted in it."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None or not is_lead(found[1]):
        return Reply(
            alert=t("Only the coordinator and the founders can choose the working language.")
        )
    project, me = found
    plan.set_working_language(session, project=project, language=language)
    messages = kit_messages(t, read_kit(session, actor, project), _editable(actor, me))
    return Reply(messages=messages, clear_buttons=True)


def use_plan_title(session: Session, actor: Actor, project_id: int, item_id: int) -> Reply:
    """regt:<project>:<plan item> (coordinator, founders): the plan's title registered."""
    found = member_of(session, actor, project_id)
    if found is None or not is_lead(found[1]):
        return Reply(alert=actor.t(ONLY_LEADS))
    row = plan.item(session, project_id=project_id, item_id=item_id)
    if row is None or row.section != "title":
        return stale(session, actor)
    project, me = found
    plan.save_registration_text(
        session,
        project_id=project_id,
        field="title",
        text=row.text,
        by=actor.user.id,
        now=actor.now,
    )
    shown = read_kit(session, actor, project)
    return Reply(messages=[field_message(actor.t, shown, "title", _editable(actor, me))])


def _save(session: Session, actor: Actor, answers: forms.Answers, state: forms.State) -> Reply:
    t = actor.t
    found = member_of(session, actor, state["project"])
    text = answers.get("text")
    if found is None or not is_lead(found[1]) or text is None or state.get("field") not in LABELS:
        return Reply().say(t(ONLY_LEADS))
    project, me = found
    plan.save_registration_text(
        session,
        project_id=state["project"],
        field=state["field"],
        text=text,
        by=actor.user.id,
        now=actor.now,
    )
    shown = read_kit(session, actor, project)
    return Reply(messages=[field_message(t, shown, state["field"], _editable(actor, me))])


FORM = forms.Form(
    name="registration",
    fields=(forms.Field("text", N_("Write the new text (it replaces the draft)."), precise=True),),
    finish=_save,
    command="/registration",
    reopen=N_("{command} opens it again."),
)
FORMS = [FORM]


def start_edit(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    found = member_of(session, actor, project_id)
    if found is None or not is_lead(found[1]) or key not in LABELS:
        return Reply(alert=actor.t(ONLY_LEADS))
    current = read_kit(session, actor, found[0]).texts[key].text or None
    intro = Html(f"<b>{actor.t(LABELS[key])}</b>")
    extra = {"project": project_id, "field": key}
    preset: forms.Answers = {"text": current} if current else {}
    return forms.begin(session, actor, FORM, intro=intro, extra=extra, preset=preset, at="text")


async def on_registration(update: Update, context: Ctx) -> None:
    """/registration: the notes, the working language, the five texts and the document."""
    await respond(update, context, for_member(kit))


# reg:<project>:<field> (coordinator, founders): asks for the new text.
# regl:<project>:<language> (coordinator, founders): the texts again in that language.
# regt:<project>:<plan item> (coordinator, founders): registers the plan's title.
FLOW = Flow(
    commands=(CommandHandler("registration", on_registration),),
    buttons=(
        route("reg", (ID, word(16)), start_edit, opens_dialog=True),
        route("regl", (ID, one_of("lv", "lt", "en")), choose_language),
        route("regt", (ID, ID), use_plan_title),
    ),
)
