"""Ticks of the project checklists (lifecycle stages, TwinSpace set-up) and the plan
sections they can be checked against. Item keys are the handlers' stable keys."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import ChecklistTick


def ticked(session: Session, *, project_id: int, by: int | None = None) -> set[str]:
    """The keys of every ticked item of a project (only those `by` ticked, when given)."""
    query = select(ChecklistTick.item).where(ChecklistTick.project_id == project_id)
    if by is not None:
        query = query.where(ChecklistTick.ticked_by == by)
    return set(session.exec(query).all())


def tick(session: Session, *, project_id: int, item: str, by: int, now: datetime) -> None:
    """Tick an item; ticking it again keeps the first tick (who and when)."""
    if session.get(ChecklistTick, (project_id, item)) is None:
        session.add(ChecklistTick(project_id=project_id, item=item, ticked_by=by, ticked_at=now))


def untick(session: Session, *, project_id: int, item: str) -> None:
    session.execute(
        sa.delete(ChecklistTick).where(
            col(ChecklistTick.project_id) == project_id, col(ChecklistTick.item) == item
        )
    )
