"""/status (the seven-stage project cycle) and /twinspace: ticks, the data that tick steps
themselves, the stage moving on with the groups told, role checks and forged buttons."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.guide.risks import RISKS
from bot.guide.twinspace import PARTS, QUESTIONS
from storage.db import Database
from storage.models import Agreement, ChecklistTick, Membership, PlanItem, Project, RiskMark
from tests.driver import Driver
from tests.test_quiz import linked_team
from tests.test_team_flow import create_project, join


async def project_id(db: Database, title: str = "Water around us") -> int:
    return await db.run(lambda s: s.exec(select(Project.id).where(Project.title == title)).one())


async def stage(db: Database) -> int:
    return await db.run(lambda s: s.exec(select(Project.stage)).one())


async def ticks(db: Database) -> set[str]:
    return set(await db.run(lambda s: s.exec(select(ChecklistTick.item)).all()))


async def set_stage(db: Database, n: int) -> None:
    await db.run(lambda s: s.execute(sa.update(Project).values(stage=n)))


async def test_ticks_move_the_project_on_and_the_group_is_told(driver: Driver, db: Database):
    anna, jonas, maria, group = await linked_team(driver)
    sent = await jonas.send("/status", group)
    text = sent.to(group.id)[0]
    assert "stage 1 of 7" in text and "▶️ 1. Idea and partners" in text
    assert "TwinCoach checked this" in text  # three schools: a partner school has joined
    assert "<b>Next:</b> The idea and the topic" in text and "the coordinator — Anna" in text
    assert not sent.buttons() and "private chat" in text

    sent = await jonas.send("/status")
    # step 1 is the coordinator's, step 2 is answered by the data
    assert sent.buttons() == ["▫️ 3", "▫️ 4"]
    sent = await jonas.click("▫️ 3")
    assert sent.buttons() == ["✅ 3", "▫️ 4"]  # who ticked it may undo it
    sent = await anna.send("/status")
    assert sent.buttons() == ["▫️ 1", "✅ 3", "▫️ 4"]  # and so may the coordinator
    await anna.click("▫️ 1")
    assert await ticks(db) == {"s1.idea", "s1.icebreak"}
    await jonas.send("/status")
    await jonas.click("▫️ 4")  # each school ticks step 4 for itself
    sent = await anna.click("▫️ 4")
    assert "(each school ticks its own: 2 of 3)" in sent.text and await stage(db) == 1
    assert "✅ 4" in sent.buttons()  # Anna may undo her school's tick
    sent = await maria.send("/status")
    sent = await maria.click("▫️ 4")
    assert await stage(db) == 2
    assert "stage 2 of 7" in sent.to(103)[0] and "▶️ 2. The plan, made together" in sent.to(103)[0]
    told = sent.to(group.id)
    assert len(told) == 1 and "moved on to stage 2 of 7: The plan, made together" in told[0]
    assert "<b>Next:</b> The plan has a pedagogical goal" in told[0]


async def test_one_undo_rule_and_the_coordinators_steps(driver: Driver, db: Database):
    """Whoever ticked a step, or a lead, undoes it (in /status as in /twinspace); a
    partner cannot tick the coordinator's steps or those the data answer."""
    anna, jonas, maria, _group = await linked_team(driver)
    pid = await project_id(db)
    await jonas.send("/status")
    await jonas.click("▫️ 3")
    await maria.send("/status")
    sent = await maria.press(driver.fake.messages(103)[-1], f"lc:{pid}:s1.icebreak:u")
    assert sent.alerts == [
        "Only the teacher who ticked it, the coordinator and the founders can undo a tick."
    ]
    sent = await jonas.press(driver.fake.messages(102)[-1], f"lc:{pid}:s1.partners:t")
    assert "TwinCoach ticks this step itself" in sent.alerts[0]
    sent = await jonas.press(driver.fake.messages(102)[-1], f"lc:{pid}:s1.idea:t")
    assert sent.alerts == ["Only the coordinator and the founders can tick this step."]
    assert await ticks(db) == {"s1.icebreak"}
    sent = await jonas.click("✅ 3")
    assert "▫️ 3. The teachers have got to know each other" in sent.text
    await jonas.click("▫️ 3")
    await anna.send("/status")
    sent = await anna.click("✅ 3")
    assert "▫️ 3. The teachers have got to know each other" in sent.text
    assert await ticks(db) == set()
    await jonas.send("/twinspace")
    await jonas.press(driver.fake.messages(102)[-1], f"ts:{pid}:tm.everyone:t")
    sent = await maria.press(driver.fake.messages(102)[-1], f"ts:{pid}:tm.everyone:u")
    assert sent.alerts == [
        "Only the teacher who ticked it, the coordinator and the founders can undo a tick."
    ]
    assert await ticks(db) == {"tm.everyone"}


