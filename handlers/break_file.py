""".ics files of school breaks sent privately: read within limits and off the event loop,
shown as a preview of the new breaks for the sender's country, and added only when the
teacher confirms, once (the preview waits in the scratchpad under PENDING)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from functools import partial

from sqlmodel import Session
from telegram import Document, Update

from bot.context import Ctx
from bot.i18n import N_, Html, escape, lines
from bot.reply import Button, Reply
from bot.rules.countries import country_name
from handlers.break_entry import region_of, replan_author
from handlers.buttons import ID, Flow, one_of, route
from handlers.guards import for_member, stale
from handlers.step import Actor, respond
from scheduler.ics_import import (
    MAX_BYTES,
    MAX_EVENTS,
    Candidate,
    Unreadable,
    read_breaks,
)
from scheduler.places import for_region
from storage import breaks, teams
from storage.models import Membership, Project

PENDING = "ics_import"  # scratch key: the breaks a teacher is asked to confirm
PREVIEW_LINES = 30
PARSE_SECONDS = 10.0
UNREADABLE = {
    "size": N_(
        "That file is larger than {most} KB. School holidays fit in a much smaller one: export only the holidays, or use /breaks add."
    ),
    "format": N_("I could not read that calendar file. Is it an .ics export?"),
    "events": N_(
        "That file has {text} events; I read at most {most}. Export only the school holidays, please."
    ),
    "breaks": N_(
        "That file has {text} whole-day events, more than a list of school breaks would have. Export only the holidays, please."
    ),
    "value": N_(
        "Line {line} of the file has a date I cannot read: “{text}”. Fix it in your calendar and send the file again."
    ),
    "slow": N_(
        "Reading that file took too long. Export only the school holidays and send it again."
    ),
}
LIMIT_OF = {"size": MAX_BYTES // 1000, "events": MAX_EVENTS}


def preview_ics(
    session: Session,
    actor: Actor,
    project: Project,
    me: Membership,
    found: tuple[list[Candidate], int],
) -> Reply:
    """What the file would add for the sender's country, new breaks only, to confirm."""
    t = actor.t
    if me.country is None:
        return Reply().say(t("Tell me your school's country first: /profile"))
    assert project.id is not None
    candidates, left_out = found
    known = _known(session, actor, project.id, me.country)
    new = [c for c in candidates if (c.start, c.end) not in known]
    country = country_name(me.country, t.lang)
    parts = [t("<b>Breaks for {country} in the file</b>", country=country)]
    parts += [_break_line(c.start, c.end, c.name or t("School break")) for c in new[:PREVIEW_LINES]]
    if len(new) > PREVIEW_LINES:
        parts.append(t("… and {n} more", n=len(new) - PREVIEW_LINES))
    if len(candidates) > len(new):
        parts.append(t("Known already: {n}.", n=len(candidates) - len(new)))
    if left_out:
        parts.append(t("Left out as longer than three months or over already: {n}.", n=left_out))
    if not new:
        actor.scratch.pop(PENDING, None)
        parts.append(t("Nothing new to add."))
        return Reply().say(lines(*parts))
    actor.scratch[PENDING] = {
        "project": project.id,
        "country": me.country,
        "breaks": [[c.start.isoformat(), c.end.isoformat(), c.name] for c in new],
    }
    parts.append(t.tn("Add this break?", "Add these {n} breaks?", len(new)))
    buttons = [[
        Button(t("Add them"), data=f"ics:{project.id}:yes"),
        Button(t("Cancel"), data=f"ics:{project.id}:no"),
    ]]  # fmt: skip
    return Reply().say(lines(*parts), buttons)


def confirm_ics(session: Session, actor: Actor, project_id: int, add: bool) -> Reply:
    """The teacher's answer to the preview: the breaks are added only now, once."""
    t = actor.t
    pending = actor.scratch.get(PENDING)
    if not pending or pending["project"] != project_id:
        return stale(session, actor)
    me = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    actor.scratch.pop(PENDING)
    if me is None or me.country is None or me.country != pending["country"]:
        return stale(session, actor)
    if not add:
        return Reply(clear_buttons=True).say(t("Nothing was added."))
    known = _known(session, actor, project_id, me.country)
    added = 0
    for first, last, name in pending["breaks"]:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        if (start, end) in known:
            continue  # the same file confirmed twice
        known.add((start, end))
        breaks.add(
            session,
            project_id=project_id,
            country=me.country,
            start=start,
            end=end,
            name=name or t("School break"),
            by=actor.user.id,
            source="ics",
            region=region_of(actor, me.country),
        )
        added += 1
    replan_author(session, actor, project_id)
    country = country_name(me.country, t.lang)  # not inside t.tn(): Babel would misread it
    note = t.tn(
        "Added {n} break for {country} from the file.",
        "Added {n} breaks for {country} from the file.",
        added,
        country=country,
    )
    return Reply(clear_buttons=True).say(note)


def _known(session: Session, actor: Actor, project_id: int, country: str) -> set[tuple[date, date]]:
    """The dates of the breaks this team already knows for a country (any source), those
    of the sender's region included and other regions' left out."""
    found = breaks.for_project(session, project_id=project_id, countries=[country])
    return {(b.start, b.end) for b in for_region(found, country, region_of(actor, country))}


def _break_line(start: date, end: date, name: str) -> Html:
    return Html(f"• {start:%d.%m.%Y} – {end:%d.%m.%Y}: {escape(name)}")


async def _read(document: Document) -> tuple[list[Candidate], int] | Unreadable:
    """The file's break candidates, read within limits and off the event loop."""
    if (document.file_size or 0) > MAX_BYTES:
        return Unreadable("size")  # not even downloaded
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(read_breaks, content, datetime.now(UTC).date()), PARSE_SECONDS
        )
    except Unreadable as problem:
        return problem
    except TimeoutError:
        return Unreadable("slow")


def unreadable(_session: Session, actor: Actor, problem: Unreadable) -> Reply:
    return Reply().say(
        actor.t(
            UNREADABLE[problem.reason],
            most=LIMIT_OF.get(problem.reason, ""),
            line=problem.line or "?",
            text=problem.text,
        )
    )


async def on_ics_file(update: Update, context: Ctx) -> None:
    """An .ics file sent privately: read, then previewed for the teacher to confirm."""
    assert update.message is not None and update.message.document is not None
    found = await _read(update.message.document)
    if isinstance(found, Unreadable):
        await respond(update, context, partial(unreadable, problem=found))
        return
    await respond(
        update,
        context,
        for_member(partial(preview_ics, found=found), private_only=True),
    )


# ics:<project>:yes|no under the preview of a calendar file.
FLOW = Flow(
    buttons=(
        route(
            "ics", (ID, one_of("yes", "no")), lambda s, a, p, y: confirm_ics(s, a, p, y == "yes")
        ),
    )
)
