"""A form: its fields, where its answers live (`Store`), the project it belongs to and
what happens at the end. A dialog that belongs to a project goes on only while the
teacher is still in it (`still_member`, the one guard, said in one sentence)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

from sqlmodel import Session

from bot.i18n import N_
from bot.reply import Reply
from handlers.forms.fields import Answers, Asking, Field, State
from handlers.guards import not_a_member
from handlers.step import Actor, Prefetch
from storage import teams
from storage.models import User

SCRATCH = "form"  # user_data key of the one form in progress (see `begin`)


class Store(Protocol):
    """Where a form's answers live while and after it is filled in."""

    def load(self, session: Session, actor: Actor, state: State) -> Answers: ...

    def save(
        self, session: Session, actor: Actor, state: State, key: str, value: str | None
    ) -> None: ...


class ScratchStore:
    """Answers kept in the teacher's scratchpad until the form is finished."""

    def load(self, session: Session, actor: Actor, state: State) -> Answers:
        return dict(state.setdefault("answers", {}))

    def save(
        self, session: Session, actor: Actor, state: State, key: str, value: str | None
    ) -> None:
        state.setdefault("answers", {})[key] = value


SCRATCH_STORE = ScratchStore()


@runtime_checkable
class Prefetching(Protocol):
    """A store that can read the teacher, their membership of the project (for
    `still_member`) and the answers so far in one statement: `Actor.looked_up` entries
    under `member_key` and the store's own key, each used once by the step."""

    def with_teacher(
        self, session: Session, user_id: int, project_id: int
    ) -> tuple[User | None, dict[str, Any]]: ...


def member_key(project_id: int) -> str:
    """`Actor.looked_up`'s entry for "the teacher is a member of project_id" (a bool)."""
    return f"member:{project_id}"


def project_named(_session: Session, state: State) -> int | None:
    """The project a dialog belongs to, as its start named it (`extra={"project": …}`)."""
    project_id = state.get("project")
    return project_id if isinstance(project_id, int) else None


def still_member(session: Session, actor: Actor, project_id: int) -> Reply | None:
    """Answers go to a project only while the teacher is in it: None, or the one
    not-a-member answer, as a message (the dialog ends on it)."""
    known = actor.looked_up.pop(member_key(project_id), None)  # read in this transaction
    member = (
        known
        if known is not None
        else teams.is_member(session, project_id=project_id, user_id=actor.user.id)
    )
    if member:
        return None
    return not_a_member(actor, in_chat=True)


@dataclass(frozen=True)
class Form:
    name: str  # the dialog's name, its persistence key and its button prefix
    fields: tuple[Field, ...]
    finish: Callable[[Session, Actor, Answers, State], Reply]
    store: Store = SCRATCH_STORE
    # The project the dialog belongs to (None: the teacher's own, such as /profile): its
    # fields read that team through `Asking`, and `still_member` guards every step.
    project: Callable[[Session, State], int | None] = project_named
    # Checked before every step of a dialog with a project; None: the form checks at the end.
    guard: Callable[[Session, Actor, int], Reply | None] | None = still_member
    recall_skipped: bool = False  # at the end, offer the skipped questions once more
    command: str = ""  # the command that opens the dialog ({command} in `reopen`)
    reopen: str = N_("{command} starts it again.")  # msgid: after /cancel, the way back

    def prefetch(self, scratch: dict[str, Any]) -> Prefetch | None:
        """For a step of this form while it is the one in progress: the read of the
        teacher that also reads what the step reads first (membership and answers so
        far), when the form is guarded by `still_member` for the project its start named
        and its store can (`Prefetching`). Every check still runs, on data read in the
        step's own transaction."""
        state = scratch.get(SCRATCH)
        if not isinstance(state, dict) or state.get("name") != self.name:
            return None
        project_id = state.get("project")
        store = self.store
        if (
            self.guard is not still_member
            or self.project is not project_named
            or not isinstance(project_id, int)
            or not isinstance(store, Prefetching)
        ):
            return None
        return lambda session, user_id: store.with_teacher(session, user_id, project_id)

    def field(self, key: str) -> Field | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Field]:  # looked up many times a press
        return {f.key: f for f in self.fields}

    def pending(self, answers: Answers, state: State, asking: Asking) -> Field | None:
        """The question to ask: an explicit position, else the first without an answer,
        else the next skipped one being answered again; never one not asked now."""
        at = self.field(state.get("at") or "")
        unanswered = (f for f in self.fields if f.key not in answers and f.asked(asking))
        first = at or next(unanswered, None)
        again = (f for k in state.get("again", []) if (f := self.field(k)) and f.asked(asking))
        return first or next(again, None)

    def skipped(self, answers: Answers) -> list[Field]:
        """The questions left out with /skip (stored as None: seen, not answered)."""
        return [
            f for f in self.fields if f.skippable and f.key in answers and answers[f.key] is None
        ]

    def asking(self, session: Session, actor: Actor, state: State, answers: Answers) -> Asking:
        """What this step's field callbacks get; team look-ups are kept for the update."""
        return Asking(
            session=session,
            user=actor.user,
            t=actor.t,
            now=actor.now,
            project_id=self.project(session, state),
            answers=answers,
            memo=actor.looked_up,
        )


def state_of(actor: Actor, form: Form) -> State | None:
    """The form's state when it is the one in progress."""
    current = actor.scratch.get(SCRATCH)
    return current if isinstance(current, dict) and current.get("name") == form.name else None
