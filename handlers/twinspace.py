"""/twinspace: the guide's TwinSpace set-up questions and its twelve common mistakes
(bot/guide/twinspace.py), one screen per part. Any member ticks an item; whoever ticked it,
or the coordinator or a founder, undoes it. Ticking every question finishes a step of
/status, so a tick may move the project on (handlers/lifecycle.py).

Callback data: ts:<project>:<part> (open a part, or the menu), ts:<project>:<item>:<t|u>
(tick, undo); every press re-checks membership.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.twinspace import NSS_LOOKS, PART_BY_KEY, PART_OF_ITEM, PARTS, Part
from bot.i18n import Html, Translator, lines
from bot.reply import Button, Keyboard, Message, Reply, rows
from handlers.buttons import ID, Flow, route, word
from handlers.guards import for_member, member_of, not_a_member, stale
from handlers.lifecycle import UNDO_REFUSED, change_tick, tick_button, undoable
from handlers.step import Actor, respond
from storage import checklists
from storage.models import Membership, Project

TWINSPACE = "ts"
MENU = "menu"


def _menu(t: Translator, project: Project, ticks: frozenset[str]) -> tuple[Html, Keyboard]:
    counts = []
    for part in PARTS:
        done = sum(key in ticks for key, _text in part.items)
        mark = "✅" if done == len(part.items) else "▫️"
        counts.append(
            t(
                "{mark} {part}: {done} of {total}",
                mark=mark,
                part=t(part.title),
                done=done,
                total=len(part.items),
            )
        )
    text = lines(
        t("<b>TwinSpace set-up: {title}</b>", title=project.title),
        t(
            "Talk these questions through as a team before you build TwinSpace, and keep the twelve common mistakes in mind. Tap a part to open it."
        ),
        Html(f"<i>{t(NSS_LOOKS)}</i>"),
        Html(""),
        *counts,
    )
    buttons = [Button(t(p.title), data=f"{TWINSPACE}:{project.id}:{p.key}") for p in PARTS]
    return text, rows(buttons, 2)


def _part(
    t: Translator, project: Project, part: Part, ticks: frozenset[str], may_undo: frozenset[str]
) -> tuple[Html, Keyboard]:
    items = []
    buttons = []
    for number, (key, text) in enumerate(part.items, 1):
        done = key in ticks
        mark = "✅" if done else "▫️"
        items.append(t("{mark} {n}. {item}", mark=mark, n=number, item=t(text)))
        if done and key not in may_undo:
            continue
        action = "u" if done else "t"
        buttons.append(Button(f"{mark} {number}", data=f"{TWINSPACE}:{project.id}:{key}:{action}"))
    notes = [Html(f"<i>{t(note)}</i>") for note in part.notes]
    text = lines(
        t("<b>{part}</b> · {title}", part=t(part.title), title=project.title),
        *items,
        *notes,
        t(part.hint),
    )
    keyboard = rows(buttons, 4)
    keyboard.append([Button(t("« Back"), data=f"{TWINSPACE}:{project.id}:{MENU}")])
    return text, keyboard


def twinspace(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    """/twinspace: how far the team is with each part."""
    assert project.id is not None
    ticks = frozenset(checklists.ticked(session, project_id=project.id))
    return Reply().say(*_menu(actor.t, project, ticks))


def open_part(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    """A part button (or « Back) under /twinspace."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    part = PART_BY_KEY.get(key)
    if part is None and key != MENU:
        return stale(session, actor)
    ticks = frozenset(checklists.ticked(session, project_id=project_id))
    if part is None:
        return Reply().edit(*_menu(t, found[0], ticks))
    return Reply().edit(*_part(t, found[0], part, ticks, undoable(session, project_id, found[1])))


def tick_item(session: Session, actor: Actor, project_id: int, key: str, undo: bool) -> Reply:
    """A number under a /twinspace part: any member ticks it; whoever ticked it, or a
    lead, undoes it."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    part = PART_OF_ITEM.get(key)
    if part is None:
        return stale(session, actor)
    if undo and key not in undoable(session, project_id, found[1]):
        return Reply(alert=t(UNDO_REFUSED))
    facts, _team, told = change_tick(session, actor, found[0], key, undo)
    text, buttons = _part(t, found[0], part, facts.ticks, undoable(session, project_id, found[1]))
    return Reply(messages=[Message(text, buttons, edit=True), *told])


async def on_twinspace(update: Update, context: Ctx) -> None:
    """/twinspace (private): the set-up questions and the common mistakes."""
    await respond(update, context, for_member(twinspace, private_only=True))


# ts:<project>:<item>:t|u ticks or undoes an item; ts:<project>:<part> opens a part (or the menu).
FLOW = Flow(
    commands=(CommandHandler("twinspace", on_twinspace),),
    buttons=(
        tick_button(TWINSPACE, tick_item),
        route(TWINSPACE, (ID, word(16)), open_part),
    ),
)
