"""The work-style quiz: three teachers take it, the group sees the comparison and chart."""

from io import BytesIO

from PIL import Image
from sqlmodel import col, select

from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from bot.guide.quiz import SCALES
from bot.meaning.compare import Verdict
from handlers.quiz_results import largest_differences, standings
from handlers.quiz_words import compare_words, of_verdict
from storage.db import Database
from storage.models import Answer, Project
from tests.conftest import settings_for
from tests.driver import Driver, Group, Teacher
from tests.test_roles import team_of_three
from tests.test_team_flow import INVITE, create_project, join

PNG = b"\x89PNG\r\n\x1a\n"


def png_text(png: bytes) -> dict[str, str]:
    """The title and description a chart carries inside its PNG file."""
    with Image.open(BytesIO(png)) as image:
        return dict(image.text)  # type: ignore[attr-defined]


async def take_quiz(teacher: Teacher, scales: list[int], words: dict[int, str | None]) -> None:
    """Answer the eleven words (None = /skip) and the nine scales by button; skipped
    words, offered again at the end, are left for later."""
    await teacher.send("/quiz")
    for n in range(11):
        answer = words.get(n)
        await (teacher.send(answer) if answer else teacher.send("/skip"))
    for value in scales:
        await teacher.click(str(value))
    if len(words) < 11:
        await teacher.send("later")  # typed: the button's label is in the teacher's language


async def linked_team(driver: Driver) -> tuple[Teacher, Teacher, Teacher, Group]:
    anna, jonas, maria = await team_of_three(driver)
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    return anna, jonas, maria, group


ANNA = [1, 2, 2, 1, 1, 1, 3, 1, 1]
JONAS = [5, 4, 2, 5, 3, 2, 3, 2, 2]
MARIA = [3, 3, 2, 5, 3, 2, 3, 2, 5]


async def test_three_teachers_take_the_quiz_and_the_group_compares(driver: Driver, db: Database):
    anna, jonas, maria, group = await linked_team(driver)
    post = await anna.send("/quiz", group)
    assert "Nobody has finished yet" in post.to(group.id)[0]
    await take_quiz(anna, ANNA, {0: "within two days", 1: "five minutes early"})
    edits = [
        c for c in driver.fake.calls if c.method == "editMessageText" and c.chat_id == group.id
    ]
    assert edits and "Anna" in edits[-1].params["text"] and "1 of 3" in edits[-1].params["text"]
    early = await jonas.send("/quizresults", group)
    assert "at least two" in early.text
    await take_quiz(jonas, JONAS, {0: "this month maybe", 1: "five minutes early"})
    await take_quiz(maria, MARIA, {0: "by the end of the week", 5: "every Monday"})
    assert any("Everyone has finished" in m["text"] for m in driver.fake.messages(group.id))

    sent = await maria.send("/quizresults", group)
    photo = next(c for c in sent.calls if c.method == "sendPhoto")
    assert photo.chat_id == group.id
    assert photo.files["photo"][1].startswith(PNG)
    text = sent.text
    assert "A = Anna" in text and "J = Jonas" in text and "M = Maria" in text  # as in the chart
    assert "Deadlines" in text and "Solving problems" in text
    assert text.count("💬") == 3
    assert "Agree what “on time” means" in text  # deadlines: 1 vs 5
    assert "urgent problems" in text  # problems: 1 vs 5
    assert "ask each other for help" in text  # solutions: 1 vs 5
    assert "What does “soon” mean to you?" in text
    assert "within two days" in text and "this month maybe" in text
    # never anyone's answers in the post that lists who finished
    assert all(
        "within two days" not in m.get("text", "") for m in driver.fake.messages(group.id)[:3]
    )

    # the data behind the picture are the answers given
    drawn = png_text(photo.files["photo"][1])
    assert drawn["Title"] == "Work-style quiz: Water around us"
    described = drawn["Description"].splitlines()
    assert len(described) == len(SCALES)
    for line, (a, j, m) in zip(described, zip(ANNA, JONAS, MARIA, strict=True), strict=True):
        assert line.endswith(f": Anna {a}, Jonas {j}, Maria {m}"), line
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    team = await db.run(lambda s: standings(s, project_id))
    assert [k for k, _ in largest_differences(team)] == ["s_deadlines", "s_problems", "s_solutions"]
    assert [r.key for r in of_verdict(compare_words(team), Verdict.DIFFERENT)] == ["w_soon"]


