"""The team's marks on the guide's risks, and the plan facts the automatic flags read."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage import plan
from storage.models import RiskMark


def marks(session: Session, *, project_id: int) -> dict[str, RiskMark]:
    """Risk key → the team's mark, for the risks the team has touched."""
    rows = session.exec(select(RiskMark).where(RiskMark.project_id == project_id)).all()
    return {row.risk: row for row in rows}


def _row(session: Session, project_id: int, risk: str, now: datetime) -> RiskMark:
    row = session.get(RiskMark, (project_id, risk)) or RiskMark(project_id=project_id, risk=risk)
    row.updated_at = now
    session.add(row)
    return row


def set_applies(
    session: Session, *, project_id: int, risk: str, applies: bool, now: datetime
) -> None:
    _row(session, project_id, risk, now).applies = applies


def set_owner(
    session: Session, *, project_id: int, risk: str, owner_id: int, now: datetime
) -> None:
    """Name who watches a risk; a risk with an owner applies."""
    row = _row(session, project_id, risk, now)
    row.owner_id, row.applies = owner_id, True


def set_mitigation(
    session: Session, *, project_id: int, risk: str, mitigation: str, now: datetime
) -> None:
    """Write how the team handles a risk; a risk with a mitigation applies."""
    row = _row(session, project_id, risk, now)
    row.mitigation, row.applies = mitigation, True


def new_tools(session: Session, *, project_id: int) -> list[str]:
    """Every tool name listed under "new_tools" in the plan's activities, as written
    (duplicates included)."""
    names: list[str] = []
    for row in plan.items(session, project_id=project_id, section="activity"):
        tools = plan.details(row).get("new_tools")
        if isinstance(tools, list):
            names += [name for name in tools if isinstance(name, str) and name.strip()]
    return names
