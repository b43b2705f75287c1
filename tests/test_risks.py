"""/risks: TwinCoach's own flags from the team and the plan, marking a risk, its owner
and a precision-checked mitigation, and access checks on every button."""

import json
from datetime import date

from sqlmodel import select

from bot.guide.risks import RISKS
from bot.i18n import Translator
from bot.rules.calendar import Place
from bot.rules.risks import auto_flags
from handlers.risk_flags import DayOff
from storage.db import Database
from storage.models import PlanItem, Project, RiskMark, SchoolBreak
from tests.driver import Driver
from tests.test_quiz import linked_team
from tests.test_team_flow import create_project, join


def test_auto_flags_follow_the_guide():
    flags = auto_flags(
        schools=2, collaboration_planned=False, new_tools=["Padlet", " padlet ", "Canva", "Kahoot"]
    )
    assert set(flags) == {"partner_gone", "parallel_work", "ict_tools"}
    assert flags["ict_tools"].values == {"tools": "Padlet, Canva, Kahoot"}
    assert (
        auto_flags(schools=3, collaboration_planned=True, new_tools=["Padlet", "CANVA", "canva"])
        == {}
    )
    assert set(auto_flags(schools=1, collaboration_planned=True, new_tools=[])) == {"partner_gone"}
    assert len(RISKS) == 11 and len({r.key for r in RISKS}) == 11
    assert all(len(r.key) <= 16 for r in RISKS)


async def marks(db: Database) -> dict[str, RiskMark]:
    rows = await db.run(lambda s: s.exec(select(RiskMark)).all())
    return {row.risk: row for row in rows}


async def test_flags_from_the_team_and_the_plan(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "en")
    link = await create_project(anna)
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    pid = await db.run(lambda s: s.exec(select(Project.id)).one())
    sent = await anna.send("/risks")
    text = sent.text
    assert "Flagged by TwinCoach: The team has fewer than three schools" in text
    assert "Flagged by TwinCoach: The plan has no cross-school collaboration" in text
    assert "New ICT tools" not in text
    assert sent.buttons()[:2] == ["▫️ 1", "▫️ 2"] and len(sent.buttons()) == 11

    def plan(s):
        s.add(PlanItem(project_id=pid, section="collab", text="Mixed groups write one story"))
        tools = (["Padlet", "Canva"], ["Kahoot", "canva"], "not a list")
        for n, new in enumerate(tools):
            details = json.dumps({"new_tools": new, "minutes": 45})
            s.add(
                PlanItem(project_id=pid, section="activity", position=n, text="x", details=details)
            )
        s.add(PlanItem(project_id=pid, section="goal", text="z", details='{"new_tools": ["Zoom"]}'))

    await db.run(plan)
    sent = await jonas.send("/risks")
    text = sent.text
    assert "no cross-school collaboration" not in text
    assert (
        "New ICT tools in the plan: Padlet, Canva, Kahoot. The guide advises at most two." in text
    )
    assert "Zoom" not in text  # only activities count
    sent = await jonas.click("▫️ 5")
    assert (
        "<b>5. Problems with ICT tools</b>" in sent.text
        and "at most two new ICT tools" in sent.text
    )
    assert "🚩 Flagged by TwinCoach: New ICT tools" in sent.text
    assert await marks(db) == {}  # flags are computed, not stored


async def test_mark_a_risk_name_an_owner_and_write_a_mitigation(driver: Driver, db: Database):
    anna, jonas, maria, group = await linked_team(driver)
    sent = await anna.send("/risks", group)
    assert "▫️ <b>8. Parents object</b>" in sent.to(group.id)[0] and not sent.buttons()
    assert "fewer than three schools" not in sent.text  # three schools
    await maria.send("/risks")
    await maria.click("▫️ 8")
    sent = await maria.click("It does not apply")
    assert "Our view: this does not apply to us." in sent.text
    assert "✓ It does not apply" in sent.buttons()
    sent = await maria.click("« All risks")
    assert "➖ <b>8. Parents object</b>" in sent.text
    await maria.click("▫️ 5")
    sent = await maria.click("Choose the owner")
    assert sent.buttons() == ["Anna", "Jonas", "Maria", "« Back"]
    sent = await maria.click("Jonas")
    assert "Owner: Jonas" in sent.text and "Our view: this applies to us." in sent.text
    await maria.click("Write how we handle it")
    sent = await maria.send("We will practise soon")
    assert "🔍" in sent.text and "soon" in sent.text
    sent = await maria.send("Jonas shows each new tool <live> & answers questions on Mondays 15:00")
    assert "Saved." in sent.text
    assert "How we handle it: Jonas shows each new tool &lt;live&gt; &amp; answers" in sent.text
    got = await marks(db)
    assert (got["parents"].applies, got["parents"].owner_id) == (False, None)
    assert (got["ict_tools"].applies, got["ict_tools"].owner_id) == (True, 102)
    assert got["ict_tools"].mitigation.startswith("Jonas shows each new tool <live>")
    sent = await jonas.send("/risks", group)
    text = sent.to(group.id)[0]
    assert "⚠️ <b>5. Problems with ICT tools</b>" in text
    assert "Owner: Jonas. How we handle it: Jonas shows" in text
    # a vague mitigation can be kept on purpose
    await anna.send("/risks")
    await anna.click("▫️ 11")
    await anna.click("Write how we handle it")
    await anna.send("We meet often")
    sent = await anna.click("Keep my answer")
    assert "How we handle it: We meet often" in sent.text