async def test_only_the_coordinator_and_founders_tick_registration(driver: Driver, db: Database):
    anna, jonas, _maria, group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 3)
    sent = await jonas.send("/status")
    assert not sent.buttons()
    assert "The coordinator and the founders tick the registration steps." in sent.text
    assert "▫️ 1. The second founder is chosen" in sent.text
    sent = await jonas.press(driver.fake.messages(102)[-1], f"lc:{pid}:s3.ready:t")
    assert sent.alerts == ["Only the coordinator and the founders can tick the registration steps."]
    assert await ticks(db) == set()
    # the second founder is read from the team
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Make founder")
    sent = await jonas.send("/status")
    assert (
        "✅ 1. The second founder is chosen (/members). <i>(the coordinator — Anna; TwinCoach checked this)</i>"
        in sent.text
    )
    assert "<b>Who:</b> every member" in sent.text  # next: everyone registered on the platform
    assert "the founders — Anna, Jonas" in sent.text
    for number in ("2", "3", "4", "5"):
        await jonas.click(f"▫️ {number}")  # Jonas is a founder now
    sent = await anna.send("/status")
    sent = await anna.click("▫️ 6")
    assert await stage(db) == 4
    assert "moved on to stage 4 of 7: TwinSpace, netiquette and permissions" in sent.to(group.id)[0]


# A plan the guide's checks accept: a SMART goal, three real collaboration actions.
SOUND_PLAN = (
    ("goal", "Every pupil writes five river stories by the end of March"),
    ("product", "A shared e-book of river stories"),
    ("collab", "Mixed-school teams agree on one cover for the e-book"),
    ("collab", "Pupils of all schools vote on the stories to include"),
    ("collab", "Pairs from two schools write one chapter together"),
    ("activity", "Pupils interview their grandparents about the river"),
    ("title", "Our rivers"),
)


async def test_the_data_can_finish_a_stage_and_the_cycle_ends(driver: Driver, db: Database):
    anna, _jonas, _maria, group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 2)
    now = datetime.now(UTC)

    def plan_and_agreements(s):
        for section, text in SOUND_PLAN:
            s.add(PlanItem(project_id=pid, section=section, text=text))
        for topic in ("communication", "reminders"):
            s.add(Agreement(project_id=pid, topic=topic, wording="Tuesdays", agreed_at=now))

    await db.run(plan_and_agreements)
    sent = await anna.send("/status", group)
    assert await stage(db) == 3
    texts = sent.to(group.id)
    assert "stage 3 of 7" in texts[0] and "moved on to stage 3 of 7" in texts[1]
    # the last stage: the whole cycle is done, the stage stays at 7
    await set_stage(db, 7)
    await anna.send("/status")
    await anna.click("▫️ 1")
    sent = await anna.click("▫️ 2")
    assert await stage(db) == 7
    assert "All seven stages are done" in sent.text
    assert "completed all seven stages" in sent.to(group.id)[0]


