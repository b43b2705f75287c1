"""Store the shipped snapshot's breaks at start-up, once per data version."""

from __future__ import annotations

from sqlmodel import Session

from scheduler import school_data
from storage import breaks


def seed(session: Session) -> int:
    """The snapshot's breaks in `school_break` (see storage.breaks.seed_snapshot); the
    rows added, 0 when this version is stored already."""
    return breaks.seed_snapshot(
        session, version=school_data.version(), rows=school_data.stored_rows
    )
