"""Privacy that holds. Ilze touches every table through the bot, then asks /mydata and
/forgetme. The tests walk SQLModel.metadata: every column is classified below (a new one
fails `test_every_column_is_classified` until it is), every column that names a teacher
must hold Ilze's id before she goes and no column of any table may hold her id or her own
words after; /mydata must have an entry for every table with a row about her, and
nothing about her teammates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, SQLModel, select

from bot.context import TwinApp
from scheduler.reminders import plans
from storage.db import Database, make_engine
from storage.migrate import alembic_config
from storage.models import Membership, Project, ReminderStatus, Role, User, UserScratch
from tests.driver import Driver, Group, Teacher
from tests.test_quiz import take_quiz
from tests.test_reminders import make_dispatcher
from tests.test_team_flow import create_project, join

# Telegram-sized ids: nothing else in the database is a number like these.
ILZE, JONAS, MARIA, EVA = 7_100_000_001, 7_100_000_002, 7_100_000_003, 7_100_000_004
ILZE_ID = re.compile(rf"(?<!\d){ILZE}(?!\d)")
# Ilze's own words: her name, school, contact, answers and the draft of her open dialog.
HERS = ("Aizmirst", "Ilzes-school", "ilze@x.lv", "Ilzes-")
# What the team made with her: kept after she goes, without her name (table, column, text).
TEAM_TEXTS = (
    ("plan_item", "text", "Team-goal: by March every pupil names 5 ways to save water"),
    ("plan_item", "text", "Team-activity: pupils interview grandparents"),
    ("agreement", "wording", "Team-wording: video, art and music, one school each"),
    ("registration_text", "text", "Team-registration: an e-book with 12 river stories"),
    ("deadline", "title", "Team-deadline: posters"),
    ("deadline", "title", "Team-activity: pupils interview grandparents"),
    ("risk_mark", "mitigation", "Team-risk: each new tool is shown on Mondays 15:00"),
    ("school_break", "name", "Team-break: ziemas brīvdienas"),
    ("project", "title", "Water around us"),
)
# Her teammates as /mydata must never show them: ids, names, schools, contacts, zones, countries.
THEIRS = (
    *(str(uid) for uid in (JONAS, MARIA, EVA)),
    "Jonas",
    "Petraitis",
    "Maria",
    "Sousa",
    "Ozola",
    "Vilniaus",
    "Escola",
    "jonas@x.lt",
    "maria@x.pt",
    "Lisbon",
    "Vilnius",
    '"LT"',
    '"PT"',
)

ID = "id"  # holds a teacher's Telegram id: /forgetme deletes the row or sets it to NULL
IDS_INSIDE = "ids inside"  # JSON or text that carries teachers' ids
HERS_TEXT = "her text"  # her own words: deleted with her
TEAM_TEXT = "team text"  # the team's words: kept, without her name
OTHER = "other"  # neither a teacher's id nor free text

# table → column → (kind, why). Booleans, dates and timestamps hold neither and are not listed.
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "user": {
        "id": (ID, "the teacher; the row is deleted"),
        "display_name": (HERS_TEXT, "deleted with the row"),
        "language": (OTHER, "a language code"),
        "telegram_language": (OTHER, "a language code"),
        "country": (OTHER, "a country code; deleted with the row"),
        "region": (OTHER, "a region code (ISO 3166-2); deleted with the row"),
        "timezone": (OTHER, "a zone name; deleted with the row"),
        "school": (HERS_TEXT, "deleted with the row"),
        "contact": (HERS_TEXT, "deleted with the row"),
        "active_project_id": (OTHER, "a project"),
    },
    "project": {
        "id": (OTHER, "surrogate key"),
        "title": (TEAM_TEXT, "the team's name for its project; a team of one is deleted"),
        "stage": (OTHER, "a number 1-7"),
        "working_language": (OTHER, "a language code"),
    },
    "membership": {
        "id": (OTHER, "surrogate key (a dialog's owner question offers these, not user ids)"),
        "project_id": (OTHER, "a project"),
        "user_id": (ID, "set to NULL: the team keeps an anonymous place"),
        "role": (OTHER, "an enum"),
        "country": (OTHER, "the school's country, kept for the team's history"),
    },
    "chatbinding": {
        "chat_id": (OTHER, "a group chat's id (negative), never a person's"),
        "project_id": (OTHER, "a project"),
        "title": (TEAM_TEXT, "the group's title in Telegram"),
        "bound_by": (ID, "set to NULL: the group stays linked"),
        "language": (OTHER, "a language code"),
        "thread_id": (OTHER, "a forum topic's id"),
    },
    "removal": {
        "project_id": (OTHER, "a project"),
        "user_id": (ID, "deleted: the teacher is unknown again, as a new one would be"),
    },
    "invite": {
        "token": (OTHER, "random"),
        "project_id": (OTHER, "a project"),
        "role": (OTHER, "an enum"),
        "created_by": (ID, "set to NULL: a link already handed out keeps working"),
        "uses_left": (OTHER, "a count"),
    },
    "conversation_state": {
        "name": (OTHER, "the conversation's name"),
        "key": (IDS_INSIDE, "JSON [chat id, user id]: her rows are deleted"),
        "state": (OTHER, "a form's name"),
    },
    "user_scratch": {
        "user_id": (ID, "deleted"),
        "data": (HERS_TEXT, "her unfinished answers: deleted; others' hold no teammate data"),
    },
    "answer": {
        "id": (OTHER, "surrogate key"),
        "project_id": (OTHER, "a project"),
        "user_id": (ID, "deleted"),
        "questionnaire": (OTHER, "a questionnaire's id"),
        "version": (OTHER, "a number"),
        "item": (OTHER, "a question's key"),
        "value": (HERS_TEXT, "deleted"),
    },
    "agreement": {
        "project_id": (OTHER, "a project"),
        "topic": (OTHER, "a topic's key"),
        "wording": (TEAM_TEXT, "what the team agreed"),
        "agreed_by": (ID, "set to NULL"),
    },
    "group_post": {
        "chat_id": (OTHER, "a group chat's id"),
        "kind": (OTHER, "a post kind"),
        "message_id": (OTHER, "a Telegram message id"),
        "project_id": (OTHER, "a project"),
    },
    "nudge": {
        "project_id": (OTHER, "a project"),
        "user_id": (ID, "deleted"),
    },
    "plan_item": {
        "id": (OTHER, "surrogate key"),
        "project_id": (OTHER, "a project"),
        "section": (OTHER, "a section key"),
        "position": (OTHER, "an order"),
        "text": (TEAM_TEXT, "the team's plan"),
        "details": (IDS_INSIDE, "JSON; its owner (the responsible teacher) is set to null"),
        "author_id": (ID, "set to NULL"),
    },
    "plan_lock": {
        "project_id": (OTHER, "a project"),
        "section": (OTHER, "a section key"),
        "locked_by": (ID, "set to NULL"),
    },
    "registration_text": {
        "project_id": (OTHER, "a project"),
        "field": (OTHER, "a field key"),
        "text": (TEAM_TEXT, "the team's registration text"),
        "updated_by": (ID, "set to NULL"),
    },
    "checklist_tick": {
        "project_id": (OTHER, "a project"),
        "item": (OTHER, "a checklist key"),
        "ticked_by": (ID, "set to NULL"),
    },
    "risk_mark": {
        "project_id": (OTHER, "a project"),
        "risk": (OTHER, "a risk key"),
        "owner_id": (ID, "set to NULL: the team names a new owner"),
        "mitigation": (TEAM_TEXT, "how the team handles the risk"),
    },
    "deadline": {
        "id": (OTHER, "surrogate key"),
        "project_id": (OTHER, "a project"),
        "title": (TEAM_TEXT, "the team still needs it done"),
        "owner_id": (ID, "set to NULL: no reminders until the team names an owner"),
        "created_by": (ID, "set to NULL"),
        "plan_item_id": (OTHER, "a plan item"),
    },
    "reminder": {
        "id": (OTHER, "surrogate key"),
        "project_id": (OTHER, "a project"),
        "deadline_id": (OTHER, "a deadline"),
        "user_id": (ID, "rows to her or about her are deleted"),
        "chat_id": (ID, "a private chat's id is the teacher's: deleted"),
        "kind": (OTHER, "an enum"),
        "status": (OTHER, "an enum"),
        "attempts": (OTHER, "a count"),
        "claimed_by": (OTHER, "a bot process's name"),
    },
    "reminder_settings": {
        "project_id": (OTHER, "a project"),
        "offsets": (OTHER, "numbers of days"),
        "local_time": (OTHER, "HH:MM"),
        "digest_weekday": (OTHER, "0-6"),
        "digest_time": (OTHER, "HH:MM"),
        "by_day": (OTHER, "an enum"),
    },
    "meeting": {
        "project_id": (OTHER, "a project"),
        "weekday": (OTHER, "0-6"),
        "at": (OTHER, "HH:MM"),
        "zone": (OTHER, "a zone name"),
        "every_weeks": (OTHER, "a number"),
        "created_by": (ID, "set to NULL: the meeting goes on"),
    },
    "school_break": {
        "id": (OTHER, "surrogate key"),
        "country": (OTHER, "a country code"),
        "subdivision": (OTHER, "a region code"),
        "name": (TEAM_TEXT, "the team's calendar for that country"),
        "source": (OTHER, "an enum"),
        "project_id": (OTHER, "a project"),
        "created_by": (ID, "set to NULL"),
        "confirmed_by": (ID, "set to NULL"),
    },
    "break_prompt": {
        "user_id": (ID, "deleted"),
        "country": (OTHER, "a country code"),
    },
    "holiday_fetch": {
        "country": (OTHER, "a country code"),
    },
    "away": {
        "id": (OTHER, "surrogate key"),
        "user_id": (ID, "deleted"),
    },
}
# table → the /mydata entry that holds its rows about the teacher, or why there is none.
EXPORT_OF = {
    "user": "display_name",
    "membership": "projects",
    "chatbinding": "linked_groups",
    "invite": "invites",
    "conversation_state": "dialog_in_progress",
    "user_scratch": "dialog_in_progress",
    "answer": "answers",
    "agreement": "agreed_wordings",
    "nudge": "nudges",
    "plan_item": "plan_items",
    "plan_lock": "plan_sections_locked",
    "registration_text": "registration_texts",
    "checklist_tick": "checklist_ticks",
    "risk_mark": "risks_you_own",
    "deadline": "deadlines",
    "reminder": "reminders",
    "school_break": "school_breaks",
    "away": "away",
    "meeting": "meetings_you_set",
    "removal": "removed_from",
    "break_prompt": "asked_for_school_breaks",
}
NOT_EXPORTED = {
    "project": "no column names a teacher; each entry names its project by title",
    "group_post": "a group's message, nobody's data",
    "reminder_settings": "the team's rhythm, nobody's data",
    "holiday_fetch": "a country's fetch time",
}


def _holds_nothing(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.Boolean | sa.Date | sa.DateTime) or isinstance(
        getattr(column.type, "impl_instance", None), sa.DateTime
    )


def _columns() -> dict[str, set[str]]:
    return {
        table.name: {c.name for c in table.columns if not _holds_nothing(c)}
        for table in SQLModel.metadata.sorted_tables
    }


def test_every_column_is_classified():
    """A new column (or table) must say whether it names a teacher before tests pass."""
    assert {t: set(cols) for t, cols in COLUMNS.items()} == _columns()
    assert set(EXPORT_OF) | set(NOT_EXPORTED) == set(_columns())
    assert not set(EXPORT_OF) & set(NOT_EXPORTED)
    naming = {t for t, cols in COLUMNS.items() for kind, _ in cols.values() if kind == ID}
    assert naming <= set(EXPORT_OF), "a table that names a teacher needs its /mydata entry"


@dataclass
class Team:
    ilze: Teacher  # the one who leaves
    jonas: Teacher
    maria: Teacher
    eva: Teacher
    group: Group


async def rich_team(driver: Driver, app: TwinApp, db: Database) -> Team:
    """Ilze touches every table through the bot: a project of her own (deleted when she
    goes); one she coordinates with Jonas and Maria and a linked group; one Eva leads,
    where she is a partner and gets nudged; one Eva removes her from. At the end she and Jonas each have a dialog open."""
    ilze = driver.teacher(ILZE, "Ilze", "en", "Aizmirstā")
    jonas = driver.teacher(JONAS, "Jonas", "en", "Petraitis")
    maria = driver.teacher(MARIA, "Maria", "en", "Sousa")
    eva = driver.teacher(EVA, "Eva", "en", "Ozola")
    await create_project(ilze, "Solo notes")
    link = await create_project(ilze, "Water around us")
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="jonas@x.lt")
    await join(maria, link, country="PT", school="Escola do Porto", contact="maria@x.pt")
    group = driver.group()
    group.set_member(ilze, "creator")
    await group.add_bot(ilze)
    await ilze.send("/link", group)
    await ilze.click("Water around us", group)
    await ilze.send("/quiz", group)
    await take_quiz(ilze, [1] * 9, {0: "Ilzes-soon: within two days", 4: "Ilzes-help: a call"})
    await ilze.send("/agree")
    await ilze.send("Ilzes-proposal: each school leads one part")
    await ilze.send("/agreements")
    await ilze.click("Strengths")
    await ilze.send("Team-wording: video, art and music, one school each")
    # the plan: a goal she writes and locks, an activity Jonas writes with her responsible
    await ilze.send("/plan")
    await ilze.click("Pedagogical goal")
    await ilze.click("Add")
    await ilze.send("Team-goal: by March every pupil names 5 ways to save water")
    await ilze.click("Lock as agreed")
    await jonas.send("/plan")
    await jonas.click("Activities")
    await jonas.click("Add")
    await jonas.send("Team-activity: pupils interview grandparents")
    await jonas.send("Collect river stories")
    await jonas.send("two weeks")
    await jonas.click("Ilze")
    await jonas.send("/skip")
    await jonas.send("/skip")
    await jonas.send("next Monday")
    await jonas.send("15 December")  # a deadline for Ilze, with reminders to her
    await jonas.click("Yes")
    # a deadline she sets for Maria: Ilze, coordinating, hears if Maria is late
    await ilze.send("/deadline")
    await ilze.send("Team-deadline: posters")
    await ilze.click("Maria")
    await ilze.send("15.12.")
    await ilze.click("Yes")
    await ilze.send("/registration")
    await ilze.click("✏️ Edit")
    await ilze.send("Team-registration: an e-book with 12 river stories")
    await ilze.send("/status")
    await ilze.click("▫️ 1")
    await ilze.send("/risks")
    await ilze.click("▫️ 5")
    await ilze.click("Choose the owner")
    await ilze.click("Ilze")
    await ilze.click("Write how we handle it")
    await ilze.send("Team-risk: each new tool is shown on Mondays 15:00")
    await ilze.send("/breaks add 16.02.2027–19.02.2027 Team-break: ziemas brīvdienas")
    await ilze.send("/away 12.12.2026")
    await ilze.send("/meeting")
    await ilze.click("Tuesday")
    await ilze.click("16:00")
    await ilze.click("every 2 weeks")
    # Eva's project: Ilze joins as a partner and Eva nudges her
    eva_link = await create_project(eva, "Bees")
    await join(ilze, eva_link, country="LV", school="Ilzes-school Jūrmala", contact="ilze@x.lv")
    await eva.send("/breaks add 06.04.2027–09.04.2027 Team-break: pavasara brīvdienas")
    await ilze.send("/breaks")
    await ilze.click("✅")  # she confirms Eva's entry for Latvia
    await eva.send("/progress")
    await eva.click("Remind the others")
    # and another of Eva's, from which Eva removes her
    maps_link = await create_project(eva, "Maps")
    await join(ilze, maps_link, country="LV", school="Ilzes-school Jūrmala", contact="ilze@x.lv")
    await eva.send("/members")
    await eva.click("Ilze")
    await eva.click("Remove from project")
    await eva.click("Yes")
    # reminders go out (the meeting note to Jonas, Ilze's note on her overdue activity, …)
    # and Maria, quiet since, gets a check-in; Ilze, coordinating, a note about her
    dispatcher = make_dispatcher(app, db)
    for day in (7, 11, 16):
        await dispatcher.run_once(datetime(2026, 12, day, 12, 0, tzinfo=UTC))
    await db.run(lambda s: plans.plan_checkins(s, datetime(2026, 12, 16, 12, 0, tzinfo=UTC)))
    await dispatcher.run_once(datetime(2026, 12, 17, 12, 0, tzinfo=UTC))
    # dialogs open: Ilze drafts a deadline for Jonas, Jonas one for her
    await ilze.send("/projects")
    await ilze.click("Water around us")
    await ilze.send("/deadline")
    await ilze.send("Ilzes-draft: film the river")
    await ilze.click("Jonas")
    await jonas.send("/deadline")
    await jonas.send("Jonas's draft: the river map")
    await jonas.click("Ilze")
    return Team(ilze, jonas, maria, eva, group)


Rows = dict[str, list[dict[str, Any]]]


async def everything(db: Database) -> Rows:
    def read(s: Session) -> Rows:
        return {
            table.name: [dict(row._mapping) for row in s.execute(sa.select(table)).all()]
            for table in SQLModel.metadata.sorted_tables
        }

    return await db.run(read)


def _names_ilze(value: object) -> bool:
    if isinstance(value, int):
        return value == ILZE
    return isinstance(value, str) and ILZE_ID.search(value) is not None


def _found(rows: Rows, test: Any) -> list[str]:
    return sorted(
        f"{table}.{column}: {value!r}"
        for table, found in rows.items()
        for row in found
        for column, value in row.items()
        if test(value)
    )


def _hers(value: object) -> bool:
    return isinstance(value, str) and any(w.casefold() in value.casefold() for w in HERS)


async def test_forgetme_leaves_no_trace_and_the_team_keeps_its_work(
    driver: Driver, app: TwinApp, db: Database
):
    team = await rich_team(driver, app, db)
    before = await everything(db)
    # the scenario reaches every column that names a teacher (else the scan below proves little)
    for table, columns in COLUMNS.items():
        for column, (kind, _why) in columns.items():
            if kind in (ID, IDS_INSIDE):
                assert any(_names_ilze(r[column]) for r in before[table]), f"{table}.{column}"
    to_her = [
        (r["kind"], r["status"], r["user_id"]) for r in before["reminder"] if r["chat_id"] == ILZE
    ]
    assert ("overdue", ReminderStatus.SENT, ILZE) in to_her
    assert ("checkin_lead", ReminderStatus.SENT, MARIA) in to_her  # to her, about Maria

    await team.ilze.send("/forgetme")
    sent = await team.ilze.click("Yes, delete")
    assert "deleted" in sent.to(ILZE)[0]
    assert "coordinate" in sent.to(JONAS)[0]  # he joined first, so he leads now
    told = sent.to(team.group.id)
    assert "A teacher left the project" in told[0]
    assert "Nobody has finished yet" in told[-1] and "Ilze" not in told[-1]  # the quiz post
    after = await everything(db)

    # no column of any table holds her id or her own words
    assert _found(after, _names_ilze) == []
    assert _found(after, _hers) == []
    # what the team made stays, without her
    for table, column, text in TEAM_TEXTS:
        assert any(r[column] == text for r in after[table]), (table, column, text)
    assert [r["title"] for r in after["project"]] == ["Water around us", "Bees", "Maps"]
    places = sorted(
        (m["project_id"], m["user_id"] is None, m["role"], m["country"])
        for m in after["membership"]
    )
    assert (2, True, Role.PARTNER, "LV") in places and (3, True, Role.PARTNER, "LV") in places
    assert {m["user_id"]: m["role"] for m in after["membership"] if m["project_id"] == 2}[
        JONAS
    ] == Role.COORDINATOR
    activity = next(r for r in after["plan_item"] if r["section"] == "activity")
    assert json.loads(activity["details"])["owner"] is None
    assert {d["title"]: d["owner_id"] for d in after["deadline"]}[activity["text"]] is None
    # the team's reminders follow: Jonas, coordinating now, hears if Maria is late; nothing
    # is pending for the deadline that has no owner now
    posters = next(d["id"] for d in after["deadline"] if d["title"] == "Team-deadline: posters")
    assert [
        (r["kind"], r["chat_id"])
        for r in after["reminder"]
        if r["deadline_id"] == posters and r["status"] == "pending" and r["kind"] == "overdue_lead"
    ] == [("overdue_lead", JONAS)]
    assert not [
        r
        for r in after["reminder"]
        if r["deadline_id"] is not None
        and r["status"] == "pending"
        and next(d for d in after["deadline"] if d["id"] == r["deadline_id"])["owner_id"] is None
    ]
    assert any(
        r["kind"] == "meeting" and r["chat_id"] == MARIA and r["status"] == "pending"
        for r in after["reminder"]
    )

    # Jonas's open dialog named her by membership, not by id or name: it ends cleanly
    await team.jonas.send("15.12.")
    sent = await team.jonas.click("Yes")
    assert "not in the project any more" in sent.text
    shown = await team.maria.send("/deadlines")
    assert "Team-deadline: posters" in shown.text and "Ilze" not in shown.text


async def test_mydata_holds_all_of_hers_and_nothing_of_theirs(
    driver: Driver, app: TwinApp, db: Database
):
    team = await rich_team(driver, app, db)
    before = await everything(db)
    sent = await team.ilze.send("/mydata")
    call = next(c for c in sent.calls if c.method == "sendDocument")
    content = call.files["document"][1].decode()
    data = json.loads(content)

    # every table with a row about her has its entry, and the entry is not empty
    for table, rows in before.items():
        columns = COLUMNS[table]
        if not any(
            _names_ilze(r[c])
            for r in rows
            for c, (k, _) in columns.items()
            if k in (ID, IDS_INSIDE)
        ):
            continue
        assert table in EXPORT_OF, table
        assert data[EXPORT_OF[table]], (table, EXPORT_OF[table])
    # nothing about anyone else: no teammate's id, name, school, contact or zone
    for theirs in THEIRS:
        assert not re.search(rf"(?<![\w@]){re.escape(theirs)}(?!\w)", content), theirs
    # her answers with their questions, in words
    assert "w_soon" not in content and "s_deadlines" not in content
    quiz = {
        a["question"]: a["answer"]
        for a in data["answers"]
        if a["questionnaire"] == "Work-style quiz"
    }
    assert quiz["What does “soon” mean to you?"] == "Ilzes-soon: within two days"
    assert quiz["Deadlines: I do my tasks…"] == "1"
    assert quiz["What does “arrive on time” mean to you?"] is None  # skipped
    agree = next(a for a in data["answers"] if a["questionnaire"] == "Team agreements")
    assert agree["question"] == "What are our strengths, and which opportunities can we use?"
    assert [w["topic"] for w in data["agreed_wordings"]] == ["Strengths"]
    assert sorted(i["project"] for i in data["invites"]) == ["Solo notes", "Water around us"]
    assert data["linked_groups"][0]["group"] == "Project group"
    kinds = {(r["kind"], r["status"], r["to"]) for r in data["reminders"]}
    assert {("overdue", "sent", "you"), ("checkin_lead", "sent", "you")} <= kinds
    assert ("meeting", "pending", "you") in kinds
    assert data["nudges"][0]["project"] == "Bees"
    assert data["away"] == [{"start": "2026-11-23", "end": "2026-12-12"}]
    assert data["school_breaks"][0]["name"] == "Team-break: ziemas brīvdienas"
    items = {i["text"]: i for i in data["plan_items"]}
    assert items["Team-goal: by March every pupil names 5 ways to save water"][
        "written_or_last_changed_by_you"
    ]
    responsible = items["Team-activity: pupils interview grandparents"]
    assert responsible["you_are_responsible"] and not responsible["written_or_last_changed_by_you"]
    assert data["plan_sections_locked"][0]["section"] == "Pedagogical goal"
    assert data["registration_texts"][0]["field"] == "Expected result"
    assert data["checklist_ticks"][0]["item"].startswith("The idea")
    assert {(d["title"], d["yours"], d["set_by_you"]) for d in data["deadlines"]} == {
        ("Team-activity: pupils interview grandparents", True, False),
        ("Team-deadline: posters", False, True),
    }
    assert data["risks_you_own"][0]["risk"] == "Problems with ICT tools"
    assert data["meetings_you_set"][0]["at"] == "16:00"
    assert [r["project"] for r in data["removed_from"]] == ["Maps"]
    assert {p["project"]: p["role"] for p in data["projects"]} == {
        "Solo notes": "coordinator",
        "Water around us": "coordinator",
        "Bees": "partner",
    }
    # the open dialog: her own answer, not the teammate she picked nor the team's calendars
    assert data["dialog_in_progress"] == {
        "dialog": "deadline",
        "answers": [
            {
                "question": "What has to be done? Name it in a few words.",
                "answer": "Ilzes-draft: film the river",
            }
        ],
    }


def test_dialogs_begun_before_the_upgrade_lose_their_copies_of_the_team(db_url: str):
    """Migration 0010: scratchpads written by the older /deadline and plan dialogs held the
    team's names, zones and calendars, and the chosen owner as a Telegram id."""
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.downgrade(config, "0009")
    old_deadline = {
        "form": {
            "name": "deadline",
            "project": 1,
            "answers": {"title": "Posters", "owner": str(JONAS)},
            "members": {str(ILZE): "Ilze Aizmirstā", str(JONAS): "Jonas Petraitis"},
            "zones": {str(ILZE): "Europe/Riga", str(JONAS): "Europe/Vilnius"},
            "places": {"Ilze Aizmirstā": ["LV", [["2027-02-16", "2027-02-19", "Ilzes-break"]]]},
            "by_eve": False,
        }
    }
    old_activity = {
        "form": {
            "name": "plan_activity",
            "project": 1,
            "section": "activity",
            "answers": {"text": "Interviews", "owner": str(MARIA)},  # Maria has left since
            "members": {str(MARIA): "Maria Sousa"},
            "steps": ["Collect river stories"],
        }
    }
    quiz = {"form": {"name": "quiz", "project": 1, "answers": {}}}
    with Session(engine) as s:
        # the columns of 0009's schema (later ones, such as the working language, are not there)
        s.execute(
            sa.insert(Project).values(
                id=1, title="Water around us", stage=1, created_at=datetime.now(UTC)
            )
        )
        s.execute(
            sa.insert(User),
            [
                {"id": uid, "display_name": str(uid), "reachable": True, "started": False}
                for uid in (ILZE, JONAS, MARIA)
            ],
        )
        s.add_all(
            [
                Membership(id=7, project_id=1, user_id=ILZE, role=Role.COORDINATOR),
                Membership(id=8, project_id=1, user_id=JONAS, role=Role.PARTNER),
            ]
        )
        for uid, data in ((ILZE, old_deadline), (JONAS, old_activity), (MARIA, quiz)):
            s.add(UserScratch(user_id=uid, data=json.dumps(data, sort_keys=True)))
        s.commit()
    command.upgrade(config, "head")
    with Session(engine) as s:
        kept = {row.user_id: json.loads(row.data) for row in s.exec(select(UserScratch))}
    engine.dispose()
    assert kept[ILZE]["form"] == {
        "name": "deadline",
        "project": 1,
        "answers": {"title": "Posters", "owner": "8"},  # Jonas's membership
        "by_eve": False,
    }
    assert kept[JONAS]["form"] == {
        "name": "plan_activity",
        "project": 1,
        "section": "activity",
        "answers": {"text": "Interviews"},  # asked again
        "steps": ["Collect river stories"],
    }
    assert kept[MARIA] == quiz
