"""Questionnaire answers, agreed wordings, group posts kept up to date, and nudges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage.models import Agreement, Answer, GroupPost, Membership, Nudge, User

# The two statements on every questionnaire answer's path are built once, as core
# statements with parameters: building and running an ORM query each time cost about
# five times as much (0.3 ms against 0.06 ms here).
_ANSWER = Answer.__table__  # type: ignore[attr-defined]
_LOAD = sa.select(_ANSWER.c.item, _ANSWER.c.value).where(
    _ANSWER.c.project_id == sa.bindparam("project_id"),
    _ANSWER.c.user_id == sa.bindparam("user_id"),
    _ANSWER.c.questionnaire == sa.bindparam("questionnaire"),
    _ANSWER.c.version == sa.bindparam("version"),
)


def _upsert(insert: Callable[[sa.Table], Any]) -> sa.Executable:
    # inline: no RETURNING of the row's id, which nothing reads (storage/pg_lean.py)
    statement = insert(_ANSWER).inline()
    return statement.on_conflict_do_update(
        index_elements=["project_id", "user_id", "questionnaire", "version", "item"],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at},
    )


_SAVE = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(pg_insert)}

_MEMBERSHIP = Membership.__table__  # type: ignore[attr-defined]


def _teacher_answers(aggregate: Callable[..., Any]) -> Select[User, int | None, Any]:
    """A press on a questionnaire's button reads the teacher, checks they are still in the
    project and loads their answers so far: one statement instead of three (a round trip
    each on PostgreSQL), one row: the teacher, the membership's id (NULL when they are not
    in the project) and their answers as one JSON object (`aggregate`, each database's own;
    NULL or {} when none). No row when the teacher is not stored yet."""
    given = (
        sa.select(aggregate(_ANSWER.c.item, _ANSWER.c.value))
        .where(
            _ANSWER.c.project_id == _MEMBERSHIP.c.project_id,
            _ANSWER.c.user_id == _MEMBERSHIP.c.user_id,
            _ANSWER.c.questionnaire == sa.bindparam("questionnaire"),
            _ANSWER.c.version == sa.bindparam("version"),
        )
        .scalar_subquery()
    )
    return (
        select(User, _MEMBERSHIP.c.id, sa.type_coerce(given, sa.JSON))
        .outerjoin(
            _MEMBERSHIP,
            sa.and_(
                _MEMBERSHIP.c.user_id == User.id,
                _MEMBERSHIP.c.project_id == sa.bindparam("project_id"),
            ),
        )
        .where(col(User.id) == sa.bindparam("user_id"))
    )


_TEACHER_ANSWERS = {
    "sqlite": _teacher_answers(sa.func.json_group_object),
    "postgresql": _teacher_answers(sa.func.json_object_agg),
}


def load(
    session: Session, *, project_id: int, user_id: int, questionnaire: str, version: int
) -> dict[str, str | None]:
    """One teacher's answers so far: item → value (None when skipped)."""
    rows = session.connection().execute(
        _LOAD,
        {
            "project_id": project_id,
            "user_id": user_id,
            "questionnaire": questionnaire,
            "version": version,
        },
    )
    return {item: value for item, value in rows}


def teacher_with_answers(
    session: Session, *, user_id: int, project_id: int, questionnaire: str, version: int
) -> tuple[User | None, dict[str, str | None] | None]:
    """The teacher (None when not stored yet) and, when they are a member of the project,
    their answers so far (`load`); None when they are not a member (`teams.is_member`)."""
    row = session.exec(
        _TEACHER_ANSWERS[session.connection().dialect.name],
        params={
            "user_id": user_id,
            "project_id": project_id,
            "questionnaire": questionnaire,
            "version": version,
        },
    ).first()
    if row is None:
        return None, None
    user, membership_id, given = row
    return user, None if membership_id is None else dict(given or {})


def save(
    session: Session,
    *,
    project_id: int,
    user_id: int,
    questionnaire: str,
    version: int,
    item: str,
    value: str | None,
    now: datetime,
) -> None:
    """Store one answer, replacing an earlier one: a single INSERT … ON CONFLICT DO
    UPDATE (SQLite and PostgreSQL both have it), not a read and then a write."""
    connection = session.connection()
    connection.execute(
        _SAVE[connection.dialect.name],
        {
            "project_id": project_id,
            "user_id": user_id,
            "questionnaire": questionnaire,
            "version": version,
            "item": item,
            "value": value,
            "answered_at": now,
        },
    )


def clear(
    session: Session, *, project_id: int, user_id: int, questionnaire: str, version: int
) -> None:
    """Forget one teacher's answers, for a retake."""
    session.execute(
        sa.delete(Answer).where(
            col(Answer.project_id) == project_id,
            col(Answer.user_id) == user_id,
            col(Answer.questionnaire) == questionnaire,
            col(Answer.version) == version,
        )
    )


def team(
    session: Session, *, project_id: int, questionnaire: str, version: int
) -> dict[int, dict[str, str | None]]:
    """Everyone's answers in a project: user id → item → value."""
    rows = session.exec(
        select(Answer.user_id, Answer.item, Answer.value).where(
            Answer.project_id == project_id,
            Answer.questionnaire == questionnaire,
            Answer.version == version,
        )
    ).all()
    result: dict[int, dict[str, str | None]] = defaultdict(dict)
    for user_id, item, value in rows:
        result[user_id][item] = value
    return dict(result)


def agree(
    session: Session, *, project_id: int, topic: str, wording: str, by: int, now: datetime
) -> None:
    row = session.get(Agreement, (project_id, topic)) or Agreement(
        project_id=project_id, topic=topic, wording=wording
    )
    row.wording, row.agreed_by, row.agreed_at = wording, by, now
    session.add(row)


def agreements(session: Session, *, project_id: int) -> dict[str, Agreement]:
    rows = session.exec(select(Agreement).where(Agreement.project_id == project_id)).all()
    return {row.topic: row for row in rows}


def remember_post(
    session: Session, *, chat_id: int, kind: str, message_id: int, project_id: int
) -> None:
    row = session.get(GroupPost, (chat_id, kind)) or GroupPost(
        chat_id=chat_id, kind=kind, message_id=message_id, project_id=project_id
    )
    row.message_id, row.project_id = message_id, project_id
    session.add(row)


def posts(session: Session, *, project_id: int, kind: str) -> list[GroupPost]:
    return list(
        session.exec(
            select(GroupPost).where(GroupPost.project_id == project_id, GroupPost.kind == kind)
        ).all()
    )


def last_nudges(session: Session, *, project_id: int) -> dict[int, datetime]:
    rows = session.exec(select(Nudge).where(Nudge.project_id == project_id)).all()
    return {row.user_id: row.sent_at for row in rows}


def record_nudge(session: Session, *, project_id: int, user_id: int, now: datetime) -> None:
    row = session.get(Nudge, (project_id, user_id)) or Nudge(project_id=project_id, user_id=user_id)
    row.sent_at = now
    session.add(row)


def item_values(
    session: Session,
    *,
    project_ids: Collection[int],
    questionnaire: str,
    version: int,
    item: str,
) -> dict[int, dict[int, str | None]]:
    """One item's answers in many projects: project → teacher → value (planning)."""
    found: dict[int, dict[int, str | None]] = {}
    for project_id, user_id, value in session.exec(
        select(Answer.project_id, Answer.user_id, Answer.value).where(
            col(Answer.project_id).in_(list(project_ids)),
            Answer.questionnaire == questionnaire,
            Answer.version == version,
            Answer.item == item,
        )
    ):
        found.setdefault(project_id, {})[user_id] = value
    return found
