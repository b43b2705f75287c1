"""Deadline queries: the open ones of a team or an owner, a window of them, an activity's."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Deadline, Membership


def with_membership(
    session: Session, *, deadline_id: int, user_id: int
) -> tuple[Deadline | None, Membership | None]:
    """A deadline named in a button and the presser's membership of its project (None
    when either is gone): what a reminder's or a decision's buttons check first."""
    deadline = session.get(Deadline, deadline_id)
    if deadline is None:
        return None, None
    found = select(Membership).where(
        Membership.project_id == deadline.project_id, Membership.user_id == user_id
    )
    return deadline, session.exec(found).first()


def open_(
    session: Session,
    *,
    project_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Deadline]:
    """A team's deadlines not done yet, soonest first, optionally due in [start, end)."""
    query = select(Deadline).where(
        Deadline.project_id == project_id, col(Deadline.done_at).is_(None)
    )
    if start is not None:
        query = query.where(col(Deadline.due_at) >= start)
    if end is not None:
        query = query.where(col(Deadline.due_at) < end)
    return list(session.exec(query.order_by(col(Deadline.due_at), col(Deadline.id))).all())


def ahead(
    session: Session,
    *,
    now: datetime,
    project_ids: Collection[int] | None = None,
    owner_id: int | None = None,
) -> list[Deadline]:
    """Deadlines not done and still ahead, of some teams and/or of one owner."""
    query = select(Deadline).where(col(Deadline.done_at).is_(None), col(Deadline.due_at) > now)
    if project_ids is not None:
        query = query.where(col(Deadline.project_id).in_(list(project_ids)))
    if owner_id is not None:
        query = query.where(Deadline.owner_id == owner_id)
    return list(session.exec(query.order_by(col(Deadline.id))).all())


def of_activity(session: Session, *, plan_item_id: int) -> Deadline | None:
    return session.exec(select(Deadline).where(Deadline.plan_item_id == plan_item_id)).first()
