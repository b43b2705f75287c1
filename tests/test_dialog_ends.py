"""Dialogs that finish honestly and never leave a teacher at a dead end: skipped questions
come back, progress counts answers, nudges open the project they name, typed answers
count where buttons are offered, and every end says what comes next."""

from sqlmodel import select

from bot.guide.agreements import TOPICS
from bot.i18n import Translator
from bot.reply import clip
from handlers.dialogs import all_forms
from storage.db import Database
from storage.models import Answer, Project, User
from tests.driver import Driver, Teacher
from tests.test_quiz import ANNA, JONAS, linked_team, take_quiz
from tests.test_roles import team_of_three
from tests.test_team_flow import INVITE, create_project, join

PRECISE = "Every Tuesday at 16:00, one hour on Zoom"


async def stored(db: Database, user_id: int, questionnaire: str) -> dict[str, str | None]:
    rows = await db.run(
        lambda s: s.exec(
            select(Answer.item, Answer.value).where(
                Answer.user_id == user_id, Answer.questionnaire == questionnaire
            )
        ).all()
    )
    return dict(rows)


async def agree_skipping(teacher: Teacher, skipped: set[int]) -> str:
    """/agree with the topics at `skipped` (0-based) left out; the last answer's reply."""
    await teacher.send("/agree")
    text = ""
    for n in range(len(TOPICS)):
        text = (await teacher.send("/skip" if n in skipped else f"{PRECISE} ({n})")).text
    return text


async def test_skipped_topics_come_back_at_the_end_and_at_the_next_agree(
    driver: Driver, db: Database
):
    anna, jonas, _maria = await team_of_three(driver)
    offer = await agree_skipping(anna, {1, 4, 8})
    assert "You skipped 3 questions. Answer them now, or later?" in offer
    assert "• Weaknesses" in offer and "• How detailed" in offer and "• Netiquette" in offer
    sent = await anna.click("Later")
    assert "Thank you!" in sent.text
    assert "3 questions are still open: /agree brings them back." in sent.text
    assert "✓ <i>Later</i>\nThank you!" in sent.text  # the offer turned into the closing words
    board = (await anna.send("/progress")).text
    assert "Anna: /partners 0/7  ·  /agree 12/15  ·  /quiz 0/20" in board
    assert "✅ /agree" not in board

    # a later /agree offers exactly the skipped ones, counted among themselves
    sent = await anna.send("/agree")
    assert "You left 3 questions for later" in sent.text
    assert "1/3" in sent.text and "Where are we weak" in sent.text
    assert "Change one answer" in sent.buttons()  # the finished questionnaire's way stays open
    sent = await anna.send("We need more practice with video editing")
    assert "2/3" in sent.text and "How detailed will our plan be?" in sent.text
    sent = await anna.send("/skip")  # still not ready for this one
    assert "3/3" in sent.text and "netiquette" in sent.text
    sent = await anna.send("Pupils write politely and answer within 48 hours")
    assert "Thank you!" in sent.text
    assert "1 question is still open: /agree brings it back." in sent.text
    assert "You skipped" not in sent.text  # offered once per run, not in a loop
    given = await stored(db, 101, "agree")
    assert given["weaknesses"] == "We need more practice with video editing"
    assert given["detail"] is None and len(given) == 15

    # "Answer now", typed: the one skipped topic is asked at once, without a counter
    offer = await agree_skipping(jonas, {0})
    assert "You skipped 1 question. Answer it now, or later?" in offer
    sent = await jonas.send("answer NOW")
    assert "What are our strengths" in sent.text and "/1" not in sent.text
    sent = await jonas.send("Jonas films, Maria draws")
    assert "Thank you!" in sent.text and "still open" not in sent.text
    board = (await anna.send("/progress")).text
    assert "Jonas: /partners 0/7  ·  ✅ /agree  ·  /quiz 0/20" in board


async def test_an_answer_alone_is_not_called_the_same_and_open_topics_carry_no_tick(
    driver: Driver, db: Database
):
    anna, jonas, _maria, group = await linked_team(driver)
    await anna.send("/agree")
    await anna.send("Each school leads one part: video, art, music")
    sent = await anna.send("/agreements", group)
    assert "Strengths</b> (only one answer so far)" in sent.text
    assert "same answer" not in sent.text
    await jonas.send("/agree")
    await jonas.send("each school leads one part: video, art, music ")
    sent = await anna.send("/agreements", group)
    assert "Strengths</b> (same answer)" in sent.text
    sent = await anna.send("/agreements")
    assert "✍️ Strengths" in sent.buttons()
    assert not [b for b in sent.buttons() if "✅" in b]  # nothing is agreed yet
    await anna.click("Strengths")
    await anna.send("Each school leads one part: video, art, music")
    sent = await anna.send("/agreements")
    assert "✅ <b>Strengths</b>" in sent.text
    assert not [b for b in sent.buttons() if "Strengths" in b]


