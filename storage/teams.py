"""Projects, memberships, invites and the group chats bound to projects."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    ChatBinding,
    GroupPost,
    Invite,
    Membership,
    Project,
    Reminder,
    Removal,
    Role,
    User,
)

INVITE_DAYS = 14
INVITE_USES = 10
MEMBERS_MAX = 50  # per project: the member buttons of /members and /deadline fit one message
PROJECTS_MAX = 20  # per teacher: far above real use, low enough for one screen of buttons


@dataclass(frozen=True)
class Member:
    """A membership with its teacher (None once the teacher asked to be forgotten)."""

    membership: Membership
    user: User | None


class ProjectType(StrEnum):
    NATIONAL = "national"
    INTERNATIONAL = "international"
    UNDECIDED = "undecided"


def create_project(session: Session, *, founder: User, title: str) -> Project:
    """A new project; its creator is founder and coordinator."""
    project = Project(title=title)
    session.add(project)
    session.flush()
    assert project.id is not None
    session.add(
        Membership(
            project_id=project.id,
            user_id=founder.id,
            role=Role.COORDINATOR,
            founder=True,
            country=founder.country,
        )
    )
    founder.active_project_id = project.id
    session.add(founder)
    return project


def members(session: Session, *, project_id: int) -> list[Member]:
    return members_of(session, project_ids=[project_id]).get(project_id, [])


def members_of(session: Session, *, project_ids: Collection[int]) -> dict[int, list[Member]]:
    """Each project's members, oldest first, for many projects in one query (planning)."""
    rows = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id, isouter=True)
        .where(col(Membership.project_id).in_(list(project_ids)))
        .order_by(col(Membership.joined_at), col(Membership.id))
    ).all()
    team_of: dict[int, list[Member]] = {}
    for membership, user in rows:
        team_of.setdefault(membership.project_id, []).append(Member(membership, user))
    return team_of


def projects(session: Session, *, project_ids: Collection[int]) -> list[Project]:
    return list(
        session.exec(
            select(Project).where(col(Project.id).in_(list(project_ids))).order_by(col(Project.id))
        ).all()
    )


def projects_with_country(session: Session, *, country: str) -> list[int]:
    """Teams with a teacher from this country: their calendars follow its school breaks."""
    return sorted(
        set(
            session.exec(
                select(Membership.project_id)
                .join(User, col(User.id) == Membership.user_id)
                .where(User.country == country)
            ).all()
        )
    )


def member_countries(session: Session) -> set[str]:
    """The school countries of every teacher in a team: the calendars the bot keeps fresh."""
    return {
        country
        for country in session.exec(
            select(User.country).join(Membership, col(Membership.user_id) == User.id).distinct()
        ).all()
        if country is not None
    }


_MEMBERSHIP = Membership.__table__  # type: ignore[attr-defined]
# Built once: checked on every questionnaire answer (see storage/answers.py for why).
_IS_MEMBER = sa.select(sa.literal(1)).where(
    _MEMBERSHIP.c.project_id == sa.bindparam("project_id"),
    _MEMBERSHIP.c.user_id == sa.bindparam("user_id"),
)


def is_member(session: Session, *, project_id: int, user_id: int) -> bool:
    found = session.connection().execute(_IS_MEMBER, {"project_id": project_id, "user_id": user_id})
    return found.first() is not None


def membership(session: Session, *, project_id: int, user_id: int) -> Membership | None:
    return session.exec(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    ).first()


def project_count(session: Session, *, user_id: int) -> int:
    return session.exec(
        select(sa.func.count()).select_from(Membership).where(Membership.user_id == user_id)
    ).one()


def user_projects(session: Session, *, user_id: int) -> list[Project]:
    return list(
        session.exec(
            select(Project)
            .join(Membership, col(Membership.project_id) == Project.id)
            .where(Membership.user_id == user_id)
            .order_by(col(Project.id))
        ).all()
    )


def project_type(team: list[Member]) -> ProjectType:
    """National when both founders' schools are in one country, international otherwise."""
    countries = [m.membership.country for m in team if m.membership.founder]
    if len(countries) < 2 or None in countries:
        return ProjectType.UNDECIDED
    return ProjectType.NATIONAL if len(set(countries)) == 1 else ProjectType.INTERNATIONAL


