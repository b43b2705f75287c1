"""Teachers: profile, reachability and pauses (export and forgetting: storage/privacy.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Away,
    Membership,
    User,
)

SEEN_PRECISION = timedelta(hours=1)
# Built once: every update loads its sender, and Session.get builds its query each time.
_USER_BY_ID = select(User).where(col(User.id) == sa.bindparam("user_id"))
PROFILE_FIELDS = ("display_name", "country", "region", "school", "contact", "timezone")


def touch_user(
    session: Session,
    *,
    user_id: int,
    name: str,
    telegram_language: str | None,
    private: bool,
    found: User | None = None,
) -> User:
    """The sender of an update, created on first sight; a private message proves we can
    reach them. `found`: the sender as read in this transaction with the step's own data
    (storage/answers.py's `teacher_with_answers`), so not read again."""
    user = (
        found
        if found is not None
        else session.exec(_USER_BY_ID, params={"user_id": user_id}).first()
    )
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


def set_profile_field(session: Session, *, user: User, field: str, value: str | None) -> None:
    """Change one profile field; the country is copied to the user's memberships (the
    school's country), and a region of another country is cleared."""
    if field not in PROFILE_FIELDS:
        raise ValueError(field)
    setattr(user, field, value)
    session.add(user)
    if field == "country":
        if user.region and not user.region.startswith(f"{value}-"):
            user.region = None
        session.execute(
            sa.update(Membership).where(col(Membership.user_id) == user.id).values(country=value)
        )


def set_reachable(session: Session, *, user_id: int, reachable: bool) -> None:
    """Telegram told us the teacher blocked (403) or unblocked the bot."""
    session.execute(sa.update(User).where(col(User.id) == user_id).values(reachable=reachable))


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
