"""The plan sheet's items and locks, and the edited texts of the registration kit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import PlanItem, PlanLock, Project, RegistrationText


def items(session: Session, *, project_id: int, section: str | None = None) -> list[PlanItem]:
    query = select(PlanItem).where(PlanItem.project_id == project_id)
    if section is not None:
        query = query.where(PlanItem.section == section)
    return list(session.exec(query.order_by(col(PlanItem.position), col(PlanItem.id))).all())


def item(session: Session, *, project_id: int, item_id: int) -> PlanItem | None:
    """One item, only if it belongs to that project (ids in buttons carry no trust)."""
    found = session.get(PlanItem, item_id)
    return found if found is not None and found.project_id == project_id else None


def section_texts(session: Session, *, project_id: int) -> list[tuple[str, str]]:
    """Every item of the plan as (section, text): what the guide's checks read."""
    rows = session.exec(
        select(PlanItem.section, PlanItem.text).where(PlanItem.project_id == project_id)
    ).all()
    return [(section, text) for section, text in rows]


def details(row: PlanItem) -> dict[str, Any]:
    return json.loads(row.details) if row.details else {}


def save_item(
    session: Session,
    *,
    project_id: int,
    section: str,
    text: str,
    extra: dict[str, Any] | None,
    author_id: int,
    now: datetime,
    item_id: int | None = None,
) -> PlanItem:
    """Add an item at the end of its section, or change an existing one."""
    row = item(session, project_id=project_id, item_id=item_id) if item_id else None
    if row is None:
        last = session.exec(
            select(sa.func.max(PlanItem.position)).where(
                PlanItem.project_id == project_id, PlanItem.section == section
            )
        ).one()
        row = PlanItem(project_id=project_id, section=section, position=(last or 0) + 1, text=text)
    row.text = text
    row.details = json.dumps(extra, ensure_ascii=False) if extra else None
    row.author_id = author_id
    row.updated_at = now
    session.add(row)
    return row


def delete_item(session: Session, *, row: PlanItem) -> None:
    session.delete(row)


def locked(session: Session, *, project_id: int) -> set[str]:
    rows = session.exec(select(PlanLock.section).where(PlanLock.project_id == project_id)).all()
    return set(rows)


def set_lock(session: Session, *, project_id: int, section: str, by: int, lock: bool) -> None:
    if lock:
        session.merge(PlanLock(project_id=project_id, section=section, locked_by=by))
    else:
        session.execute(
            sa.delete(PlanLock).where(
                col(PlanLock.project_id) == project_id, col(PlanLock.section) == section
            )
        )


def registration_texts(session: Session, *, project_id: int) -> dict[str, str]:
    rows = session.exec(
        select(RegistrationText).where(RegistrationText.project_id == project_id)
    ).all()
    return {row.field: row.text for row in rows}


def save_registration_text(
    session: Session, *, project_id: int, field: str, text: str, by: int, now: datetime
) -> None:
    row = session.get(RegistrationText, (project_id, field)) or RegistrationText(
        project_id=project_id, field=field, text=text
    )
    row.text, row.updated_by, row.updated_at = text, by, now
    session.add(row)


def set_working_language(session: Session, *, project: Project, language: str) -> None:
    """The language the team fills the registration form in (lv, lt or en)."""
    project.working_language = language
    session.add(project)