def school_count(team: list[Member]) -> int:
    """Distinct schools of the teachers (partners and coordinator, not participants)."""
    return len(set(schools_of(team).values()))


def schools_of(team: list[Member]) -> dict[int, str]:
    """Each teacher's school (partners and coordinator, not participants) as a key: the
    school's name, case-folded, and its country."""
    return {
        m.user.id: f"{(m.user.school or '').strip().casefold()}|{m.membership.country}"
        for m in team
        if m.user is not None and m.user.id is not None and m.membership.role != Role.PARTICIPANT
    }


def create_invite(
    session: Session, *, project_id: int, created_by: int, now: datetime, role: Role = Role.PARTNER
) -> Invite:
    """An invite link token: 192 random bits, valid for two weeks and ten teachers."""
    invite = Invite(
        token=secrets.token_urlsafe(24),
        project_id=project_id,
        role=role,
        created_by=created_by,
        expires_at=now + timedelta(days=INVITE_DAYS),
        uses_left=INVITE_USES,
        created_at=now,
    )
    session.add(invite)
    return invite


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    ALREADY_MEMBER = "already_member"
    FULL = "full"
    REMOVED = "removed"


def check_invite(
    session: Session, *, token: str, user_id: int, now: datetime
) -> Invite | InviteProblem:
    invite = session.get(Invite, token)
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.uses_left <= 0:
        return InviteProblem.USED_UP
    if membership(session, project_id=invite.project_id, user_id=user_id):
        return InviteProblem.ALREADY_MEMBER
    members = select(sa.func.count()).where(Membership.project_id == invite.project_id)
    if session.exec(members).one() >= MEMBERS_MAX:
        return InviteProblem.FULL
    removal = session.get(Removal, (invite.project_id, user_id))
    if removal is not None and invite.created_at <= removal.removed_at:
        return InviteProblem.REMOVED
    return invite


def open_invites(session: Session, *, project_id: int, now: datetime) -> list[Invite]:
    """A project's links that still let someone in, newest first."""
    return list(
        session.exec(
            select(Invite)
            .where(Invite.project_id == project_id, Invite.uses_left > 0, Invite.expires_at > now)
            .order_by(col(Invite.created_at).desc())
        ).all()
    )


def revoke_invite(session: Session, *, project_id: int, token: str) -> bool:
    """The link stops working at once; False if it is not one of this project's."""
    invite = session.get(Invite, token)
    if invite is None or invite.project_id != project_id:
        return False
    session.delete(invite)
    return True


