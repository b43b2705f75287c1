"""Partner questions, team agreements (side by side, agreed wording) and /progress."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from storage.db import Database
from storage.models import Agreement, Answer, Nudge, Project
from tests.driver import Driver, Teacher
from tests.test_quiz import linked_team, take_quiz
from tests.test_roles import team_of_three


async def test_partner_questions_summary_advice_and_precision(driver: Driver, db: Database):
    anna, jonas, _maria = await team_of_three(driver)
    sent = await anna.send("/partners")
    assert "1/7" in sent.text
    sent = await anna.send("We will meet soon and decide")
    assert "🔍" in sent.text and ": soon." in sent.text and "tomorrow by 24:00" in sent.text
    sent = await anna.send("Two teachers from Riga and one from Vilnius, chosen by 1 December")
    assert "2/7" in sent.text  # the precise answer is taken
    await anna.click("Yes")  # a colleague from my school
    await anna.click("No")  # partner not known yet
    await anna.click("No")  # previous projects unknown
    await anna.click("Yes")  # partners abroad
    await anna.click("No")  # Erasmus+ later
    sent = await anna.send("/skip")
    assert "Your answers" in sent.text
    assert "Partner finding" in sent.text  # partner not known → ways to find partners
    assert "partners abroad first" in sent.text and "/invite" in sent.text
    assert "(skipped)" in sent.text
    assert "at least 3 partners" not in sent.text  # three schools already
    # Jonas keeps a vague answer on purpose
    await jonas.send("/partners")
    await jonas.send("often online")
    sent = await jonas.click("Keep my answer")
    assert "2/7" in sent.text
    stored = await db.run(
        lambda s: s.exec(
            select(Answer.value).where(Answer.user_id == 102, Answer.item == "team")
        ).one()
    )
    assert stored == "often online"
    # the coordinator sees everyone's answers; a partner does not get that button
    sent = await anna.send("/partners")
    assert "Everyone's answers" in sent.buttons()
    sent = await anna.click("Everyone's answers")
    assert "Anna" in sent.text and "Jonas" in sent.text and "often online" in sent.text
    for _ in range(5):
        await jonas.click("No")
    await jonas.send("Finland")
    sent = await jonas.send("/partners")
    assert "Everyone's answers" not in sent.buttons()
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    sent = await jonas.press(driver.fake.messages(102)[-1], f"qn:partners:{project_id}:team")
    assert sent.alerts


async def test_partner_advice_follows_the_guide_and_marks_our_own(driver: Driver):
    """The guide's advice (the team-forming tips always), the second founder's choice
    put to the coordinator only, and the Erasmus+ idea shown as TwinCoach's, not the
    guide's."""
    anna, jonas, _maria = await team_of_three(driver)

    async def answer(teacher: Teacher, erasmus: str) -> str:
        await teacher.send("/partners")
        await teacher.send("Two teachers from Riga and one from Vilnius, chosen by 1 December")
        await teacher.click("No")
        sent = await teacher.click("No")
        assert "Do you know your school's previous projects?" in sent.text  # any, as the guide
        await teacher.click("No")
        await teacher.click("No")
        await teacher.click(erasmus)
        return (await teacher.send("Finland")).text

    text = await answer(anna, "Yes")
    assert "What the guide suggests" in text and "do not bring a finished plan" in text
    assert "several weeks" in text and "involve your pupils" in text
    assert "Choose the second founder" in text
    tip = text.split("TwinCoach's tip")[1]
    assert (
        "Erasmus+" in tip
        and "Erasmus+" not in text.split("TwinCoach's tip")[0].split("What the guide suggests")[1]
    )
    text = await answer(jonas, "No")
    assert "Choose the second founder" not in text and "the coordinator does it" in text
    assert "TwinCoach's tip" not in text and "do not bring a finished plan" in text


async def test_agreements_side_by_side_and_marked_agreed(driver: Driver, db: Database):
    anna, jonas, maria, group = await linked_team(driver)
    await anna.send("/agree")
    await anna.send("Anna knows video, Jonas knows art")
    await jonas.send("/agree")
    await jonas.send("We are all good at art")
    await jonas.send("/skip")
    await jonas.send("Padlet and Canva")
    sent = await maria.send("/agreements", group)
    text = sent.text
    assert "Strengths" in text and "answers differ" in text
    assert "Anna knows video" in text and "We are all good at art" in text
    assert "Nobody has answered yet" in text and "Evaluation" in text
    assert not sent.buttons()  # buttons only for the coordinator, privately
    sent = await anna.send("/agreements")
    assert any("Strengths" in b for b in sent.buttons())
    await anna.click("Strengths")
    sent = await anna.send("Each school leads one part: video, art, music")
    assert "Saved" in sent.text
    assert any("Agreed" in t and "video, art, music" in t for t in sent.to(group.id))
    sent = await jonas.send("/agreements", group)
    assert "✅ <b>Strengths</b>: Each school leads one part" in sent.text
    rows = await db.run(lambda s: s.exec(select(Agreement)).all())
    assert [(r.topic, r.agreed_by) for r in rows] == [("strengths", 101)]
    # a partner cannot mark a topic agreed, even with forged data
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    sent = await jonas.press(driver.fake.messages(102)[-1], f"agr:{project_id}:ict")
    assert "Only the coordinator" in sent.alerts[0]
    assert len(await db.run(lambda s: s.exec(select(Agreement)).all())) == 1


async def test_progress_board_and_reminders_once_a_day(driver: Driver, db: Database):
    anna, jonas, _maria = await team_of_three(driver)
    await take_quiz(jonas, [1] * 9, {})
    sent = await jonas.send("/progress")
    assert "Only the project's coordinator" in sent.text
    sent = await anna.send("/progress")
    assert "Jonas: ▫️ /partners  ▫️ /agree  ✅ /quiz" in sent.text
    sent = await anna.click("Remind the others")
    assert "Reminders sent: 2" in sent.text
    assert "/partners, /agree" in sent.to(102)[0] and "/quiz" not in sent.to(102)[0]
    assert "/partners, /agree, /quiz" in sent.to(103)[0]
    await anna.send("/progress")
    sent = await anna.click("Remind the others")
    assert "Reminders sent: 0" in sent.text and "24 hours: 2" in sent.text
    yesterday = datetime.now(UTC) - timedelta(hours=25)
    await db.run(
        lambda s: s.execute(sa.update(Nudge).where(Nudge.user_id == 103).values(sent_at=yesterday))
    )
    await anna.send("/progress")
    sent = await anna.click("Remind the others")
    assert "Reminders sent: 1" in sent.text and sent.to(103)
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    sent = await jonas.press(driver.fake.messages(102)[-1], f"prog:{project_id}")
    assert "Only the project's coordinator" in sent.alerts[0]
