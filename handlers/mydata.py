"""/mydata: everything stored about a teacher, as a JSON file worded for them.

storage/privacy.py finds the rows (the same columns /forgetme clears, handlers/forgetme.py).
Here they are worded for a person: questions as the teacher saw them (in their language),
never internal keys, and nothing of their teammates: no names, no ids, nothing from what a
dialog looked up about the team.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide import risks as guide_risks
from bot.guide.agreements import LABELS as TOPICS
from bot.guide.plan import BY_KEY as SECTIONS
from bot.guide.stages import STEP_BY_KEY
from bot.guide.twinspace import PARTS
from bot.reply import Document, Message, Reply
from handlers import forms
from handlers.break_file import PENDING
from handlers.buttons import Flow
from handlers.dialogs import QUESTIONNAIRES, all_forms
from handlers.guards import only_private
from handlers.registration_kit import LABELS as REGISTRATION_FIELDS
from handlers.step import Actor, respond
from storage import privacy

TICKS = {
    **{key: step.text for key, step in STEP_BY_KEY.items()},
    **{key: text for part in PARTS for key, text in part.items},
}


def _plain(text: str) -> str:
    """Translated text as a person reads it: no HTML tags or entities, no {placeholders}."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"\{\w+\}", "…", str(text))))


def _at(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _question(actor: Actor, field: forms.Field | None, key: str) -> str:
    return _plain(actor.t(field.prompt)) if field is not None else key


def _answer(actor: Actor, field: forms.Field | None, value: str | None) -> str | None:
    """The answer as the teacher gave it: a button's label, a date in their words."""
    if value is None or field is None:
        return value
    label = next((c.label for c in field.choices(actor) if c.value == value), None)
    return _plain(label if label is not None else field.show(value, actor))


def _dialog(actor: Actor, scratch: dict[str, Any]) -> dict[str, Any] | None:
    """The open dialog: its name and the teacher's own answers so far. What the dialog
    kept about the team in scratchpads saved by older versions (plan steps, teammates'
    names, zones and calendars) is left out, and so is an answer that picks a teammate."""
    state = scratch.get(forms.SCRATCH)
    if not isinstance(state, dict):
        return None
    form = next((f for f in all_forms() if f.name == state.get("name")), None)
    given = state.get("answers")
    answers: list[dict[str, Any]] = []
    if not isinstance(given, dict):
        given = {}
    for key, value in given.items():
        field = form.field(key) if form else None
        if field is not None and field.names_member:
            continue
        answers.append(
            {"question": _question(actor, field, key), "answer": _answer(actor, field, value)}
        )
    unsure = state.get("unsure")
    if isinstance(unsure, dict) and form is not None:
        field = form.field(str(unsure.get("key")))
        if field is not None and not field.names_member:
            answers.append(
                {
                    "question": _question(actor, field, str(unsure.get("key"))),
                    "answer": unsure.get("value"),
                    "being_checked": True,
                }
            )
    return {"dialog": state.get("name"), "answers": answers}


def export(session: Session, actor: Actor) -> dict[str, Any]:
    """Everything stored about the teacher, worded for them; nothing about anyone else."""
    t = actor.t
    uid = actor.user.id
    found = privacy.footprint(session, user=actor.user)
    user, title = found.user, found.projects.get
    by_id = {q.id: q for q in QUESTIONNAIRES}

    def answer(a: Any) -> dict[str, Any]:
        q = by_id.get(a.questionnaire)
        field = q.form.field(a.item) if q else None
        return {
            "project": title(a.project_id),
            "questionnaire": _plain(t(q.title)) if q else a.questionnaire,
            "question": _question(actor, field, a.item),
            "answer": _answer(actor, field, a.value),
            "answered_at": _at(a.answered_at),
        }

    def plan_item(row: Any) -> dict[str, Any]:
        details = json.loads(row.details) if row.details else {}
        owner = details.pop("owner", None)  # a teammate's id, unless it is the teacher's
        section = SECTIONS.get(row.section)
        return {
            "project": title(row.project_id),
            "section": _plain(t(section.name)) if section else row.section,
            "text": row.text,
            "details": details or None,
            "written_or_last_changed_by_you": row.author_id == uid,
            "you_are_responsible": owner == uid,
            "updated_at": _at(row.updated_at),
        }

    scratch = json.loads(found.scratch.data) if found.scratch else {}
    waiting = scratch.get(PENDING) if isinstance(scratch, dict) else None
    return {
        "telegram_user_id": user.id,
        "display_name": user.display_name,
        "language": user.language,
        "telegram_language": user.telegram_language,
        "country": user.country,
        "region": user.region,
        "timezone": user.timezone,
        "school": user.school,
        "contact": user.contact,
        "active_project": title(user.active_project_id or 0) if user.active_project_id else None,
        "reachable": user.reachable,
        "started": user.started,
        "last_seen": _at(user.last_seen),
        "created_at": _at(user.created_at),
        "projects": [
            {
                "project": title(m.project_id),
                "role": m.role.value,
                "founder": m.founder,
                "school_country": m.country,
                "joined_at": _at(m.joined_at),
            }
            for m in found.memberships
        ],
        "answers": [answer(a) for a in found.answers],
        "agreed_wordings": [
            {
                "project": title(a.project_id),
                "topic": _plain(t(TOPICS[a.topic])) if a.topic in TOPICS else a.topic,
                "wording": a.wording,
                "agreed_at": _at(a.agreed_at),
            }
            for a in found.agreements
        ],
        "invites": [
            {
                "project": title(i.project_id),
                "role": i.role.value,
                "expires_at": _at(i.expires_at),
                "uses_left": i.uses_left,
            }
            for i in found.invites
        ],
        "linked_groups": [
            {
                "project": title(g.project_id),
                "group": g.title,
                "language": g.language,
                "linked_at": _at(g.bound_at),
            }
            for g in found.groups
        ],
        "reminders": [
            {
                "project": title(r.project_id),
                "kind": r.kind,
                "to": "you" if r.chat_id == uid else "your coordinator",
                "due_at": _at(r.due_at),
                "status": r.status,
                "sent_at": _at(r.sent_at),
            }
            for r in sorted(found.reminders, key=lambda r: (r.due_at, r.id or 0))
        ],
        "nudges": [
            {"project": title(n.project_id), "sent_at": _at(n.sent_at)} for n in found.nudges
        ],
        "away": [{"start": _at(a.start), "end": _at(a.end)} for a in found.away],
        "school_breaks": [
            {
                "project": title(b.project_id or 0),
                "country": b.country,
                "start": _at(b.start),
                "end": _at(b.end),
                "name": b.name,
                "source": b.source,
                "entered_by_you": b.created_by == found.user.id,
                "confirmed_by_you": b.confirmed_by == found.user.id,
            }
            for b in found.breaks
        ],
        "plan_items": [plan_item(row) for row in found.plan_items],
        "plan_sections_locked": [
            {
                "project": title(lock.project_id),
                "section": _plain(t(SECTIONS[lock.section].name))
                if lock.section in SECTIONS
                else lock.section,
                "locked_at": _at(lock.locked_at),
            }
            for lock in found.plan_locks
        ],
        "registration_texts": [
            {
                "project": title(r.project_id),
                "field": _plain(t(REGISTRATION_FIELDS[r.field]))
                if r.field in REGISTRATION_FIELDS
                else r.field,
                "text": r.text,
                "updated_at": _at(r.updated_at),
            }
            for r in found.registration_texts
        ],
        "checklist_ticks": [
            {
                "project": title(tick.project_id),
                "item": _plain(t(TICKS[tick.item])) if tick.item in TICKS else tick.item,
                "ticked_at": _at(tick.ticked_at),
            }
            for tick in found.ticks
        ],
        "deadlines": [
            {
                "project": title(d.project_id),
                "title": d.title,
                "due_at": _at(d.due_at),
                "done_at": _at(d.done_at),
                "yours": d.owner_id == uid,
                "set_by_you": d.created_by == uid,
            }
            for d in found.deadlines
        ],
        "risks_you_own": [
            {
                "project": title(r.project_id),
                "risk": _plain(t(guide_risks.BY_KEY[r.risk].title))
                if r.risk in guide_risks.BY_KEY
                else r.risk,
                "applies": r.applies,
                "mitigation": r.mitigation,
                "updated_at": _at(r.updated_at),
            }
            for r in found.risks
        ],
        "meetings_you_set": [
            {
                "project": title(m.project_id),
                "weekday": m.weekday,
                "at": m.at,
                "zone": m.zone,
                "every_weeks": m.every_weeks,
                "first": _at(m.first),
            }
            for m in found.meetings
        ],
        "removed_from": [
            {"project": title(r.project_id), "removed_at": _at(r.removed_at)}
            for r in found.removals
        ],
        "asked_for_school_breaks": [
            {"country": p.country, "asked_at": _at(p.asked_at)} for p in found.break_prompts
        ],
        "dialog_in_progress": _dialog(actor, scratch if isinstance(scratch, dict) else {}),
        "school_breaks_to_confirm": waiting.get("breaks") if isinstance(waiting, dict) else None,
    }


def my_data(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    data = json.dumps(export(session, actor), ensure_ascii=False, indent=2)
    reply = Reply()
    reply.messages.append(
        Message(
            actor.t("Here is everything I keep about you."),
            document=Document("twincoach-my-data.json", data.encode()),
        )
    )
    return reply


async def on_mydata(update: Update, context: Ctx) -> None:
    """/mydata: a JSON file with the teacher's data."""
    await respond(update, context, my_data)


FLOW = Flow(commands=(CommandHandler("mydata", on_mydata),))