def redeem_invite(
    session: Session, *, token: str, user: User, now: datetime
) -> Membership | InviteProblem:
    """Join with an invite. The use is counted by one conditional UPDATE, so two teachers
    racing for the last use cannot both get in."""
    checked = check_invite(session, token=token, user_id=user.id, now=now)
    if isinstance(checked, InviteProblem):
        return checked
    taken = session.execute(
        sa.update(Invite)
        .where(col(Invite.token) == token, col(Invite.uses_left) > 0, col(Invite.expires_at) > now)
        .values(uses_left=col(Invite.uses_left) - 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return InviteProblem.USED_UP
    m = Membership(
        project_id=checked.project_id, user_id=user.id, role=checked.role, country=user.country
    )
    session.add(m)
    user.active_project_id = checked.project_id
    session.add(user)
    return m


def coordinator(team: list[Member]) -> Member | None:
    return next((m for m in team if m.membership.role == Role.COORDINATOR), None)


def bind_chat(
    session: Session,
    *,
    chat_id: int,
    project_id: int,
    title: str,
    by: int,
    language: str,
    thread_id: int | None = None,
) -> None:
    """Bind a group to a project; the group starts in the language of whoever linked it.
    In a forum the bot's own posts go to the topic it was linked in (linking again in
    another topic moves them)."""
    binding = session.get(ChatBinding, chat_id) or ChatBinding(
        chat_id=chat_id, project_id=project_id, language=language
    )
    binding.project_id = project_id
    binding.title = title[:255]
    binding.bound_by = by
    binding.thread_id = thread_id
    session.add(binding)


def threads(session: Session, *, chat_ids: Collection[int]) -> dict[int, int]:
    """The topic each of these groups' posts go to, for groups in forum mode."""
    found = session.exec(
        select(ChatBinding.chat_id, ChatBinding.thread_id).where(
            col(ChatBinding.chat_id).in_(list(chat_ids)), col(ChatBinding.thread_id).is_not(None)
        )
    )
    return {chat_id: thread_id for chat_id, thread_id in found if thread_id is not None}


def set_chat_language(session: Session, *, chat_id: int, language: str) -> None:
    session.execute(
        sa.update(ChatBinding).where(col(ChatBinding.chat_id) == chat_id).values(language=language)
    )


def unbind_chat(session: Session, *, chat_id: int) -> None:
    session.execute(sa.delete(ChatBinding).where(col(ChatBinding.chat_id) == chat_id))


def bound_project(session: Session, *, chat_id: int) -> Project | None:
    binding = session.get(ChatBinding, chat_id)
    return session.get(Project, binding.project_id) if binding else None


def group_chats(session: Session, *, project_id: int) -> list[ChatBinding]:
    return list(session.exec(select(ChatBinding).where(ChatBinding.project_id == project_id)).all())


def migrate_group(session: Session, *, old: int, new: int) -> None:
    """A group upgraded to a supergroup has a new id: its link, kept posts and reminders
    follow (told twice, by both service messages or a refused send, it moves once)."""
    if session.get(ChatBinding, old) is not None and session.get(ChatBinding, new) is None:
        session.execute(
            sa.update(ChatBinding).where(col(ChatBinding.chat_id) == old).values(chat_id=new)
        )
    session.execute(sa.delete(ChatBinding).where(col(ChatBinding.chat_id) == old))
    moved = select(GroupPost.kind).where(GroupPost.chat_id == new)
    session.execute(
        sa.delete(GroupPost).where(col(GroupPost.chat_id) == old, col(GroupPost.kind).in_(moved))
    )
    session.execute(sa.update(GroupPost).where(col(GroupPost.chat_id) == old).values(chat_id=new))
    session.execute(sa.update(Reminder).where(col(Reminder.chat_id) == old).values(chat_id=new))


def remove_member(
    session: Session, *, membership: Membership, removed_at: datetime | None = None
) -> None:
    """Take a teacher out of a project; their active project is cleared if it was this one.
    With `removed_at` the coordinator removed them: older links no longer let them back."""
    if removed_at is not None and membership.user_id is not None:
        session.merge(
            Removal(
                project_id=membership.project_id, user_id=membership.user_id, removed_at=removed_at
            )
        )
    if membership.user_id is not None:
        session.execute(
            sa.update(User)
            .where(
                col(User.id) == membership.user_id,
                col(User.active_project_id) == membership.project_id,
            )
            .values(active_project_id=None)
        )
    session.delete(membership)


def hand_over(session: Session, *, current: Membership, heir: Membership) -> None:
    current.role = Role.PARTNER
    heir.role = Role.COORDINATOR
    session.add_all([current, heir])


def plan_afresh(session: Session) -> None:
    """PostgreSQL plans this transaction's statements for the tables as they are now.
    psycopg prepares a statement it has sent five times, and PostgreSQL may then keep one
    plan for it until the table's statistics change: a plan made while the reminder table
    was nearly empty walked all of it for every team once it held 400,000 rows (without
    autovacuum, for good). Re-planning is rare and its statements few, so their planning
    costs little."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def lock_series(session: Session, project_ids: Collection[int]) -> None:
    """Hold these projects' rows until the transaction ends (PostgreSQL; SQLite's
    transactions are serial anyway), so a re-plan and a sent note's follow-up never plan a
    series' next row side by side, each unaware of the other's uncommitted one."""
    session.execute(
        sa.select(col(Project.id))
        .where(col(Project.id).in_(sorted(set(project_ids))))
        .order_by(col(Project.id))
        .with_for_update()
    )
