"""The plan sheet as the team sees it: the whole plan (/plan), one section with its
buttons, what the guide would point out about the items (bot/rules/plan_checks.py), and the
notes to the groups when an agreed (locked) section changes or is locked."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from sqlmodel import Session

from bot.guide.plan import ACTIVITY_LABELS, BY_KEY, SECTIONS, Section
from bot.i18n import Html, Translator, escape, lines
from bot.reply import Button, Keyboard, Message, Reply, rows
from bot.rules.plan_checks import MIN_COLLAB, Flag, flags, review, too_many_new_tools
from bot.rules.risks import NEW_TOOLS
from handlers.guards import is_lead
from handlers.step import Actor
from storage import plan, teams
from storage.models import Membership, PlanItem, Project


def day(t: Translator, value: str) -> str:
    """A start or deadline as a day in the reader's language ("15. decembris"); one kept
    in the teacher's own words (older plans) as written."""
    try:
        return format_date(datetime.fromisoformat(value).date(), "long", locale=t.lang)
    except ValueError:
        return value


def tell_if_locked(
    session: Session,
    actor: Actor,
    project: Project,
    section: str,
    change: tuple[str | None, str | None],
    *,
    reply: Reply,
) -> None:
    """A change to an agreed (locked) section is shown to the project's groups, each in
    its language: (old, new) text; None for an item added or removed."""
    assert project.id is not None
    if section not in plan.locked(session, project_id=project.id):
        return
    old, new = change
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        values = {
            "name": actor.user.display_name,
            "section": gt(BY_KEY[section].name),
            "old": old or "",
            "new": new or "",
        }
        if old is None:
            note = gt(
                "✏️ {name} added to the agreed section “{section}” of the plan: “{new}”", **values
            )
        elif new is None:
            note = gt(
                "✏️ {name} removed from the agreed section “{section}” of the plan: “{old}”",
                **values,
            )
        else:
            note = gt(
                "✏️ {name} changed the agreed section “{section}” of the plan.\nWas: “{old}”\nNow: “{new}”",
                **values,
            )
        reply.say(note, chat_id=group.chat_id)


def tell_lock(
    session: Session, actor: Actor, project: Project, section: str, locked: bool
) -> list[Message]:
    """Locking or unlocking a section is told to the project's groups."""
    assert project.id is not None
    posts = []
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        values = {"name": actor.user.display_name, "section": gt(BY_KEY[section].name)}
        text = (
            gt(
                "🔒 {name} locked the section “{section}”: the team agreed on it, and any change is shown here.",
                **values,
            )
            if locked
            else gt(
                "🔓 {name} unlocked the section “{section}”: it can change freely again.", **values
            )
        )
        posts.append(Message(text, chat_id=group.chat_id))
    return posts


def _warnings(t: Translator, section: str, items: list[PlanItem]) -> list[Html]:
    """What the guide would point out about these items (bot/rules/plan_checks.py)."""
    out: list[Html] = []
    for row in items:
        for flag in flags(section, row.text):
            match flag:
                case Flag.NOT_MEASURABLE:
                    out.append(
                        t(
                            "⚠️ Nothing in this goal is measurable yet: add a number, such as “five examples” or “every pupil”."
                        )
                    )
                case Flag.NO_TIME_FRAME:
                    out.append(
                        t(
                            "⚠️ This goal has no time frame yet: add one, such as “by the end of March”."
                        )
                    )
                case Flag.EXCHANGE:
                    out.append(
                        t(
                            "⚠️ “{item}” sounds like file exchange or parallel work. Without real collaboration between pupils there is no quality label.",
                            item=row.text,
                        )
                    )
                case Flag.LONG_TITLE:
                    out.append(
                        t("⚠️ This title is long; a short, concrete title is easier to recognise.")
                    )
    if section == "activity":
        tools = [n for row in items for n in plan.details(row).get("new_tools") or []]
        if many := too_many_new_tools(n for n in tools if isinstance(n, str)):
            out.append(Html(f"⚠️ {t(NEW_TOOLS, tools=', '.join(many))}"))
    if section == "collab":
        real = review((row.section, row.text) for row in items).real_collaboration()
        if real < MIN_COLLAB:
            out.append(
                t(
                    "⚠️ Plan at least three real collaboration actions; so far {n} (file exchange and parallel work do not count).",
                    n=real,
                )
            )
    return out


