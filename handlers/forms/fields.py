"""What a question is: its kind (text, a 1–5 scale, choices, yes/no), how it is asked and
parsed, and what its callbacks are given (`Asking`: the database and the teacher
answering), so a field reads the team as it is now instead of a copy made when the
dialog began."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from bot.i18n import Translator, fold
from storage.models import User

KEEP = "="  # button value: keep the current answer
KEEP_VAGUE = "!"  # button value: keep an answer the precision check questioned
TEXT_MAX = 2000
SCALE = ("1", "2", "3", "4", "5")
# Typed yes and no where yes/no buttons are offered, in Latvian, Lithuanian and English
# (folded: "Jā" is "ja"); "ne" is Lithuanian "no" and a Latvian's quick "nē".
YES = frozenset({"yes", "y", "ja", "taip"})
NO = frozenset({"no", "n", "ne"})

State = dict[str, Any]
Answers = dict[str, str | None]
T = TypeVar("T")


class Kind(StrEnum):
    TEXT = "text"
    SCALE = "scale"
    CHOICE = "choice"
    YESNO = "yesno"


def plain(text: str) -> str:
    """Text as compared with button labels: folded ("Nē" → "ne"), letters and digits
    only ("🇱🇻 Latvija" → "latvija", "3." → "3")."""
    kept = "".join(c if c.isalnum() else " " for c in fold(text))
    return " ".join(kept.split())


class Invalid(Exception):
    """The answer cannot be used; `msgid` says why (translated when shown)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class Choice:
    label: str  # already translated
    value: str


class Teacher(Protocol):
    """Whom a label or an answer is shown to: enough to word it, in a dialog or out of one
    (/mydata words a teacher's answers with no dialog open). The update's `Actor` is one."""

    @property
    def t(self) -> Translator: ...

    @property
    def user(self) -> User: ...

    @property
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Asking:
    """A field's callbacks' view of one step of a dialog: the update's database session,
    the teacher answering, the project the dialog belongs to and the answers so far.
    Whatever a question shows about the team (members, zones, calendars, the product's
    steps) is read here, once per update (`once`), and never copied into the scratchpad."""

    session: Session
    user: User
    t: Translator
    now: datetime
    project_id: int | None  # the project the dialog belongs to, if any
    answers: Mapping[str, str | None]  # this dialog's answers so far (live: grows as it goes)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, read: Callable[[Session, int], T], empty: T) -> T:
        """`read(session, project_id)`, looked up once in this update (the memo is the
        update's); `empty` when the dialog belongs to no project."""
        if self.project_id is None:
            return empty
        stored = f"{key}:{self.project_id}"
        if stored not in self.memo:
            self.memo[stored] = read(self.session, self.project_id)
        found: T = self.memo[stored]
        return found


def text_answer(value: str, *, limit: int = TEXT_MAX) -> str:
    """Free text: trimmed, not empty, at most `limit` characters."""
    value = value.strip()
    if not value:
        raise Invalid("Please write a few words.")
    if len(value) > limit:
        raise Invalid(
            "That is {length} characters; please use {limit} at most.",
            length=len(value),
            limit=limit,
        )
    return value


def _free_text(value: str, _asking: Asking) -> str:
    return text_answer(value)


@dataclass(frozen=True)
class Field:
    key: str
    prompt: str  # msgid
    parse: Callable[[str, Asking], str] = _free_text
    kind: Kind = Kind.TEXT
    # `choices` and `show` also word answers outside a dialog (/mydata): they get a
    # `Teacher`; one that needs the team checks for an `Asking` (see `asking_of`).
    choices: Callable[[Teacher], list[Choice]] = lambda _who: []
    current: Callable[[Asking], str | None] = lambda _asking: None
    show: Callable[[str, Teacher], str] = lambda value, _who: value
    save: Callable[[Asking, str], None] | None = None  # side effect, e.g. the profile
    help: str | None = None  # msgid shown under the question
    label: str | None = None  # msgid: a short name, for lists such as "change one answer"
    prompt_values: Callable[[Asking], dict[str, object]] | None = None  # for {…} in prompt
    retry: str | None = None  # a yes/no check: "no" asks this earlier field again
    poles: tuple[str, str] | None = None  # msgids of 1 and 5 on a scale
    skippable: bool = False
    precise: bool = False  # run the precision check on typed text
    per_row: int = 2
    names_member: bool = False  # the answer picks a teammate: theirs, left out of /mydata
    # Asked only when this says so (a region only where the country has regions); else
    # the question is left out of this run, not answered: it may be asked in a later one.
    ask_when: Callable[[Teacher], bool] | None = None

    def asked(self, who: Teacher) -> bool:
        return self.ask_when is None or self.ask_when(who)


def asking_of(who: Teacher) -> Asking | None:
    """The dialog step behind `who`, or None outside a dialog (no team to read)."""
    return who if isinstance(who, Asking) else None


def _button_only(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid("Please tap one of the buttons below.")
    return value


def scale(
    key: str,
    prompt: str,
    low: str | None = None,
    high: str | None = None,
    *,
    label: str | None = None,
) -> Field:
    """A 1–5 question answered with five buttons; the poles, when given, are shown with it."""
    return Field(
        key=key,
        prompt=prompt,
        kind=Kind.SCALE,
        parse=lambda v, _a: _button_only(v, SCALE),
        choices=lambda _a: [Choice(n, n) for n in SCALE],
        poles=(low, high) if low and high else None,
        label=label,
        per_row=5,
    )


def yes_no(
    key: str,
    prompt: str,
    *,
    label: str | None = None,
    help_text: str | None = None,
    retry: str | None = None,
    prompt_values: Callable[[Asking], dict[str, object]] | None = None,
) -> Field:
    return Field(
        key=key,
        prompt=prompt,
        kind=Kind.YESNO,
        label=label,
        help=help_text,
        retry=retry,
        prompt_values=prompt_values,
        parse=lambda v, _a: _button_only(v, ("yes", "no")),
        choices=lambda a: [Choice(a.t("Yes"), "yes"), Choice(a.t("No"), "no")],
        show=lambda v, a: a.t("Yes") if v == "yes" else a.t("No"),
    )
