"""One teacher's data, table by table: what /mydata exports and what /forgetme deletes or
anonymises. Every column that can name a teacher is handled here; tests/test_privacy.py
walks the schema and fails on a column that is not.

Forgetting follows one rule. What is the teacher's own goes: their profile, their
questionnaire answers (proposals for the team agreements included), pauses, nudges,
reminders to them or about them, removals from a team, the note that they were asked for
their country's school breaks, their dialog scratchpad and dialog state. What the
team made together stays, without the teacher: their place in the team (role, founder,
school country), plan items, agreed wordings, registration texts, checklist ticks, plan
locks, risk marks, deadlines, school breaks, invites, linked groups and the meeting. Those
rows keep their text and lose the column that says who (set to NULL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, or_, select

from storage.models import (
    Agreement,
    Answer,
    Away,
    BreakPrompt,
    ChatBinding,
    ChecklistTick,
    ConversationState,
    Deadline,
    Invite,
    Meeting,
    Membership,
    Nudge,
    PlanItem,
    PlanLock,
    Project,
    RegistrationText,
    Reminder,
    Removal,
    RiskMark,
    Role,
    SchoolBreak,
    User,
    UserScratch,
)

_Row = TypeVar("_Row", bound=SQLModel)
# Who made or holds a row the team keeps: the column is cleared, the row stays.
AUTHOR_COLUMNS: tuple[tuple[type[SQLModel], str], ...] = (
    (ChatBinding, "bound_by"),
    (Invite, "created_by"),
    (Agreement, "agreed_by"),
    (PlanItem, "author_id"),
    (PlanLock, "locked_by"),
    (RegistrationText, "updated_by"),
    (ChecklistTick, "ticked_by"),
    (RiskMark, "owner_id"),
    (Deadline, "owner_id"),
    (Deadline, "created_by"),
    (SchoolBreak, "created_by"),
    (SchoolBreak, "confirmed_by"),
    (Meeting, "created_by"),
)
# The teacher's own rows: deleted (the reminder table also by chat_id, see `_reminders`).
OWN_ROWS: tuple[tuple[type[SQLModel], str], ...] = (
    (Answer, "user_id"),
    (Nudge, "user_id"),
    (Away, "user_id"),
    (UserScratch, "user_id"),
    (Removal, "user_id"),  # so a link made before the removal would let them in again
    (BreakPrompt, "user_id"),
)


@dataclass
class Left:
    """What forgetting did to the teacher's teams."""

    kept: list[int] = field(default_factory=list)  # projects that go on without them
    heirs: list[tuple[Project, int]] = field(default_factory=list)  # coordination passed on


def forget(session: Session, *, user: User) -> Left:
    """Delete one teacher's personal data and take their name off everything the teams
    keep, in the caller's one transaction."""
    left = _leave_teams(session, user)
    _clear_authors(session, user.id)
    _clear_activity_owner(session, user.id)
    for model, column in OWN_ROWS:
        session.execute(sa.delete(model).where(getattr(model, column) == user.id))
    _reminders(session, user.id)
    _dialog_states(session, user.id)
    session.delete(user)
    session.flush()
    return left


def _leave_teams(session: Session, user: User) -> Left:
    """Memberships stay, anonymised (role, founder, country); a coordinator's role passes
    to a founder, else the longest-standing member; a team of one is deleted."""
    left = Left()
    for m in session.exec(select(Membership).where(Membership.user_id == user.id)).all():
        project = session.get(Project, m.project_id)
        assert project is not None and project.id is not None
        others = session.exec(
            select(Membership)
            .where(Membership.project_id == m.project_id, col(Membership.id) != m.id)
            .where(col(Membership.user_id).is_not(None))
            .order_by(col(Membership.founder).desc(), col(Membership.joined_at), col(Membership.id))
        ).all()
        if not others:  # they were its only member
            session.delete(project)
            continue
        if m.role == Role.COORDINATOR:
            heir = others[0]
            heir.role = Role.COORDINATOR
            m.role = Role.PARTNER
            session.add(heir)
            assert heir.user_id is not None
            left.heirs.append((project, heir.user_id))
        m.user_id = None
        session.add(m)
        left.kept.append(project.id)
    session.flush()  # deleted projects take their rows with them before the updates below
    return left


def _clear_authors(session: Session, user_id: int) -> None:
    for model, column in AUTHOR_COLUMNS:
        session.execute(
            sa.update(model).where(getattr(model, column) == user_id).values({column: None})
        )


def _responsible_for(session: Session, user_id: int) -> list[PlanItem]:
    """Activities whose details name this teacher as responsible."""
    candidates = session.exec(
        select(PlanItem).where(col(PlanItem.details).contains(str(user_id)))
    ).all()
    return [row for row in candidates if _details(row).get("owner") == user_id]


def _details(row: PlanItem) -> dict[str, Any]:
    found = json.loads(row.details) if row.details else {}
    return found if isinstance(found, dict) else {}


