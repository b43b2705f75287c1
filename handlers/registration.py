"""/registration: the texts the platform's registration form asks for, drafted from the
plan and editable. The form cannot be saved as a draft, so the team gets them ready to
copy (one message per field) and as a Markdown document, with the platform's notes."""

from __future__ import annotations

import re

from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, Translator, escape, lines
from bot.reply import Button, Document, Message, Reply
from handlers import forms
from handlers.common import Actor, button, for_member, is_lead, member_of, respond
from storage import plan
from storage.models import Membership, Project

FIELDS = (
    ("title", N_("Project title")),
    ("description", N_("Short description")),
    ("goals", N_("Pedagogical goals")),
    ("process", N_("Work process")),
    ("result", N_("Expected result")),
)
LABELS = dict(FIELDS)
CALLBACK = re.compile(r"^reg:(\d{1,12}):(\w{1,16})$")
NOTES = N_(
    "<b>Before you fill in the registration form</b>\n"
    "• The form cannot be saved as a draft: have these five texts ready.\n"
    "• There is little space for each text: be as concrete and precise as you can.\n"
    "• Write them in the project's working language.\n"
    "• The pupil count means all pupils in the project, in every school.\n"
    "• The founders' countries decide: the same country makes a national project, two countries an international one.\n"
    "• Every partner must be registered and approved on the platform, in each other's contacts, "
    "with “ready for eTwinning projects” ticked in their profile (“Edit profile”, near the bottom): "
    "without it a teacher cannot be added.\n"
    "• You may choose several competences, subjects and languages.\n"
    "• After the National Support Service approves the project, the description can still be edited.\n"
    "• Roles: every teacher the founders add is a “Member” and can put all the project's work in TwinSpace; "
    "an “Administrator” can also add teachers and has more rights to change, delete and arrange. "
    "The founders are administrators; give the role to others with the three dots by a teacher's picture → “Edit access”."
)


def drafts(session: Session, project: Project) -> dict[str, str]:
    """Each field drafted from the plan sheet; an edited text replaces its draft."""
    assert project.id is not None
    by_section: dict[str, list[str]] = {}
    activities = []
    for row in plan.items(session, project_id=project.id):
        by_section.setdefault(row.section, []).append(row.text)
        if row.section == "activity":
            time = plan.details(row).get("time")
            activities.append(f"{row.text} ({time})" if time else row.text)
    product = by_section.get("product", [])
    texts = {
        "title": (by_section.get("title") or [project.title])[0],
        "description": " ".join(product[:1] + by_section.get("collab", [])[:1]),
        "goals": "\n".join(by_section.get("goal", [])),
        "process": "\n".join(f"{n}. {text}" for n, text in enumerate(activities, 1)),
        "result": "\n".join(product[:1] + [f"{n}. {s}" for n, s in enumerate(product[1:], 1)]),
    }
    texts.update(plan.registration_texts(session, project_id=project.id))
    return texts


def _field_message(t: Translator, project: Project, key: str, text: str, editable: bool) -> Message:
    body = (
        Html(f"<code>{escape(text)}</code>")
        if text
        else t("(not written yet: fill in the plan with /plan, or write it here)")
    )
    buttons = [[Button(t("✏️ Edit"), data=f"reg:{project.id}:{key}")]] if editable else []
    return Message(lines(Html(f"<b>{t(LABELS[key])}</b>"), body), buttons)


def _document(t: Translator, project: Project, texts: dict[str, str]) -> Document:
    parts = [f"# {project.title}", ""]
    for key, label in FIELDS:
        parts += [f"## {t(label)}", "", texts.get(key) or "—", ""]
    notes = re.sub(r"</?b>", "", str(t(NOTES)))
    parts += [f"## {notes.splitlines()[0]}", "", *notes.splitlines()[1:], ""]
    return Document("registration-kit.md", "\n".join(parts).encode())


def kit(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    t = actor.t
    texts = drafts(session, project)
    editable = actor.private and is_lead(me)
    reply = Reply().say(t(NOTES))
    reply.messages += [
        _field_message(t, project, key, texts.get(key, ""), editable) for key, _ in FIELDS
    ]
    reply.messages.append(
        Message(
            t("The five texts in one file, to share with the team."),
            document=_document(t, project, texts),
        )
    )
    return reply


def _save(session: Session, actor: Actor, answers: forms.Answers, state: forms.State) -> Reply:
    t = actor.t
    found = member_of(session, actor, state["project"])
    text = answers.get("text")
    if found is None or not is_lead(found[1]) or text is None or state.get("field") not in LABELS:
        return Reply().say(
            t("Only the coordinator and the founders can edit the registration texts.")
        )
    project = found[0]
    plan.save_registration_text(
        session,
        project_id=state["project"],
        field=state["field"],
        text=text,
        by=actor.user.id,
        now=actor.now,
    )
    return Reply(messages=[_field_message(t, project, state["field"], text, True)])


FORM = forms.Form(
    name="registration",
    fields=(forms.Field("text", N_("Write the new text (it replaces the draft)."), precise=True),),
    finish=_save,
    command="/registration",
    reopen=N_("{command} opens it again."),
)
FORMS = [FORM]


def start_edit(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None or not is_lead(found[1]) or key not in LABELS:
        return Reply(
            alert=t("Only the coordinator and the founders can edit the registration texts.")
        )
    current = drafts(session, found[0]).get(key) or None
    intro = Html(f"<b>{t(LABELS[key])}</b>")
    extra = {"project": project_id, "field": key}
    preset: forms.Answers = {"text": current} if current else {}
    return forms.begin(session, actor, FORM, intro=intro, extra=extra, preset=preset, at="text")


async def on_registration(update: Update, context: Ctx) -> None:
    """/registration: the five texts, the notes and the document."""
    await respond(update, context, for_member(kit))


# reg:<project>:<field> (coordinator, founders): asks for the new text.
on_edit = button(CALLBACK, lambda s, a, m: start_edit(s, a, int(m[1]), m[2]))


def entry_points() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_edit, pattern="^reg:")]


def handlers() -> list[BaseHandler]:
    return [CommandHandler("registration", on_registration)]
