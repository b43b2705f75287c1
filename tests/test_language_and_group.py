"""Languages (greeting, switching, menus) and group chats (intro, link, removal, help)."""

import pytest
from sqlmodel import select

from bot.i18n import Translator
from storage.db import Database
from storage.models import ChatBinding
from tests.driver import Driver
from tests.test_team_flow import create_project


async def test_greeting_follows_telegram_language_until_a_choice(driver: Driver, db: Database):
    lv = await driver.teacher(101, "Anna", "lv").send("/start")
    lt = await driver.teacher(102, "Jonas", "lt").send("/start")
    de = await driver.teacher(103, "Klaus", "de").send("/start")
    en_text = de.text
    assert "TwinCoach" in en_text and lv.text != en_text and lt.text != en_text != lv.text


async def test_choosing_a_language_changes_replies_and_menu(driver: Driver, db: Database):
    klaus = driver.teacher(103, "Klaus", "de")
    await klaus.send("/language")
    sent = await klaus.click("Lietuvių")
    menu = [c for c in sent.calls if c.method == "setMyCommands"]
    assert menu and menu[0].params["scope"] == {"type": "chat", "chat_id": 103}
    lt_help = (await klaus.send("/help")).text
    await klaus.send("/language")
    await klaus.click("English")
    en_help = (await klaus.send("/help")).text
    assert lt_help != en_help and "/newproject" in lt_help and "What I can do" in en_help
    lt_commands = driver.fake.commands({"type": "all_private_chats"}, "lt")
    en_commands = driver.fake.commands({"type": "all_private_chats"}, "en")
    assert {c["command"] for c in lt_commands} == {c["command"] for c in en_commands}
    assert lt_commands != en_commands
    group = driver.fake.commands({"type": "all_group_chats"}, "lv")
    assert {c["command"] for c in group} == {
        "team",
        "quiz",
        "quizresults",
        "agreements",
        "plan",
        "status",
        "risks",
        "deadlines",
        "calendar",
        "link",
        "language",
        "help",
    }


async def test_group_language_is_set_by_members_only(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    outsider = driver.teacher(109, "Olga", "en")
    await create_project(anna)
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    await outsider.send("/language", group)
    sent = await outsider.click("Latviešu", group)
    assert "Only members" in sent.alerts[0]
    english_help = (await anna.send("/help", group)).text
    await anna.send("/language", group)
    await anna.click("Latviešu", group)
    latvian_help = (await anna.send("/help", group)).text
    assert english_help != latvian_help
    binding = await db.run(lambda s: s.exec(select(ChatBinding)).one())
    assert binding.language == "lv"


async def test_link_needs_a_group_admin_who_is_a_member(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "en")
    await create_project(anna)
    group = driver.group()
    group.set_member(anna, "member")
    group.set_member(jonas, "administrator")
    await group.add_bot(anna)
    sent = await anna.send("/link", group)
    assert "Only a group admin" in sent.text
    sent = await jonas.send("/link", group)
    assert "not in a project" in sent.text
    sent = await jonas.send("/team", group)
    assert "not linked" in sent.text
    assert await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []
    sent = await anna.send("/link")
    assert "group chat" in sent.text  # /link privately explains where to send it


async def test_add_to_group_link_binds_in_one_tap_and_removal_unbinds(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna)
    group = driver.group()
    group.set_member(anna, "creator")
    sent = await anna.open(anna.button_url("Add me to your team's group"), group)
    assert any("now belongs to" in t for t in sent.to(group.id))
    await group.remove_bot(anna)
    assert await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []


async def test_forged_group_payload_and_picker(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    eva = driver.teacher(105, "Eva", "en")
    await create_project(anna, "First")
    await create_project(anna, "Second")
    await create_project(eva, "Eva's")
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    sent = await anna.send("/start@TwinCoachBot p3", group)  # Eva's project id
    assert "not a member" in sent.text
    sent = await anna.send("/link", group)
    assert sent.buttons() == ["First", "Second"]
    message = driver.fake.messages(group.id)[-1]
    sent = await anna.press(message, "link:3")
    assert "not a member" in sent.text
    await anna.send("/link", group)
    sent = await anna.click("Second", group)
    assert "Second" in sent.text
    binding = await db.run(lambda s: s.exec(select(ChatBinding)).one())
    assert binding.project_id == 2


async def test_help_differs_between_private_and_group(driver: Driver):
    anna = driver.teacher(101, "Anna", "en")
    private = (await anna.send("/help")).text
    group = driver.group()
    await group.add_bot(anna)
    in_group = (await anna.send("/help", group)).text
    assert "/newproject" in private and "/newproject" not in in_group and "/link" in in_group


async def test_unknown_text_and_stale_buttons(driver: Driver):
    anna = driver.teacher(101, "Anna", "en")
    sent = await anna.send("hello?")
    assert "did not understand" in sent.text
    sent = await anna.send("/nonsense")
    assert "did not understand" in sent.text
    await anna.send("/start")
    sent = await anna.press(driver.fake.messages(101)[-1], "newproject:country:LV")
    assert "no longer active" in sent.alerts[0]


UNREADABLE = (
    "Sorry, I cannot open this. I read text messages, button taps and .ics calendar files "
    "with school breaks."
)
FILES = {
    "photo": {
        "photo": [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}],
        "caption": "our class",
    },
    "zip": {"document": {"file_id": "d1", "file_unique_id": "ud1", "file_name": "plan.zip"}},
    "sticker": {
        "sticker": {
            "file_id": "s1",
            "file_unique_id": "us1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "uv1", "duration": 3}},
}


@pytest.mark.parametrize("content", FILES.values(), ids=list(FILES))
async def test_a_file_gets_a_short_answer_in_private_and_silence_in_a_group(
    driver: Driver, content: dict[str, object]
):
    anna = driver.teacher(101, "Anna", "lv")
    sent = await anna.send_content(content)
    assert sent.texts == [Translator("lv")(UNREADABLE)] != [UNREADABLE]
    group = driver.group()
    await group.add_bot(anna)
    assert (await anna.send_content(content, group)).calls == []


async def test_a_photo_in_a_dialog_is_answered_and_the_question_still_waits(driver: Driver):
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/newproject")
    sent = await anna.send_content(FILES["photo"])
    assert sent.texts == [UNREADABLE]
    assert "country" in (await anna.send("Water around us")).text
