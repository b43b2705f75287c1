"""The screens of /risks: the list of the guide's risks with what the team decided and
what TwinCoach flags, one card per risk with the guide's advice and the buttons to mark it,
and the picker for the teacher who watches a risk (handlers/risks.py runs the presses).

Callback data: rk:<project>:list, rk:<project>:<risk>:<action>[:<teacher>]."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from bot.guide.risks import RISKS, Risk
from bot.i18n import Html, Translator, escape, lines
from bot.reply import Button, Keyboard, Reply, clip, rows
from bot.rules.risks import Flag
from handlers.risk_flags import project_flags
from storage import risks as store
from storage import teams
from storage.models import Project, RiskMark
from storage.teams import Member

PREFIX = "rk"


@dataclass(frozen=True)
class View:
    """Everything a risk screen shows, read once per press."""

    project: Project
    team: list[Member]
    marks: dict[str, RiskMark]
    flags: dict[str, Flag]

    def owner_name(self, t: Translator, mark: RiskMark | None) -> Html:
        owner = mark.owner_id if mark else None
        name = next((m.user.display_name for m in self.team if m.user and m.user.id == owner), None)
        return t("nobody yet") if name is None else escape(name)


def read_view(session: Session, project: Project) -> View:
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    return View(
        project,
        team,
        store.marks(session, project_id=project.id),
        project_flags(session, project_id=project.id, team=team, now=datetime.now(UTC)),
    )


def _flag_line(t: Translator, flag: Flag | None) -> list[Html]:
    if flag is None:
        return []
    return [t("🚩 Flagged by TwinCoach: {reason}", reason=flag.text(t))]


def _mark_symbol(mark: RiskMark | None) -> str:
    if mark is None:
        return "▫️"
    return "⚠️" if mark.applies else "➖"


def list_text(t: Translator, view: View) -> Html:
    """One line per risk; what the team decided and TwinCoach's flags indented below."""
    entries = []
    for n, risk in enumerate(RISKS, 1):
        mark = view.marks.get(risk.key)
        entries.append(
            t("{mark} <b>{n}. {title}</b>", mark=_mark_symbol(mark), n=n, title=t(risk.title))
        )
        below = _flag_line(t, view.flags.get(risk.key))
        if mark is not None and mark.applies:
            below.insert(
                0,
                t(
                    "Owner: {owner}. How we handle it: {mitigation}",
                    owner=view.owner_name(t, mark),
                    mitigation=mark.mitigation or t("not written yet"),
                ),
            )
        entries += [Html(f"    {line}") for line in below]
    return lines(
        t("<b>Risks: {title}</b>", title=view.project.title),
        t("⚠️ applies to us · ➖ does not apply · ▫️ not discussed yet"),
        Html(""),
        *entries,
    )


def list_buttons(view: View) -> Keyboard:
    return rows(
        [
            Button(
                f"{_mark_symbol(view.marks.get(r.key))} {n}",
                data=f"{PREFIX}:{view.project.id}:{r.key}:open",
            )
            for n, r in enumerate(RISKS, 1)
        ],
        4,
    )


def card(t: Translator, view: View, risk: Risk) -> tuple[Html, Keyboard]:
    mark = view.marks.get(risk.key)
    n = RISKS.index(risk) + 1
    if mark is None:
        status = t("Our view: not discussed yet.")
    elif mark.applies:
        status = t("Our view: this applies to us.")
    else:
        status = t("Our view: this does not apply to us.")
    text = lines(
        t("<b>{n}. {title}</b>", n=n, title=t(risk.title)),
        t("<i>The guide advises:</i>"),
        *(Html(f"• {t(point)}") for point in risk.advice),
        *_flag_line(t, view.flags.get(risk.key)),
        Html(""),
        status,
        t("Owner: {owner}", owner=view.owner_name(t, mark)),
        t(
            "How we handle it: {mitigation}",
            mitigation=(mark.mitigation if mark else None) or t("not written yet"),
        ),
    )
    prefix = f"{PREFIX}:{view.project.id}:{risk.key}"
    applies = mark.applies if mark else None
    buttons = [
        [
            Button(("✓ " if applies is True else "") + t("It applies to us"), data=f"{prefix}:yes"),
            Button(
                ("✓ " if applies is False else "") + t("It does not apply"), data=f"{prefix}:no"
            ),
        ],
        [Button(t("👤 Choose the owner"), data=f"{prefix}:owner")],
        [Button(t("✏️ Write how we handle it"), data=f"{prefix}:write")],
        [Button(t("« All risks"), data=f"{PREFIX}:{view.project.id}:list")],
    ]
    return text, buttons


def owner_picker(t: Translator, view: View, risk: Risk) -> Reply:
    mark = view.marks.get(risk.key)
    current = mark.owner_id if mark else None
    prefix = f"{PREFIX}:{view.project.id}:{risk.key}"
    buttons = rows(
        [
            Button(
                ("✓ " if m.user.id == current else "") + clip(m.user.display_name, 40),
                data=f"{prefix}:own:{m.user.id}",
            )
            for m in view.team
            if m.user is not None
        ],
        2,
    )
    buttons.append([Button(t("« Back"), data=f"{prefix}:open")])
    return Reply().edit(t("Who keeps an eye on “{title}”?", title=t(risk.title)), buttons)