async def test_twinspace_checklist_and_it_finishes_stage_four(driver: Driver, db: Database):
    anna, jonas, maria, group = await linked_team(driver)
    pid = await project_id(db)
    sent = await maria.send("/twinspace", group)
    assert "private chat" in sent.text
    sent = await maria.send("/twinspace")
    assert "▫️ Pages: 0 of 5" in sent.text and "Twelve common mistakes: 0 of 12" in sent.text
    sent = await maria.click("Twelve common mistakes")
    assert "12. Several near-identical final products" in sent.text
    await maria.click("▫️ 4")
    sent = await maria.click("« Back")
    assert "Twelve common mistakes: 1 of 12" in sent.text
    await maria.click("Roles and responsibilities")
    await maria.click("▫️ 1")
    sent = await maria.click("✅ 1")  # who ticked it may undo it
    assert "▫️ 1. Will you add pupils" in sent.text and "a teacher adds them" in sent.text
    assert await ticks(db) == {"tm.everyone"}
    assert len(QUESTIONS) == 16 and len(PARTS[-1].items) == 12

    # stage 4: everything else is done; the last TwinSpace answer moves the project on
    await set_stage(db, 4)
    now = datetime.now(UTC)

    def almost_ready(s):
        s.add(Agreement(project_id=pid, topic="netiquette", wording="Be kind", agreed_at=now))
        for risk in RISKS:
            s.add(RiskMark(project_id=pid, risk=risk.key, applies=False))
        for key in QUESTIONS - {"ts.folders"}:
            s.add(ChecklistTick(project_id=pid, item=key, ticked_by=103))

    await db.run(almost_ready)
    for teacher in (anna, jonas, maria):  # permissions and pupils: each school for itself
        await teacher.send("/status")
        await teacher.click("▫️ 3")
        sent = await teacher.click("▫️ 4")
    assert "✅ 1. The TwinSpace set-up questions" not in sent.text  # one answer is missing
    assert await stage(db) == 4
    await maria.send("/twinspace")
    await maria.click("Materials")
    sent = await maria.click("▫️ 1")
    assert await stage(db) == 5
    assert "moved on to stage 5 of 7: Running the project" in sent.to(group.id)[0]


async def test_forged_buttons_change_nothing(driver: Driver, db: Database):
    _anna, jonas, _maria, _group = await linked_team(driver)
    pid = await project_id(db)
    eva = driver.teacher(105, "Eva", "en")
    await create_project(eva, "Another project")
    other = await project_id(db, "Another project")
    stranger = driver.teacher(106, "Olga", "en")
    await stranger.send("/start")
    await jonas.send("/status")
    mine = driver.fake.messages(102)[-1]
    cases = [
        (jonas, mine, f"lc:{other}:s1.idea:t", "You are not a member of that project."),
        (jonas, mine, f"lc:{pid}:s9.nothing:t", "This button is no longer active."),
        (jonas, mine, f"lc:{pid}:s5.visible:t", "This step belongs to another stage."),
        (jonas, mine, f"lc:{pid}:s1.idea", "This button is no longer active."),
        (jonas, mine, "lc:x:y:t", "This button is no longer active."),
        (jonas, mine, f"ts:{other}:ts.public:t", "You are not a member of that project."),
        (jonas, mine, f"ts:{pid}:ts.nothing:t", "This button is no longer active."),
        (jonas, mine, f"ts:{pid}:nowhere", "This button is no longer active."),
        (jonas, mine, f"ts:{other}:pages", "You are not a member of that project."),
    ]
    start = driver.fake.messages(106)[-1]
    cases += [
        (stranger, start, f"lc:{pid}:s1.icebreak:t", "You are not a member of that project."),
        (stranger, start, f"ts:{pid}:ts.public:t", "You are not a member of that project."),
    ]
    for teacher, message, data, alert in cases:
        sent = await teacher.press(message, data)
        assert sent.alerts == [alert], data
    assert await ticks(db) == set()
    assert await db.run(lambda s: s.exec(select(Project.stage)).all()) == [1, 1]
    sent = await stranger.send("/status")
    assert "not in a project yet" in sent.text