async def test_only_members_act_and_forged_buttons_change_nothing(driver: Driver, db: Database):
    _anna, jonas, _maria, _group = await linked_team(driver)
    pid = await db.run(lambda s: s.exec(select(Project.id)).one())
    eva = driver.teacher(105, "Eva", "en")
    await create_project(eva, "Another project")
    other = await db.run(
        lambda s: s.exec(select(Project.id).where(Project.title == "Another project")).one()
    )
    stranger = driver.teacher(106, "Olga", "en")
    sent = await stranger.send("/risks")
    assert "not in a project yet" in sent.text
    await jonas.send("/risks")
    mine = driver.fake.messages(102)[-1]
    cases = [
        (f"rk:{other}:parents:yes", "You are not a member of that project."),
        (f"rk:{other}:list", "You are not a member of that project."),
        (f"rk:{other}:parents:write", "You are not a member of that project."),
        (f"rk:{pid}:nothing:yes", "This button is no longer active."),
        (f"rk:{pid}:nothing:write", "This button is no longer active."),
        (f"rk:{pid}:parents:explode", "This button is no longer active."),
        (f"rk:{pid}:parents:own:105", "This teacher is not in the project any more."),
        (f"rk:{pid}:parents:own", "This button is no longer active."),
        ("rk:x", "This button is no longer active."),
    ]
    for data, alert in cases:
        sent = await jonas.press(mine, data)
        assert sent.alerts == [alert], data
    sent = await jonas.send("Text after a refused write button")
    assert "Saved." not in sent.text  # no mitigation question was opened
    await stranger.send("/start")
    start = driver.fake.messages(106)[-1]
    for data in (f"rk:{pid}:parents:yes", f"rk:{pid}:parents:write", f"rk:{pid}:list"):
        sent = await stranger.press(start, data)
        assert sent.alerts == ["You are not a member of that project."], data
    assert await marks(db) == {}


def test_activities_on_days_off_flag_risk_3_with_the_day_who_and_why():
    """The flag names the activity, the day, and each partner who is off with the reason
    (a weekend, a public holiday by name, a school break), in the reader's language."""
    places = {"Anna": Place("LV"), "Jonas": Place("LT")}
    christmas = DayOff("Carol concert", date(2026, 12, 25), places)
    flags = auto_flags(
        schools=3, collaboration_planned=True, new_tools=[], on_days_off=[christmas, christmas]
    )
    text = flags["overload"].text(Translator("en"))
    assert text.count("Carol concert") == 1 and "Friday, December 25, 2026" in text
    assert "Anna: public holiday (Christmas Day)" in text and "Jonas: public holiday" in text
    assert "Ziemassvētki" in flags["overload"].text(Translator("lv"))
    assert "overload" not in auto_flags(schools=3, collaboration_planned=True, new_tools=[])


async def test_an_activity_during_a_partners_break_is_flagged(driver: Driver, db: Database):
    anna, _jonas, _maria, group = await linked_team(driver)
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())

    def write(s):
        s.add(
            SchoolBreak(
                country="LT",
                start=date(2026, 12, 21),
                end=date(2027, 1, 3),
                name="Kalėdos",
                source="manual",
                project_id=project_id,
            )
        )
        s.add(
            PlanItem(
                project_id=project_id,
                section="activity",
                position=1,
                text="Carol concert",
                details=json.dumps({"start": "22.12.2026", "deadline": "23.12.2026"}),
            )
        )
        s.add(
            PlanItem(
                project_id=project_id,
                section="activity",
                position=2,
                text="River walk",
                details=json.dumps({"start": "12.01.2027", "deadline": "15.01.2027"}),
            )
        )

    await db.run(write)
    sent = await anna.send("/risks", group)
    assert "Carol concert" in sent.text and "River walk" not in sent.text
    # a Lithuanian name, read in English: the country is named
    assert "school break (Kalėdos (Lithuania))" in sent.text and "December 22, 2026" in sent.text


async def test_a_teachers_own_time_away_is_not_a_partners_day_off(driver: Driver, db: Database):
    """Jonas is /away over an activity's day: that is his pause, not a partner's holiday,
    and risk 3 is not flagged for it."""
    anna, jonas, _maria, group = await linked_team(driver)
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())

    def write(s):
        s.add(
            PlanItem(
                project_id=project_id,
                section="activity",
                position=1,
                text="River walk",
                details=json.dumps({"start": "13.01.2027", "deadline": "14.01.2027"}),
            )
        )

    await db.run(write)
    await jonas.send("/away 20.01.2027")
    sent = await anna.send("/risks", group)
    assert "River walk" not in sent.text
