"""The shared country calendar: school breaks a teacher entered for their country.

An entry counts at once for every team of the teacher who entered it (and for the team
it was entered in, should they leave it), and for every other team with a teacher from
that country once a second teacher from that country confirmed it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from storage.models import BreakPrompt, Membership, SchoolBreak, User


def counts_for(project_ids: Collection[int]) -> sa.ColumnElement[bool]:
    """The condition of the entries that count for at least one of these teams."""
    authors = select(Membership.user_id).where(col(Membership.project_id).in_(list(project_ids)))
    return sa.and_(
        col(SchoolBreak.project_id).is_not(None),
        sa.or_(
            col(SchoolBreak.confirmed_by).is_not(None),
            col(SchoolBreak.project_id).in_(list(project_ids)),
            col(SchoolBreak.created_by).in_(authors),
        ),
    )


def author_teams(
    session: Session, *, rows: Sequence[SchoolBreak], project_ids: Collection[int]
) -> dict[int, set[int]]:
    """Unconfirmed entry → the teams among `project_ids` it counts for: the one it was
    entered in and its author's. Fetched and confirmed rows are not in the answer."""
    pending = [r for r in rows if r.project_id is not None and r.confirmed_by is None]
    authors = {r.created_by for r in pending if r.created_by is not None}
    teams_of: dict[int, set[int]] = {}
    if authors:
        for project_id, user_id in session.exec(
            select(Membership.project_id, Membership.user_id).where(
                col(Membership.user_id).in_(authors),
                col(Membership.project_id).in_(list(project_ids)),
            )
        ).all():
            teams_of.setdefault(user_id or 0, set()).add(project_id)
    return {
        r.id or 0: {r.project_id or 0} | teams_of.get(r.created_by or 0, set()) for r in pending
    }


def entered(session: Session, *, countries: Iterable[str], since: date) -> list[SchoolBreak]:
    """Every teacher's entry for these countries that has not ended before `since`."""
    return list(
        session.exec(
            select(SchoolBreak)
            .where(
                col(SchoolBreak.country).in_(list(countries)),
                col(SchoolBreak.project_id).is_not(None),
                col(SchoolBreak.end) >= since,
            )
            .order_by(col(SchoolBreak.start), col(SchoolBreak.id))
        ).all()
    )


def entry(session: Session, *, break_id: int) -> SchoolBreak | None:
    """A teacher's entry by its id (a fetched break is nobody's to confirm or remove)."""
    row = session.get(SchoolBreak, break_id)
    return row if row is not None and row.project_id is not None else None


def confirm(session: Session, *, row: SchoolBreak, by: int) -> None:
    row.confirmed_by = by
    session.add(row)


def remove(session: Session, *, row: SchoolBreak) -> None:
    session.delete(row)


def names(session: Session, *, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the authors and confirmers (a forgotten teacher has none)."""
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    found = session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted)))
    return dict(found.all())


def teaches_in(session: Session, *, user: User, country: str) -> bool:
    """A teacher of that country: their school is there and they are in a team."""
    if user.country != country:
        return False
    return (
        session.exec(select(Membership.id).where(Membership.user_id == user.id)).first() is not None
    )


def covers(session: Session, *, country: str, first: date, last: date) -> bool:
    """Some known break of the country (fetched for any region, or entered) falls in
    each half of the school year [first, last]: before and after New Year."""
    new_year = date(first.year + 1, 1, 1)
    halves = ((first, new_year), (new_year, last))
    return all(
        session.exec(
            select(SchoolBreak.id).where(
                SchoolBreak.country == country,
                col(SchoolBreak.start) < end,
                col(SchoolBreak.end) >= start,
            )
        ).first()
        is not None
        for start, end in halves
    )


def insert_new(session: Session, model: type[SQLModel], **values: object) -> bool:
    """Insert a row unless its key is taken (atomic on both databases); True if inserted."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    insert = pg_insert(model) if postgresql else sqlite_insert(model)
    # RETURNING, not rowcount: through the async psycopg driver an insert's rowcount is -1
    done = insert.values(**values).on_conflict_do_nothing().returning(sa.literal(1))
    return session.execute(done).first() is not None


def mark_asked(session: Session, *, user_id: int, country: str, now: datetime) -> bool:
    """Remember that the teacher was asked about this country; False if they were already."""
    return insert_new(session, BreakPrompt, user_id=user_id, country=country, asked_at=now)