async def test_evaluation_and_labels_are_announced_to_every_teacher(driver: Driver, db: Database):
    anna, _jonas, _maria, _group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 5)
    now = datetime.now(UTC)
    stage_five = ("s5.visible", "s5.meetings", "s5.pupils", "s5.product")

    def ticked(s):
        for item in stage_five[:-1]:
            s.add(ChecklistTick(project_id=pid, item=item, ticked_by=101, ticked_at=now))

    await db.run(ticked)
    await anna.send("/status")
    sent = await anna.click("▫️ 4")
    assert await stage(db) == 6
    for teacher in (101, 102, 103):
        notes = sent.to(teacher)
        assert any("reached its evaluation" in n for n in notes), teacher
    assert not any("National Quality Label individually" in n for n in sent.to(102))


async def test_status_risks_and_plan_read_the_plan_alike(driver: Driver, db: Database):
    """/status ticks a plan step only for a section /plan flags nothing in; risk 9 and
    the "three collaboration actions" count only lines that are not plain exchange."""
    anna, jonas, _maria, _group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 2)
    flagged = {
        "goal": ["Pupils learn about rivers"],  # nothing measurable, no time frame
        "collab": [
            "We exchange photos of our rivers",
            "Each school makes its own video",
            "Pupils send letters to the partners",
        ],
        "title": ["A very long title about the rivers of our three countries and their stories"],
    }

    def add(s, sections):
        for section, texts in sections.items():
            for n, text in enumerate(texts):
                s.add(PlanItem(project_id=pid, section=section, position=n, text=text))

    await db.run(lambda s: add(s, flagged | {"product": ["An e-book"], "activity": ["Interviews"]}))
    assert plan_marks((await anna.send("/status")).text) == {
        "goal": "▫️",
        "final product": "✅",
        "collaboration": "▫️",
        "what the pupils will do": "✅",
        "title": "▫️",
    }
    plan_text = (await jonas.send("/plan")).text + (
        await jonas.click("Cross-school collaboration")
    ).text
    assert "so far 0" in plan_text
    assert (
        "Flagged by TwinCoach: The plan has no cross-school collaboration"
        in (await anna.send("/risks")).text
    )
    await anna.send("/cancel")

    def sound(s):
        s.exec(sa.delete(PlanItem).where(PlanItem.project_id == pid))
        add(s, {key: [text for k, text in SOUND_PLAN if k == key] for key, _ in SOUND_PLAN})

    await db.run(sound)
    marks = plan_marks((await anna.send("/status")).text)
    assert len(marks) == 5 and set(marks.values()) == {"✅"}
    assert "no cross-school collaboration" not in (await anna.send("/risks")).text


def plan_marks(status: str) -> dict[str, str]:
    """The mark of each plan step in a /status text, by a word of the step."""
    words = ("goal", "final product", "collaboration", "what the pupils will do", "title")
    return {
        word: line.split(" ", 1)[0]
        for line in status.splitlines()
        if "(/plan)" in line and line[:1] in "✅▫"
        for word in words
        if word in line
    }


async def test_a_national_project_is_never_sent_to_the_label(driver: Driver, db: Database):
    """Both founders in Latvia: stage 7's label and award steps do not apply, so the cycle
    ends when stage 6 does, and nobody is told to apply for a label."""
    anna, _jonas, _maria, _group = await linked_team(driver)
    pid = await project_id(db)

    def national(s):
        s.execute(
            sa.update(Membership)
            .where(Membership.project_id == pid, Membership.user_id.in_((101, 103)))
            .values(founder=True, country="LV")
        )

    await db.run(national)
    await set_stage(db, 6)
    now = datetime.now(UTC)
    stage_six = ("s6.pupils", "s6.others", "s6.conclusions", "s6.shared")

    def ticked(s):
        for item in (*stage_six[:-1], "s6.shared@102", "s6.shared@103"):  # two schools of three
            s.add(ChecklistTick(project_id=pid, item=item, ticked_by=101, ticked_at=now))

    await db.run(ticked)
    await anna.send("/status")
    sent = await anna.click("▫️ 4")
    assert await stage(db) == 7
    assert "All seven stages are done" in sent.text
    assert "➖ 1." in sent.text and "not for a national project" in sent.text
    assert "▫️ 1" not in sent.buttons()
    for teacher in (101, 102, 103):
        notes = " ".join(sent.to(teacher))
        assert "gets no quality label or awards" in notes, teacher
        assert "Quality Label individually" not in notes
    forged = await anna.press(driver.fake.messages(101)[-1], f"lc:{pid}:s7.label:t")
    assert forged.alerts == ["A national project gets no quality label or awards."]
    assert "s7.label" not in await ticks(db)


