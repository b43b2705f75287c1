"""The command menus Telegram shows, per language and per kind of chat."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)

from bot.i18n import LANGUAGES, N_, Translator

PRIVATE = (
    ("start", N_("Main menu")),
    ("newproject", N_("Start a new project")),
    ("team", N_("Your team and its contacts")),
    ("projects", N_("Switch between your projects")),
    ("invite", N_("A fresh invite link for partners")),
    ("invites", N_("The open invite links, to stop one")),
    ("groups", N_("The project's group chats, to unlink one")),
    ("partners", N_("Questions before looking for partners")),
    ("agree", N_("Your proposals for the team agreements")),
    ("agreements", N_("The team's agreements side by side")),
    ("quiz", N_("The work-style quiz")),
    ("quizresults", N_("Compare the team's quiz answers")),
    ("progress", N_("Who has finished what (coordinator)")),
    ("plan", N_("The plan sheet, built together")),
    ("registration", N_("Texts ready for the registration form")),
    ("status", N_("Where the project is in its cycle, and what is next")),
    ("twinspace", N_("Questions to settle before setting up TwinSpace")),
    ("risks", N_("The eleven risks: which apply, who watches them")),
    ("quality", N_("Quality self-check")),
    ("deadline", N_("Add a deadline, in plain words")),
    ("deadlines", N_("The coming deadlines, in your time")),
    ("calendar", N_("The coming weeks: holidays, breaks, deadlines")),
    ("breaks", N_("School breaks; add your own")),
    ("ics", N_("The team's calendar as a file")),
    ("away", N_("Pause your reminders while you are away")),
    ("meeting", N_("The team's regular meeting")),
    ("reminders", N_("The team's reminder rhythm (coordinator)")),
    ("members", N_("Roles and members (coordinator)")),
    ("profile", N_("Your name, school and contacts")),
    ("language", N_("Change the language")),
    ("leave", N_("Leave a project")),
    ("mydata", N_("Download your data")),
    ("forgetme", N_("Delete your data")),
    ("help", N_("What I can do")),
    ("cancel", N_("Stop the current questions")),
)
GROUP = (
    ("team", N_("The team and its contacts")),
    ("quiz", N_("Invite everyone to the work-style quiz")),
    ("quizresults", N_("Compare the team's quiz answers")),
    ("agreements", N_("The team's agreements side by side")),
    ("plan", N_("The whole plan sheet")),
    ("status", N_("Where the project is in its cycle")),
    ("risks", N_("The team's risks and what it does about them")),
    ("deadlines", N_("The coming deadlines")),
    ("calendar", N_("The coming weeks: holidays, breaks, deadlines")),
    ("link", N_("Link this group to your project")),
    ("language", N_("Change the group's language")),
    ("help", N_("What I can do here")),
)


def commands(lang: str, *, private: bool) -> list[BotCommand]:
    t = Translator(lang)
    return [BotCommand(name, t(desc)) for name, desc in (PRIVATE if private else GROUP)]


async def set_default_menus(bot: Bot, default_language: str) -> None:
    """Menus for every supported Telegram language, plus a fallback for all others."""
    scopes: tuple[tuple[BotCommandScope, bool], ...] = (
        (BotCommandScopeAllPrivateChats(), True),
        (BotCommandScopeAllGroupChats(), False),
    )
    for scope, private in scopes:
        for lang in LANGUAGES:
            await bot.set_my_commands(
                commands(lang, private=private), scope=scope, language_code=lang
            )
        await bot.set_my_commands(commands(default_language, private=private), scope=scope)


async def set_chat_menu(bot: Bot, chat_id: int, lang: str) -> None:
    """After an explicit language choice the menu follows it, whatever the phone's language."""
    await bot.set_my_commands(
        commands(lang, private=chat_id > 0), scope=BotCommandScopeChat(chat_id)
    )