async def test_interrupted_at_scale_5_continues_there_after_a_restart(
    driver: Driver, fake: FakeBotApi, db: Database, db_url: str
):
    anna, *_ = await team_of_three(driver)
    await anna.send("/quiz")
    for _ in range(11):
        await anna.send("/skip")
    for value in (1, 2, 3, 4):
        await anna.click(str(value))
    assert "16/20" in anna.last_text()  # eleven words, then scale 5
    second = build_application(settings_for(fake, db_url), db)
    await second.initialize()
    try:
        anna2 = Driver(second, fake).teacher(101, "Anna", "en")
        sent = await anna2.send("hello")  # text where a button is expected
        assert "tap one of the buttons" in sent.text
        assert "16/20" in sent.text and "Work: I care more" in sent.text
        sent = await anna2.click("5")
        assert "17/20" in sent.text
    finally:
        await second.shutdown()
    stored = await db.run(
        lambda s: s.exec(
            select(Answer.item, Answer.value).where(Answer.item.startswith("s_"))
        ).all()
    )
    assert dict(stored) == {
        "s_deadlines": "1",
        "s_criticism_get": "2",
        "s_criticism_give": "3",
        "s_problems": "4",
        "s_work": "5",
    }


async def test_a_pressed_answer_turns_the_question_into_the_next(driver: Driver):
    anna, *_ = await team_of_three(driver)
    await anna.send("/quiz")
    for _ in range(11):
        await anna.send("/skip")
    question = driver.fake.messages(anna.id)[-1]
    assert "12/20" in question["text"]
    sent = await anna.click("2")
    # the answer and the edit are in flight together (one round trip), in either order
    assert sorted(c.method for c in sent.calls) == ["answerCallbackQuery", "editMessageText"]
    (edit,) = [c for c in sent.calls if c.method == "editMessageText"]
    assert edit.params["message_id"] == question["message_id"]
    now = driver.fake.messages(anna.id)[-1]
    assert now["message_id"] == question["message_id"] and "13/20" in now["text"]
    assert now["text"].startswith("✓ 2\n")  # the answer just picked stays in view
    assert "Criticism: I like to receive it" in now["text"] and "reply_markup" in now


async def test_bad_input_during_the_quiz(driver: Driver, db: Database):
    anna, _jonas, _maria = await team_of_three(driver)
    await anna.send("/quiz")
    sent = await anna.send("x" * 2001)
    assert "2001 characters" in sent.text and "2000" in sent.text
    await anna.send("/back")
    assert "first question" in anna.last_text()
    for _ in range(11):
        await anna.send("/skip")
    sent = await anna.send("/skip")
    assert "cannot be skipped" in sent.text
    message = driver.fake.messages(101)[-1]
    for forged in ("quiz:s_deadlines:7", "quiz:s_deadlines:0", "quiz:w_soon:1", "quiz:s_deadlines"):
        sent = await anna.press(message, forged)
        assert sent.alerts or "tap one of the buttons" in sent.text, forged
    await anna.click("2")
    sent = await anna.send("/back")
    assert "12/20" in sent.text and "✓ 2" in sent.buttons()
    await anna.click("4")
    rows = await db.run(lambda s: s.exec(select(Answer).where(Answer.item == "s_deadlines")).all())
    assert [r.value for r in rows] == ["4"]


async def test_removed_member_cannot_answer_and_stale_buttons(driver: Driver, db: Database):
    anna, jonas, maria = await team_of_three(driver)
    await jonas.send("/quiz")
    await jonas.send("within a day")
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    sent = await jonas.send("tomorrow")
    assert "not a member" in sent.text
    items = await db.run(lambda s: s.exec(select(Answer.item).where(Answer.user_id == 102)).all())
    assert items == ["w_soon"]
    # a finished quiz's old buttons do nothing
    await take_quiz(maria, MARIA, {})
    old = driver.fake.messages(103)[-2]
    sent = await maria.press(old, "quiz:s_solutions:1")
    assert "no longer active" in sent.alerts[0]


async def test_a_removed_member_pressing_a_scale_is_stopped(driver: Driver, db: Database):
    """A press reads the teacher, the membership and the answers in one statement
    (forms.Prefetching): a teacher removed while the scale is on screen is stopped there,
    and nothing is stored; a member's press in the same state goes on."""
    anna, jonas, maria = await team_of_three(driver)
    for teacher in (jonas, maria):
        await teacher.send("/quiz")
        for _ in range(11):
            await teacher.send("/skip")
        assert "12/20" in teacher.last_text()
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    sent = await jonas.click("2")
    assert "not a member" in sent.text
    scales = select(Answer.user_id).where(col(Answer.item).startswith("s_"))
    assert await db.run(lambda s: s.exec(scales).all()) == []
    sent = await jonas.click("2")  # the dialog is over: the old button answers nothing
    assert await db.run(lambda s: s.exec(scales).all()) == []
    await maria.click("2")
    assert "13/20" in maria.last_text()
    assert await db.run(lambda s: s.exec(scales).all()) == [103]