async def test_the_stage_moves_on_when_its_last_condition_is_met(driver: Driver, db: Database):
    """The title is the last thing stage 2 lacks: saving it in /plan moves the project on
    and tells the group, with nobody opening /status."""
    _anna, jonas, _maria, group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 2)
    now = datetime.now(UTC)

    def all_but_the_title(s):
        for section, text in SOUND_PLAN:
            if section != "title":
                s.add(PlanItem(project_id=pid, section=section, text=text))
        for topic in ("communication", "reminders"):
            s.add(Agreement(project_id=pid, topic=topic, wording="Tuesdays", agreed_at=now))

    await db.run(all_but_the_title)
    await jonas.send("/plan")
    await jonas.click("Title")
    await jonas.click("Add")
    sent = await jonas.send("Our rivers")
    assert await stage(db) == 3
    assert any("moved on to stage 3 of 7" in text for text in sent.to(group.id))


@pytest.mark.parametrize("mark", ["no", "mitigation"])
async def test_a_risk_looked_at_or_a_founder_chosen_moves_the_project_on(
    driver: Driver, db: Database, mark: str
):
    """Stage 4 lacks only one risk's mark: marking it (does not apply, or a mitigation
    written) moves on. Stage 3 lacks only the second founder: choosing one in /members
    moves on. The group hears each time."""
    anna, _jonas, _maria, group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 4)
    now = datetime.now(UTC)
    stage_four = {"s4.permissions", "s4.pupils", *QUESTIONS}

    def all_but_one_risk(s):
        s.add(Agreement(project_id=pid, topic="netiquette", wording="Be kind", agreed_at=now))
        for risk in RISKS[1:]:
            s.add(RiskMark(project_id=pid, risk=risk.key, applies=False))
        for key in stage_four:
            s.add(ChecklistTick(project_id=pid, item=key, ticked_by=101))

    await db.run(all_but_one_risk)
    await anna.send("/risks")
    await anna.press(driver.fake.messages(101)[-1], f"rk:{pid}:{RISKS[0].key}:open")
    if mark == "no":
        sent = await anna.press(driver.fake.messages(101)[-1], f"rk:{pid}:{RISKS[0].key}:no")
    else:
        await anna.press(driver.fake.messages(101)[-1], f"rk:{pid}:{RISKS[0].key}:write")
        sent = await anna.send("We meet every Tuesday at 15:00 and review who is behind")
    assert await stage(db) == 5
    assert any("moved on to stage 5 of 7" in text for text in sent.to(group.id))

    await set_stage(db, 3)
    stage_three = ("s3.ready", "s3.registered", "s3.confirmed", "s3.approved", "s3.invited")
    await db.run(lambda s: s.add_all(ChecklistTick(project_id=pid, item=k) for k in stage_three))
    await anna.send("/members")
    await anna.click("Jonas")
    sent = await anna.click("Make founder")
    assert await stage(db) == 5  # stage 3 done, and stage 4 was done already
    assert any("moved on to stage 5 of 7" in text for text in sent.to(group.id))


