"""The registration kit's screens: the platform's notes, the working language, the five
texts one message per field and as a Markdown document.

The form cannot be saved as a draft and is filled in one language, so every screen says
which language the drafts are in (handlers/registration_texts.py drafts them from the
plan), warns where the team's words are in another language or the title is not the same
everywhere, and offers a lead the buttons to settle it (handlers/registration.py acts on
them)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlmodel import Session

from bot.i18n import LANGUAGES, N_, Html, Translator, escape, fold, lines, translator_for
from bot.reply import Button, Document, Keyboard, Message, clip
from bot.written_language import guess
from handlers.registration_texts import FIELDS, Text, drafts
from handlers.start import LANGUAGE_NAMES
from handlers.step import Actor
from storage import plan, teams
from storage.models import PlanItem, Project

LABELS = dict(FIELDS)
LANGUAGE = {"lv": N_("Latvian"), "lt": N_("Lithuanian"), "en": N_("English")}
FOREIGN_SHOWN = 8  # items named in one field's language warning
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


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")


@dataclass(frozen=True)
class Kit:
    """What every screen of the kit shows, read once."""

    project: Project
    language: str  # the working language
    chosen: bool  # by a lead; else it follows the founders
    texts: dict[str, Text]
    plan_titles: list[PlanItem]


def founders_language(session: Session, project_id: int, default: str) -> str:
    """The founders' language when they share one (their choice, else Telegram's), else
    English, which international projects mostly use."""
    spoken = {
        translator_for(m.user, default).lang
        for m in teams.members(session, project_id=project_id)
        if m.membership.founder and m.user is not None
    }
    return spoken.pop() if len(spoken) == 1 else "en"


def read_kit(session: Session, actor: Actor, project: Project) -> Kit:
    assert project.id is not None
    rows = plan.items(session, project_id=project.id)
    language = project.working_language or founders_language(
        session, project.id, actor.default_language
    )
    names = {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project.id)
        if m.user is not None
    }
    edited = plan.registration_texts(session, project_id=project.id)
    texts = drafts(Translator(language), project.title, rows, names, edited)
    titles = [row for row in rows if row.section == "title"]
    return Kit(project, language, project.working_language is not None, texts, titles)


def _foreign(kit: Kit, key: str) -> list[tuple[str, str]]:
    """The team's words in this field that read as another language: (words, language)."""
    found = [(words, guess(words)) for words in dict.fromkeys(kit.texts[key].words)]
    return [(words, lang) for words, lang in found if lang is not None and lang != kit.language]


def _language_message(t: Translator, kit: Kit, editable: bool) -> Message:
    parts = [
        t(
            "🌐 The registration form is filled in one language, the project's working language: <b>{language}</b>. The drafts below are written in it.",
            language=t(LANGUAGE[kit.language]),
        )
    ]
    if not kit.chosen:
        parts.append(
            t(
                "Nobody has chosen it yet, so it follows the founders: their language when they share one, else English. Choose it below."
            )
            if editable
            else t(
                "Nobody has chosen it yet, so it follows the founders: their language when they share one, else English. The coordinator or a founder can choose another."
            )
        )
    if any(_foreign(kit, key) for key in LABELS):
        parts.append(
            t(
                "⚠️ Some of the team's words seem to be in another language: see the warnings under the texts."
            )
        )
    buttons: Keyboard = []
    if editable:
        buttons = [
            [
                Button(
                    ("✓ " if code == kit.language else "") + LANGUAGE_NAMES[code],
                    data=f"regl:{kit.project.id}:{code}",
                )
                for code in LANGUAGES
            ]
        ]
    return Message(lines(*parts), buttons)