def _item_line(t: Translator, n: int, row: PlanItem, names: dict[int, str]) -> Html:
    if row.section != "activity":
        return Html(f"{n}. {escape(row.text)}")
    d = plan.details(row)
    shown = {
        **d,
        "owner": names.get(d.get("owner") or 0),
        "new_tools": ", ".join(d.get("new_tools") or []),
        **{key: day(t, d[key]) for key in ("start", "deadline") if d.get(key)},
    }
    parts = [
        t("{label}: {value}", label=t(label), value=value)
        for key, label in ACTIVITY_LABELS.items()
        if key != "text" and (value := shown.get(key))
    ]
    return Html(f"{n}. <b>{escape(row.text)}</b>\n    " + " · ".join(parts))


def _section_text(
    t: Translator, section: Section, rows_: list[PlanItem], locked: bool, names: dict[int, str]
) -> Html:
    head = Html(f"<b>{t(section.name)}</b>" + (" 🔒" if locked else ""))
    body = [_item_line(t, n, row, names) for n, row in enumerate(rows_, 1)] or [t("(nothing yet)")]
    return lines(head, *body, *_warnings(t, section.key, rows_))


def _names(session: Session, project_id: int) -> dict[int, str]:
    return {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project_id)
        if m.user
    }


def whole_plan(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """The plan sheet as one tidy message (split only where Telegram needs it)."""
    assert project.id is not None
    t = actor.t
    everything = plan.items(session, project_id=project.id)
    locked = plan.locked(session, project_id=project.id)
    names = _names(session, project.id)
    parts = [t("📋 <b>Plan: {title}</b>", title=project.title)]
    for section in SECTIONS:
        in_section = [row for row in everything if row.section == section.key]
        parts.append(_section_text(t, section, in_section, section.key in locked, names))
    if not actor.private:
        parts.append(t("Add or change items in a private chat with me: /plan"))
        return Reply().say(lines(*parts, blank=True))
    buttons = rows([Button(t(s.name), data=f"plan:{project.id}:open:{s.key}") for s in SECTIONS], 2)
    parts.append(t("Tap a section to add or change its items."))
    return Reply().say(lines(*parts, blank=True), buttons)


def section_screen(
    session: Session, actor: Actor, project: Project, me: Membership, key: str
) -> Message:
    assert project.id is not None
    t = actor.t
    section = BY_KEY[key]
    rows_ = plan.items(session, project_id=project.id, section=key)
    is_locked = key in plan.locked(session, project_id=project.id)
    text = _section_text(t, section, rows_, is_locked, _names(session, project.id))
    prefix = f"plan:{project.id}"
    keyboard: Keyboard = [[Button(t("➕ Add"), data=f"{prefix}:add:{key}")]]
    keyboard += rows(
        [
            button
            for n, row in enumerate(rows_, 1)
            for button in (
                Button(f"✏️ {n}", data=f"{prefix}:edit:{key}:{row.id}"),
                Button(f"🗑 {n}", data=f"{prefix}:del:{key}:{row.id}"),
            )
        ],
        4,
    )  # two items a row: at most ITEMS_MAX * 2 + 3 buttons, within Telegram's 100
    if is_lead(me):
        toggle = t("🔓 Unlock") if is_locked else t("🔒 Lock as agreed")
        keyboard.append([Button(toggle, data=f"{prefix}:lock:{key}")])
    keyboard.append([Button(t("« Whole plan"), data=f"{prefix}:all")])
    return Message(text, keyboard)