async def test_agreeing_the_last_topic_moves_the_project_on(driver: Driver, db: Database):
    """Stage 2 lacks only the agreement on who reminds about deadlines: writing it down in
    /agreements moves the project on and the group hears it."""
    anna, _jonas, _maria, group = await linked_team(driver)
    pid = await project_id(db)
    await set_stage(db, 2)
    now = datetime.now(UTC)

    def all_but_one(s):
        for section, text in SOUND_PLAN:
            s.add(PlanItem(project_id=pid, section=section, text=text))
        s.add(Agreement(project_id=pid, topic="communication", wording="Tuesdays", agreed_at=now))

    await db.run(all_but_one)
    await anna.send("/agreements")
    await anna.press(driver.fake.messages(anna.id)[-1], f"agr:{pid}:reminders")
    sent = await anna.send("Anna reminds everyone two days before each deadline")
    assert await stage(db) == 3
    assert any("moved on to stage 3 of 7" in text for text in sent.to(group.id))


async def test_a_partner_school_joining_moves_the_project_on(driver: Driver, db: Database):
    """Stage 1 lacks only a partner school: Jonas joining moves the project on."""
    anna = driver.teacher(101, "Anna", "en")
    link = await create_project(anna)
    pid = await project_id(db)
    await db.run(
        lambda s: s.add_all(
            ChecklistTick(project_id=pid, item=key)
            for key in ("s1.idea", "s1.icebreak", "s1.at_home")
        )
    )
    jonas = driver.teacher(102, "Jonas", "en")
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    assert await stage(db) == 2


@pytest.mark.parametrize("kind", ["national", "international"])
async def test_a_project_walks_through_all_seven_stages(driver: Driver, db: Database, kind: str):
    """A team of three takes its project from the idea to the labels, ticking what it
    owns (each school its own, the coordinator and founders theirs) and writing its plan,
    agreements and risks: every stage moves on and the group is told; the registration
    step says who approves; at the end a national project is told there is no label to
    apply for, an international one that each teacher applies individually."""
    anna, jonas, maria, group = await linked_team(driver)
    pid = await project_id(db)
    team = (anna, jonas, maria)
    second = maria if kind == "national" else jonas
    if kind == "national":  # Maria's school is in Latvia too
        await db.run(
            lambda s: s.execute(
                sa.update(Membership).where(Membership.user_id == 103).values(country="LV")
            )
        )
    await anna.send("/members")
    await anna.click(second.user["first_name"])
    await anna.click("Make founder")
    now = datetime.now(UTC)

    def team_data(s):
        for section, text in SOUND_PLAN:
            s.add(PlanItem(project_id=pid, section=section, text=text))
        for topic in ("communication", "reminders", "netiquette"):
            s.add(Agreement(project_id=pid, topic=topic, wording="Tuesdays", agreed_at=now))
        for risk in RISKS:
            s.add(RiskMark(project_id=pid, risk=risk.key, applies=False))
        for key in QUESTIONS:
            s.add(ChecklistTick(project_id=pid, item=key, ticked_by=101))

    await db.run(team_data)
    told: list[str] = []
    notes: dict[int, list[str]] = {t.id: [] for t in team}
    seen = [await stage(db)]
    for _round in range(7):  # each round, every teacher ticks what is theirs
        for teacher in (anna, second, *team):  # leads first: registration is theirs
            sent = await teacher.send("/status")
            told += sent.to(group.id)
            if await stage(db) == 3:
                approval = "both countries' services" if kind == "international" else "few"
                assert approval in sent.text
            while labels := [b for b in sent.buttons() if b.startswith("▫️")]:
                sent = await teacher.click(labels[0])
                told += sent.to(group.id)
                for t in team:
                    notes[t.id] += sent.to(t.id)
        seen.append(await stage(db))
        if any("completed all seven stages" in text for text in told):
            break
    assert seen == sorted(seen) and seen[-1] == 7, seen
    announced = [int(n) for text in told for n in re.findall(r"moved on to stage (\d) of 7", text)]
    assert announced == sorted(announced) and announced[-1] >= 6, announced  # 7 may be done at once
    assert any("completed all seven stages" in text for text in told)
    for teacher in team:
        said = " ".join(notes[teacher.id])
        if kind == "national":
            assert "gets no quality label or awards" in said and "individually" not in said
        else:
            assert "applies for the National Quality Label individually" in said