async def test_change_one_answer_and_retake(driver: Driver, db: Database):
    anna, _jonas, _maria = await team_of_three(driver)
    await take_quiz(anna, ANNA, {0: "within two days"})
    sent = await anna.send("/quiz")  # the ten skipped words come back, one at a time
    assert "You left 10 questions for later" in sent.text and "1/10" in sent.text
    assert "arrive on time" in sent.text
    await anna.click("Change one answer")
    await anna.click("Deadlines")
    sent = await anna.click("3")
    assert "Thank you" in sent.text and "10 questions are still open: /quiz" in sent.text
    values = await db.run(
        lambda s: dict(s.exec(select(Answer.item, Answer.value).where(Answer.user_id == 101)).all())
    )
    assert (
        values["s_deadlines"] == "3" and values["w_soon"] == "within two days" and len(values) == 20
    )
    await anna.send("/quiz")
    sent = await anna.click("Start again")
    assert "1/20" in sent.text
    left = await db.run(lambda s: s.exec(select(Answer).where(Answer.user_id == 101)).all())
    assert left == []


async def test_results_are_for_members_only(driver: Driver, db: Database):
    anna, jonas, _maria, group = await linked_team(driver)
    await take_quiz(anna, ANNA, {})
    await take_quiz(jonas, JONAS, {})
    outsider = driver.teacher(109, "Olga", "en")
    sent = await outsider.send("/quizresults", group)
    assert sent.texts == ["Sorry, Olga: this group belongs to a project you are not in."]
    assert not [c for c in sent.calls if c.method == "sendPhoto"]
    sent = await outsider.send("/quizresults")
    assert "not in a project" in sent.text
    sent = await jonas.send("/quizresults")
    assert [c for c in sent.calls if c.method == "sendPhoto"]