def _clear_activity_owner(session: Session, user_id: int) -> None:
    """The activity stays; nobody is responsible until the team names someone."""
    for row in _responsible_for(session, user_id):
        details = _details(row)
        details["owner"] = None
        row.details = json.dumps(details, ensure_ascii=False)
        session.add(row)


def _reminders(session: Session, user_id: int) -> None:
    """Reminders to the teacher (their private chat) and about them (a check-in note to
    the coordinator), sent or not."""
    session.execute(
        sa.delete(Reminder).where(
            or_(col(Reminder.user_id) == user_id, col(Reminder.chat_id) == user_id)
        )
    )


def _dialog_keys(user_id: int) -> sa.ColumnElement[bool]:
    """A dialog's key is the JSON list [chat id, user id]; a private chat's id is the user's."""
    key = col(ConversationState.key)
    return or_(key.like(f"%, {user_id}]"), key.like(f"[{user_id}, %"))


def _dialog_states(session: Session, user_id: int) -> None:
    session.execute(sa.delete(ConversationState).where(_dialog_keys(user_id)))


@dataclass
class Footprint:
    """Every row that names one teacher, for /mydata (the caller words it)."""

    user: User
    projects: dict[int, str]  # id → title, of every project a row below belongs to
    memberships: list[Membership]
    answers: list[Answer]
    agreements: list[Agreement]  # wordings they marked as agreed
    invites: list[Invite]
    groups: list[ChatBinding]  # groups they linked
    reminders: list[Reminder]  # to them, or about them to their coordinator
    nudges: list[Nudge]
    away: list[Away]
    breaks: list[SchoolBreak]  # entered or confirmed by them
    plan_items: list[PlanItem]  # written (or last changed) by them, or they are responsible
    plan_locks: list[PlanLock]
    registration_texts: list[RegistrationText]
    ticks: list[ChecklistTick]
    deadlines: list[Deadline]  # they own or created
    risks: list[RiskMark]  # they own
    meetings: list[Meeting]  # they set
    removals: list[Removal]  # teams whose coordinator removed them
    break_prompts: list[BreakPrompt]  # countries whose breaks they were asked for
    scratch: UserScratch | None
    dialogs: list[ConversationState]


def _rows(session: Session, model: type[_Row], *where: Any) -> list[_Row]:
    return list(session.exec(select(model).where(*where)).all())


def footprint(session: Session, *, user: User) -> Footprint:
    uid = user.id
    written = _rows(session, PlanItem, col(PlanItem.author_id) == uid)
    responsible = [r for r in _responsible_for(session, uid) if r.author_id != uid]
    found = Footprint(
        user=user,
        projects={},
        memberships=_rows(session, Membership, col(Membership.user_id) == uid),
        answers=_rows(session, Answer, col(Answer.user_id) == uid),
        agreements=_rows(session, Agreement, col(Agreement.agreed_by) == uid),
        invites=_rows(session, Invite, col(Invite.created_by) == uid),
        groups=_rows(session, ChatBinding, col(ChatBinding.bound_by) == uid),
        reminders=_rows(
            session, Reminder, or_(col(Reminder.chat_id) == uid, col(Reminder.user_id) == uid)
        ),
        nudges=_rows(session, Nudge, col(Nudge.user_id) == uid),
        away=_rows(session, Away, col(Away.user_id) == uid),
        breaks=_rows(
            session,
            SchoolBreak,
            or_(col(SchoolBreak.created_by) == uid, col(SchoolBreak.confirmed_by) == uid),
        ),
        plan_items=sorted([*written, *responsible], key=lambda r: r.id or 0),
        plan_locks=_rows(session, PlanLock, col(PlanLock.locked_by) == uid),
        registration_texts=_rows(
            session, RegistrationText, col(RegistrationText.updated_by) == uid
        ),
        ticks=_rows(session, ChecklistTick, col(ChecklistTick.ticked_by) == uid),
        deadlines=_rows(
            session, Deadline, or_(col(Deadline.owner_id) == uid, col(Deadline.created_by) == uid)
        ),
        risks=_rows(session, RiskMark, col(RiskMark.owner_id) == uid),
        meetings=_rows(session, Meeting, col(Meeting.created_by) == uid),
        removals=_rows(session, Removal, col(Removal.user_id) == uid),
        break_prompts=_rows(session, BreakPrompt, col(BreakPrompt.user_id) == uid),
        scratch=session.get(UserScratch, uid),
        dialogs=_rows(session, ConversationState, _dialog_keys(uid)),
    )
    ids = {
        row.project_id
        for rows in (
            found.memberships,
            found.answers,
            found.agreements,
            found.invites,
            found.groups,
            found.reminders,
            found.nudges,
            found.breaks,
            found.plan_items,
            found.plan_locks,
            found.registration_texts,
            found.ticks,
            found.deadlines,
            found.risks,
            found.meetings,
            found.removals,
        )
        for row in rows
        if getattr(row, "project_id", None) is not None
    }
    titles = session.exec(select(Project.id, Project.title).where(col(Project.id).in_(ids)))
    found.projects = {pid: title for pid, title in titles if pid is not None}
    return found