def _language_warning(t: Translator, kit: Kit, key: str) -> list[Html]:
    foreign = _foreign(kit, key)
    if not foreign:
        return []
    out = [
        t(
            "⚠️ Not in the working language ({language}): translate it in /plan, or edit the text, before you paste.",
            language=t(LANGUAGE[kit.language]),
        )
    ]
    out += [
        t("• {words} ({language})", words=clip(words, 80), language=t(LANGUAGE[lang]))
        for words, lang in foreign[:FOREIGN_SHOWN]
    ]
    if len(foreign) > FOREIGN_SHOWN:
        more = len(foreign) - FOREIGN_SHOWN
        out.append(t.tn("…and {n} more.", "…and {n} more.", more))
    return out


def _same(a: str, b: str) -> bool:
    return fold(" ".join(a.split())) == fold(" ".join(b.split()))


def _title_choices(t: Translator, kit: Kit, editable: bool) -> tuple[list[Html], Keyboard]:
    """Never two titles silently: the others the team uses, and (for a lead) the plan's
    titles to register instead."""
    shown = kit.texts["title"].text
    named: list[str] = []
    notes: list[Html] = []
    for title, msgid in [
        (kit.project.title, N_("• {title} (the project's name in TwinCoach)")),
        *((row.text, N_("• {title} (the plan's title)")) for row in kit.plan_titles),
    ]:
        if not _same(title, shown) and not any(_same(title, seen) for seen in named):
            named.append(title)
            notes.append(t(msgid, title=title))
    if not notes:
        return [], []
    head = t("⚠️ Not the same title everywhere. The team also uses:")
    choices = [
        [Button(f"📌 {clip(row.text, 40)}", data=f"regt:{kit.project.id}:{row.id}")]
        for row in kit.plan_titles
        if editable and not _same(row.text, shown)
    ][:5]
    tail = [t("Register one title and use it everywhere.")]
    if choices:
        tail.append(t("Tap 📌 to register the plan's title instead."))
    return [head, *notes, *tail], choices


def field_message(t: Translator, kit: Kit, key: str, editable: bool) -> Message:
    text = kit.texts[key].text
    body = (
        Html(f"<code>{escape(text)}</code>")
        if text
        else t("(not written yet: fill in the plan with /plan, or write it here)")
    )
    parts = [Html(f"<b>{t(LABELS[key])}</b>"), body, *_language_warning(t, kit, key)]
    buttons: Keyboard = []
    if key == "title":
        notes, buttons = _title_choices(t, kit, editable)
        parts += notes
    if editable:
        buttons.append([Button(t("✏️ Edit"), data=f"reg:{kit.project.id}:{key}")])
    return Message(lines(*parts), buttons)


def markdown(text: str) -> str:
    """Teachers' text in Markdown as it was typed: no character starts emphasis, a
    heading, a quote or HTML."""
    return _MARKDOWN.sub(r"\\\1", text)


def _document(kit: Kit) -> Document:
    """The kit in the working language: headings, each line of a text its own paragraph
    (a work process's "1." lines a list), the notes as list items."""
    wt = Translator(kit.language)
    parts = [f"# {markdown(kit.project.title)}", ""]
    for key, label in FIELDS:
        parts += [f"## {wt(label)}", ""]
        paragraphs = [line for line in kit.texts[key].text.splitlines() if line.strip()]
        for line in paragraphs or ["—"]:
            parts += [markdown(line), ""]
    head, *notes = html.unescape(re.sub(r"</?b>", "", str(wt(NOTES)))).splitlines()
    parts += [f"## {head}", ""]
    parts += [f"- {note.removeprefix('•').strip()}" for note in notes if note.strip()]
    return Document("registration-kit.md", ("\n".join(parts) + "\n").encode())


def kit_messages(t: Translator, kit: Kit, editable: bool) -> list[Message]:
    return [
        _language_message(t, kit, editable),
        *(field_message(t, kit, key, editable) for key in LABELS),
        Message(
            t(
                "The five texts in one file, in {language}, to share with the team.",
                language=t(LANGUAGE[kit.language]),
            ),
            document=_document(kit),
        ),
    ]