async def team_in_three_languages(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    anna = driver.teacher(101, "Anna", "lv")
    jonas = driver.teacher(102, "Jonas", "lt")
    maria = driver.teacher(103, "Maria", "en")
    link = await create_project(anna)
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    await join(maria, link, country="PT", school="Escola do Porto", contact="m@x.pt")
    return anna, jonas, maria


def between(text: str, start: str, end: str | None = None) -> str:
    """The part of `text` from `start` up to `end` (or the end)."""
    assert start in text, (start, text)
    rest = text.split(start, 1)[1]
    return rest.split(end, 1)[0] if end else rest


async def test_quizresults_compare_what_answers_mean_across_languages(driver: Driver):
    """Anna writes Latvian, Jonas Lithuanian, Maria English: one meaning in three languages
    is no difference; different meanings are ranked and say why, in the reader's
    language; answers with nothing to measure are side by side."""
    anna, jonas, maria = await team_in_three_languages(driver)
    await take_quiz(
        anna,
        ANNA,
        {
            0: "divu darba dienu laikā",
            1: "5 minūtes pirms sākuma",
            2: "3 uzdevumi",
            4: "paskaidrot soli pa solim",
            5: "reizi nedēļā",
        },
    )
    await take_quiz(
        jonas,
        JONAS,
        {
            0: "per dvi darbo dienas",
            1: "5 minutės iki pradžios",
            2: "keturios užduotys",
            4: "parodyti pavyzdį",
            5: "kasdien",
        },
    )
    await take_quiz(
        maria,
        MARIA,
        {
            0: "within two working days",
            1: "five minutes early",
            2: "ten",
            4: "working on it <b>together</b> & calmly",
            5: "once a month",
        },
    )

    text = (await jonas.send("/quizresults")).text  # Lithuanian
    differ = between(text, "Žodžiai, kuriuos suprantate skirtingai", "Žodžiai, kuriuos suprantate")
    same = between(text, "Žodžiai, kuriuos suprantate vienodai", "Palyginkite atsakymus")
    apart = between(text, "Palyginkite atsakymus")
    # "regularly": once a month against every day (30 times) before "a few tasks" (3 against 10)
    assert differ.index("„reguliariai“") < differ.index("„keletas užduočių“")
    assert "Skirtumas: „1 kartą per mėnesį“ ir „1 kartą per dieną“." in differ
    assert "Skirtumas: „3 užduotys“ ir „10 užduočių“." in differ
    assert "• Anna: <i>reizi nedēļā</i> → 1 kartą per savaitę" in differ
    # the same meaning in three languages is no difference
    assert "„greitai“" not in differ and "„ateiti laiku“" not in differ
    assert "„greitai“? → ne daugiau kaip 2 darbo dienos" in same
    assert "„ateiti laiku“? → 5 minutės iki pradžios" in same
    # "help": nothing to measure, all three answers side by side, unranked
    assert "„pagalba“" in apart and "Skirtumas" not in apart
    for answer in ("paskaidrot soli pa solim", "parodyti pavyzdį"):
        assert answer in apart
    assert "working on it &lt;b&gt;together&lt;/b&gt; &amp; calmly" in apart  # escaped

    text = (await maria.send("/quizresults")).text  # the same results in English
    assert "<i>The difference: “once a month” against “once a day”.</i>" in text
    assert "What does “soon” mean to you? → at most 2 working days" in between(
        text, "Words you read the same way"
    )
    text = (await anna.send("/quizresults")).text  # and in Latvian
    assert "Atšķirība: “1 reizi mēnesī” pret “1 reizi dienā”." in text
    assert "Ko jums nozīmē “drīz”? → ne vairāk kā 2 darba dienas" in text


async def test_quiz_words_go_through_the_precision_check(driver: Driver, db: Database):
    anna, jonas, maria = await team_in_three_languages(driver)
    await maria.send("/quiz")
    sent = await maria.send("soon")
    assert "🔍" in sent.text and ": soon." in sent.text and "Keep my answer" in sent.buttons()
    sent = await maria.send("soon, within two working days")  # pinned down: taken
    assert "2/20" in sent.text and "🔍" not in sent.text
    sent = await maria.send("on time")
    assert "🔍" in sent.text
    sent = await maria.click("Keep my answer")  # the teacher may keep it
    assert "3/20" in sent.text
    sent = await maria.send("a few")
    assert "🔍" in sent.text and "five examples" in sent.text
    # Latvian and Lithuanian, with the hint in the teacher's language
    await anna.send("/quiz")
    sent = await anna.send("drīz")
    assert "🔍" in sent.text and "drīz" in sent.text and "Paturēt savu atbildi" in sent.buttons()
    sent = await anna.send("divu darba dienu laikā")
    assert "2/20" in sent.text and "🔍" not in sent.text
    await jonas.send("/quiz")
    sent = await jonas.send("greitai")
    assert (
        "🔍" in sent.text and "greitai" in sent.text and "Palikti savo atsakymą" in sent.buttons()
    )
    sent = await jonas.send("per dvi darbo dienas")
    assert "2/20" in sent.text
    sent = await jonas.send("Atvykstu 5 minutės iki pradžios, 17:00 Vilniaus laiku")
    assert "3/20" in sent.text and "🔍" not in sent.text
    stored = await db.run(
        lambda s: dict(
            s.exec(select(Answer.user_id, Answer.value).where(Answer.item == "w_on_time")).all()
        )
    )
    assert stored == {103: "on time", 102: "Atvykstu 5 minutės iki pradžios, 17:00 Vilniaus laiku"}


async def test_the_group_post_says_what_comes_next(driver: Driver):
    """The quiz post: who finished; with two, that /quizresults compares them; with
    everyone, to talk it over (the button then changes one's answers); a newcomer makes
    it "Take the quiz" again."""
    anna, jonas, maria, group = await linked_team(driver)
    await anna.send("/quiz", group)

    def post() -> tuple[str, list[str]]:
        message = next(m for m in driver.fake.messages(group.id) if "quiz" in m["text"])
        rows = message["reply_markup"]["inline_keyboard"]
        return message["text"], [b["text"] for row in rows for b in row]

    await take_quiz(anna, ANNA, {})
    text, buttons = post()
    assert "1 of 3" in text and "/quizresults" not in text.split("\n\n")[-1]
    assert buttons == ["Take the quiz"]
    await take_quiz(jonas, JONAS, {})
    text, buttons = post()
    assert "2 of 3" in text and "/quizresults already compares" in text
    await take_quiz(maria, MARIA, {})
    text, buttons = post()
    assert "Everyone has finished: Anna" in text and "talk it over" in text
    assert buttons == ["Change my answers"]
    eva = driver.teacher(104, "Eva", "en")
    link = INVITE.search((await anna.send("/invite")).text)
    assert link
    await join(eva, link.group(0), country="PT", school="Escola", contact="e@x.pt")
    text, buttons = post()
    assert "3 of 4" in text and buttons == ["Take the quiz"]
