"""Teachers: profile, reachability, export and forgetting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Answer,
    Away,
    ConversationState,
    Membership,
    Project,
    Role,
    User,
    UserScratch,
)

SEEN_PRECISION = timedelta(hours=1)
# Built once: every update loads its sender, and Session.get builds its query each time.
_USER_BY_ID = select(User).where(col(User.id) == sa.bindparam("user_id"))
PROFILE_FIELDS = ("display_name", "country", "school", "contact", "timezone")


def touch_user(
    session: Session, *, user_id: int, name: str, telegram_language: str | None, private: bool
) -> User:
    """The sender of an update, created on first sight; a private message proves we can reach them."""
    user = session.exec(_USER_BY_ID, params={"user_id": user_id}).first()
    if user is None:
        user = User(id=user_id, display_name=name[:64] or str(user_id))
        session.add(user)
    if telegram_language and user.telegram_language != telegram_language:
        user.telegram_language = telegram_language[:16]
    if private and not (user.started and user.reachable):
        user.started = True
        user.reachable = True
    now = datetime.now(UTC)
    if user.last_seen is None or now - user.last_seen > SEEN_PRECISION:
        user.last_seen = now  # at most one write an hour, not one per update
    return user


def set_profile_field(session: Session, *, user: User, field: str, value: str) -> None:
    """Change one profile field; the country is copied to the user's memberships (the school's country)."""
    if field not in PROFILE_FIELDS:
        raise ValueError(field)
    setattr(user, field, value)
    session.add(user)
    if field == "country":
        session.execute(
            sa.update(Membership).where(col(Membership.user_id) == user.id).values(country=value)
        )


def set_reachable(session: Session, *, user_id: int, reachable: bool) -> None:
    """Telegram told us the teacher blocked (403) or unblocked the bot."""
    session.execute(sa.update(User).where(col(User.id) == user_id).values(reachable=reachable))


def export_user(session: Session, *, user: User) -> dict[str, Any]:
    """Everything stored about one teacher, for /mydata."""
    rows = session.exec(
        select(Membership, Project)
        .join(Project, col(Project.id) == Membership.project_id)
        .where(Membership.user_id == user.id)
    ).all()
    scratch = session.get(UserScratch, user.id)
    given = session.exec(
        select(Answer, Project)
        .join(Project, col(Project.id) == Answer.project_id)
        .where(Answer.user_id == user.id)
        .order_by(col(Answer.id))
    ).all()
    return {
        "telegram_user_id": user.id,
        "display_name": user.display_name,
        "language": user.language,
        "telegram_language": user.telegram_language,
        "country": user.country,
        "timezone": user.timezone,
        "school": user.school,
        "contact": user.contact,
        "reachable": user.reachable,
        "created_at": user.created_at.isoformat(),
        "projects": [
            {
                "project": p.title,
                "role": m.role.value,
                "founder": m.founder,
                "joined_at": m.joined_at.isoformat(),
            }
            for m, p in rows
        ],
        "answers": [
            {
                "project": p.title,
                "questionnaire": a.questionnaire,
                "item": a.item,
                "answer": a.value,
                "answered_at": a.answered_at.isoformat(),
            }
            for a, p in given
        ],
        "dialog_in_progress": scratch.data if scratch else None,
    }


def forget_user(session: Session, *, user: User) -> list[tuple[Project, int | None]]:
    """Delete a teacher's personal data; memberships stay, anonymised.

    A coordinator's role passes to a founder (else the longest-standing member) so the
    team keeps a lead. Returns (project, new coordinator id) for each project whose
    coordination moved, and (project, None) for projects that had no one else and were
    deleted.
    """
    changes: list[tuple[Project, int | None]] = []
    memberships = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
    for m in memberships:
        project = session.get(Project, m.project_id)
        assert project is not None
        others = session.exec(
            select(Membership)
            .where(Membership.project_id == m.project_id, col(Membership.id) != m.id)
            .where(col(Membership.user_id).is_not(None))
            .order_by(col(Membership.founder).desc(), col(Membership.joined_at), col(Membership.id))
        ).all()
        if not others:
            session.delete(project)
            changes.append((project, None))
            continue
        if m.role == Role.COORDINATOR:
            heir = others[0]
            heir.role = Role.COORDINATOR
            m.role = Role.PARTNER
            session.add(heir)
            changes.append((project, heir.user_id))
        m.user_id = None
        session.add(m)
    session.flush()
    session.execute(sa.delete(UserScratch).where(col(UserScratch.user_id) == user.id))
    session.execute(
        sa.delete(ConversationState).where(col(ConversationState.key).like(f"%, {user.id}]"))
    )
    session.delete(user)
    return changes


def set_away(session: Session, *, user_id: int, start: date, end: date) -> None:
    """One pause per teacher: a new one replaces the old."""
    session.execute(sa.delete(Away).where(col(Away.user_id) == user_id))
    session.add(Away(user_id=user_id, start=start, end=end))


def clear_away(session: Session, *, user_id: int) -> None:
    session.execute(sa.delete(Away).where(col(Away.user_id) == user_id))


def aways(session: Session, *, user_ids: list[int]) -> dict[int, list[tuple[date, date]]]:
    rows = session.exec(select(Away).where(col(Away.user_id).in_(user_ids))).all()
    out: dict[int, list[tuple[date, date]]] = {}
    for row in rows:
        out.setdefault(row.user_id, []).append((row.start, row.end))
    return out