async def test_a_nudge_opens_the_project_it_names_for_a_teacher_in_two(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "lt")
    link = await create_project(anna, "Alpha rivers")
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    await jonas.send("/newproject")  # his own second project, now his active one
    await jonas.send("Beta birds")
    await jonas.click("🇱🇹")
    await jonas.send("Kauno mokykla")
    await jonas.send("jonas@example.lt")
    await jonas.click("Europe/Vilnius")
    ids = await db.run(lambda s: {p.title: p.id for p in s.exec(select(Project)).all()})
    assert (await db.run(lambda s: s.get(User, 102))).active_project_id == ids["Beta birds"]

    await anna.send("/progress")
    sent = await anna.click("Remind the others")
    [nudge] = [c for c in sent.calls if c.chat_id == 102]
    assert "Alpha rivers" in nudge.params["text"]
    keyboard = nudge.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == [
        f"qn:{q}:{ids['Alpha rivers']}:open" for q in ("partners", "agree", "quiz")
    ]
    agree_label = Translator("lt")("Team agreements")
    sent = await jonas.click(agree_label)
    assert "Alpha rivers" in sent.texts[0]  # switched, and told so
    assert "1/15" in sent.text
    await jonas.send(PRECISE)
    rows = await db.run(
        lambda s: s.exec(select(Answer.project_id).where(Answer.user_id == 102)).all()
    )
    assert rows == [ids["Alpha rivers"]]
    assert (await db.run(lambda s: s.get(User, 102))).active_project_id == ids["Alpha rivers"]

    # the button checks membership: a forged project id opens nothing
    maria = driver.teacher(103, "Maria", "en")
    await maria.send("/start")
    sent = await maria.press(driver.fake.messages(103)[-1], f"qn:agree:{ids['Beta birds']}:open")
    assert "not a member" in sent.alerts[0]
    assert (await db.run(lambda s: s.get(User, 103))).active_project_id is None


