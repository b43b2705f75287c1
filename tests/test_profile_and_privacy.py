"""Profile edits, bad input, HTML escaping, /mydata and /forgetme."""

import json

from sqlmodel import select

from storage.db import Database
from storage.models import Answer, ChatBinding, Membership, Role, User, UserScratch
from tests.driver import Driver
from tests.test_roles import team_of_three
from tests.test_team_flow import create_project


async def test_profile_edits_one_field(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna)
    sent = await anna.send("/profile")
    assert "Rīgas 1. vidusskola" in sent.text
    sent = await anna.click("School")
    assert "school" in sent.text.lower()
    sent = await anna.send("Rīgas Valsts 2. ģimnāzija")
    assert "Rīgas Valsts 2. ģimnāzija" in sent.text  # the profile card again
    user = await db.run(lambda s: s.get(User, 101))
    assert user.school == "Rīgas Valsts 2. ģimnāzija"
    assert user.country == "LV" and user.timezone == "Europe/Riga"


async def test_bad_answers_are_explained_and_change_nothing(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/newproject")
    sent = await anna.send("x" * 201)
    assert "201 characters" in sent.text and "200" in sent.text
    sent = await anna.send("   ")
    assert "few words" in sent.text
    await anna.send("Water")
    sent = await anna.send("Atlantis")
    assert "I don't know the country" in sent.text and "Atlantis" in sent.text
    sent = await anna.click("Other")
    assert "two-letter code" in sent.text
    sent = await anna.send("Portugal")
    assert "Which region" in sent.text and "Portugal" in sent.text
    sent = await anna.send("Narnia")
    assert "I don't know the region “Narnia”" in sent.text and "Which region" in sent.text
    await anna.click("Lisbon")
    await anna.send("Escola")
    await anna.send("anna@example.pt")
    sent = await anna.send("Mars/Olympus")
    assert "I don't know the time zone" in sent.text
    sent = await anna.press(driver.fake.messages(101)[-1], "newproject:country:LV")
    assert "earlier question" in sent.alerts[0]
    sent = await anna.send("Lisbon")
    assert "is ready" in sent.text
    user = await db.run(lambda s: s.get(User, 101))
    assert (user.country, user.region, user.school, user.timezone) == (
        "PT",
        "PT-11",
        "Escola",
        "Europe/Lisbon",
    )


async def test_cancel_stops_without_a_project(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/newproject")
    await anna.send("Water")
    sent = await anna.send("/cancel")
    assert "Stopped" in sent.text
    sent = await anna.send("Latvia")
    assert "did not understand" in sent.text
    assert await db.run(lambda s: s.exec(select(UserScratch)).all()) == []


async def test_user_text_is_escaped_everywhere(driver: Driver, db: Database):
    evil = driver.teacher(101, "<b>Anna</b> & <i>co", "en")
    link = await create_project(evil, "<script>alert(1)</script> & <b>")
    jonas = driver.teacher(102, "Jonas", "en")
    await jonas.open(link)
    for answer in ("Jonas <u>&amp;", "LT", "<a href='x'>School</a>", "j@x.lt"):
        await jonas.send(answer)
    joined = await jonas.click("✓")
    # The coordinator's note names the partner literally (the fake parses HTML like Telegram).
    assert "Jonas <u>&amp;" in driver.fake.messages(101)[-1]["text"]
    team = await jonas.send("/team")
    text = team.calls[-1].params["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in text
    assert "Jonas &lt;u&gt;&amp;amp;" in text
    assert "&lt;a href='x'&gt;School&lt;/a&gt;" in text
    shown = driver.fake.messages(102)[-1]["text"]
    assert "<script>alert(1)</script> & <b>" in shown  # what the teacher sees: the literal name
    assert "&lt;b&gt;Anna&lt;/b&gt; &amp; &lt;i&gt;co" in text
    assert "&lt;a href='x'&gt;School&lt;/a&gt;" in joined.to(101)[0]
    maria = driver.teacher(103, "Maria <b>&", "en")
    await maria.open(link)
    kept = await maria.click("✓")  # keep the Telegram name: the next question shows it
    assert kept.text.startswith("✓ <i>Maria &lt;b&gt;&amp;</i>\n")
    assert driver.fake.messages(103)[-1]["text"].startswith("✓ Maria <b>&\n")


async def test_mydata_sends_a_json_file(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna)
    await anna.send("/quiz")
    await anna.send("within two days")
    sent = await anna.send("/mydata")
    call = next(c for c in sent.calls if c.method == "sendDocument")
    name, content = call.files["document"]
    data = json.loads(content)
    assert name.endswith(".json")
    assert data["telegram_user_id"] == 101 and data["school"] == "Rīgas 1. vidusskola"
    assert data["projects"][0]["role"] == "coordinator"
    assert data["answers"][0]["question"] == "What does “soon” mean to you?"  # not "w_soon"
    assert data["answers"][0]["questionnaire"] == "Work-style quiz"
    assert data["answers"][0]["answer"] == "within two days"


async def test_forgetme_anonymises_and_passes_coordination_on(driver: Driver, db: Database):
    anna, _jonas, maria = await team_of_three(driver)
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    sent = await anna.send("/forgetme")
    assert "cannot be undone" in sent.text
    sent = await anna.click("No")
    assert "Nothing changed" in sent.text
    await anna.send("/quiz")
    await anna.send("right away")
    await anna.send("/cancel")
    await anna.send("/forgetme")
    sent = await anna.click("Yes, delete")
    assert "deleted" in sent.to(101)[0]
    assert "coordinate" in sent.to(102)[0]  # Jonas joined first, so he leads now
    assert sent.to(group.id)
    assert await db.run(lambda s: s.get(User, 101)) is None
    assert await db.run(lambda s: s.exec(select(Answer).where(Answer.user_id == 101)).all()) == []
    rows = await db.run(lambda s: s.exec(select(Membership).order_by(Membership.id)).all())
    assert [(m.user_id, m.role, m.country) for m in rows] == [
        (None, Role.PARTNER, "LV"),
        (102, Role.COORDINATOR, "LT"),
        (103, Role.PARTNER, "PT"),
    ]
    team = await maria.send("/team")
    assert "former member" in team.text
    assert "Anna" not in team.text
    assert await db.run(lambda s: s.exec(select(ChatBinding)).one())  # the group stays linked