async def test_typed_yes_and_no_in_latvian_lithuanian_and_english(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    jonas = driver.teacher(102, "Jonas", "lt")
    link = await create_project(anna)
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    await anna.send("/partners")
    await anna.send("Divi skolotāji no Rīgas un viens no Viļņas, līdz 1. decembrim")
    replies = [(await anna.send(word)).text for word in ("jā", "NĒ", "Ja!", "y", "ne")]
    assert [f"{n}/7" in text for n, text in zip(range(3, 8), replies, strict=True)] == [True] * 5
    given = await stored(db, 101, "partners")
    assert [given[k] for k in ("colleague", "partner_known", "past_projects")] == [
        "yes",
        "no",
        "yes",
    ]
    assert [given[k] for k in ("partners_abroad", "erasmus")] == ["yes", "no"]

    await jonas.send("/partners")
    await jonas.send("Du mokytojai iš Vilniaus, iki gruodžio 1 d.")
    before = await stored(db, 102, "partners")
    sent = await jonas.send("galbūt")  # maybe: not a yes or a no, so nothing is stored
    assert Translator("lt")("Please tap one of the buttons below.") in sent.text
    assert await stored(db, 102, "partners") == before
    for word in ("Taip", "ne", "TAIP.", "n", "yes"):
        await jonas.send(word)
    given = await stored(db, 102, "partners")
    assert [given[k] for k in ("colleague", "partner_known", "past_projects")] == [
        "yes",
        "no",
        "yes",
    ]
    assert [given[k] for k in ("partners_abroad", "erasmus")] == ["no", "yes"]

    # a Latvian or Lithuanian answer counts whatever language the bot speaks to the teacher
    ilze = driver.teacher(103, "Ilze", "en")
    await join(ilze, link, country="LV", school="Cēsu skola", contact="i@x.lv")
    await ilze.send("/partners")
    await ilze.send("Two teachers from Cēsis, chosen by 1 December")
    for word in ("Jā", "nē", "taip", "NE", "ja"):
        await ilze.send(word)
    given = await stored(db, 103, "partners")
    assert [given[k] for k in ("colleague", "partner_known", "past_projects")] == [
        "yes",
        "no",
        "yes",
    ]
    assert [given[k] for k in ("partners_abroad", "erasmus")] == ["no", "yes"]


async def test_a_scale_by_its_number_and_a_choice_by_its_label(driver: Driver, db: Database):
    anna, *_ = await team_of_three(driver)
    await anna.send("/quiz")
    for _ in range(11):
        await anna.send("/skip")
    sent = await anna.send(" 4. ")
    assert "13/20" in sent.text
    assert (await stored(db, 101, "quiz"))["s_deadlines"] == "4"
    sent = await anna.send("6")
    assert "Please tap one of the buttons below." in sent.text and "13/20" in sent.text
    await anna.send("/cancel")
    await anna.send("/meeting")
    sent = await anna.send("tuesday")  # the weekday button's label, typed
    assert "At what time" in sent.text
    await anna.send("16:30")
    sent = await anna.send("Every 2 weeks")
    assert "every 2 weeks on Tuesday at 16:30" in sent.text


async def test_start_for_a_member_shows_the_projects_and_the_next_step(
    driver: Driver, db: Database
):
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await jonas.send("/start")
    assert "Your project: <b>Water around us</b>." in sent.text
    assert "Next for you: /partners, Partner questions (0 of 7 answered)." in sent.text
    await jonas.send("/partners")
    await jonas.send(PRECISE)
    await jonas.send("/cancel")
    sent = await jonas.send("/start")
    assert "(1 of 7 answered)" in sent.text
    # in two projects: which one the private commands act on, and how to switch
    await create_project(jonas, "Second project")
    sent = await jonas.send("/start")
    assert "You are in 2 projects; I work on <b>Second project</b> here. /projects" in sent.text
    # someone in no project gets the plain greeting
    olga = driver.teacher(109, "Olga", "en")
    sent = await olga.send("/start")
    assert "Your project" not in sent.text and "Next" not in sent.text


async def test_every_end_says_what_comes_next(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "en")
    link = await create_project(anna)
    await jonas.open(link)
    await jonas.click("✓")
    await jonas.send("LT")
    await jonas.send("Vilniaus gimnazija")
    await jonas.send("j@x.lt")
    sent = await jonas.click("✓")
    assert "/partners" in sent.text and "/agree" in sent.text and "/quiz" in sent.text
    # after the quiz: /quizresults once two have finished
    await take_quiz(anna, ANNA, {})
    closing = driver.fake.messages(101)[-2]["text"]  # above the note on the skipped words
    assert "When at least two of you have finished, /quizresults" in closing
    await take_quiz(jonas, JONAS, {})
    closing = driver.fake.messages(102)[-2]["text"]
    assert "At least two of you have finished, so /quizresults compares" in closing


async def test_cancel_names_the_way_back(driver: Driver, db: Database):
    anna, *_ = await team_of_three(driver)
    await anna.send("/agree")
    await anna.send(PRECISE)
    sent = await anna.send("/cancel")
    assert sent.text == "Stopped.\nYour answers so far are kept: /agree goes on where you stopped."
    sent = await anna.send("/agree")
    assert "Welcome back" in sent.text and "2/15" in sent.text
    await anna.send("/newproject")
    sent = await anna.send("/cancel")
    assert sent.text == "Stopped.\n/newproject starts it again."
    await anna.send("/profile")
    await anna.click("School")
    sent = await anna.send("/cancel")
    assert sent.text == "Stopped.\n/profile opens it again."
    # every dialog names a command or the link or button that opens it again
    t = Translator("en")
    for form in all_forms():
        way_back = t(form.reopen, command=form.command)
        assert "/" in way_back or "link" in way_back or "button" in way_back, form.name
        assert not way_back.startswith(" "), form.name


async def test_counters_count_the_questions_asked(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "en")
    sent = await anna.send("/newproject")
    assert "1/5" in sent.text
    await anna.send("Water around us")
    await anna.click("🇱🇻")
    await anna.send("Rīgas 1. vidusskola")
    sent = await anna.send("anna@example.lv")
    assert "5/5" in sent.text
    sent = await anna.click("Europe/Riga")
    link = INVITE.search(sent.text)
    assert link is not None
    sent = await jonas.open(link.group(0))  # the invite came with the link: not a question
    assert "1/5" in sent.text and "2/6" not in sent.text
    await jonas.send("/cancel")
    await jonas.send("/start")
    sent = await jonas.click("Join with an invite")  # here the invite is the first question
    assert "1/6" in sent.text
    await jonas.send("/cancel")
    await anna.send("/profile")
    sent = await anna.click("Contact")  # one question: no "1/1"
    assert "outside Telegram" in sent.text and "1/1" not in sent.text
    await anna.send("anna@skola.lv")
    sent = await anna.send("/deadline")
    assert "1/4" in sent.text


async def test_newproject_asks_the_coordinators_contact_for_team(driver: Driver):
    anna, *_ = await team_of_three(driver)
    sent = await anna.send("/team")
    assert "Rīgas 1. vidusskola · anna@example.lv" in sent.text and "· —" not in sent.text


async def test_cut_button_labels_end_with_an_ellipsis(driver: Driver):
    assert clip("Short", 10) == "Short"
    assert clip("A rather long project title", 10) == "A rather…"
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna, "The water around us: rivers, lakes and the sea in " * 3)
    sent = await anna.send("/projects")
    [label] = sent.buttons()
    assert label.endswith("…") and len(label) <= 62
    await anna.send("/partners")
    await anna.send(PRECISE)
    for _ in range(5):
        await anna.send("no")
    await anna.send("Finland")
    await anna.click("Change one answer")
    labels = driver.fake.messages(101)[-1]["reply_markup"]["inline_keyboard"]
    erasmus = next(row[0]["text"] for row in labels if row[0]["text"].startswith("6."))
    assert erasmus.endswith("…") and len(erasmus) == 48


async def test_a_non_member_in_a_linked_group_hears_a_short_true_answer(
    driver: Driver, db: Database
):
    _anna, _jonas, _maria, group = await linked_team(driver)
    olga = driver.teacher(109, "Olga", "en")
    sent = await olga.send("/team", group)
    assert sent.texts == ["Sorry, Olga: this group belongs to a project you are not in."]
    stranger = driver.group(-100888, "Another group")
    sent = await olga.send("/team", stranger)
    assert "not linked to a project of yours" in sent.text
