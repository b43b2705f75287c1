"""/profile: a teacher sees their data and edits one field at a time."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.context import Ctx
from bot.i18n import N_
from bot.reply import Button, Reply, rows
from bot.rules.countries import country_name, flag
from handlers import break_prompt, forms, profile_fields
from handlers.buttons import Flow, remainder, route
from handlers.guards import only_private, stale
from handlers.step import Actor, respond

FIELDS = (
    profile_fields.NAME,
    profile_fields.COUNTRY,
    profile_fields.REGION,
    profile_fields.SCHOOL,
    profile_fields.CONTACT,
    profile_fields.TIMEZONE,
)

FOLLOW_UPS = {"country": ("region",)}  # asked again after this one, when asked at all


def card(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    t = actor.t
    u = actor.user
    country = f"{flag(u.country)} {country_name(u.country, t.lang)}" if u.country else "—"
    text = t(
        "<b>Your profile</b>\nName: {name}\nCountry: {country}\nRegion: {region}\nSchool: {school}\n"
        "Contact: {contact}\nTime zone: {zone}\n\nTap what you want to change.",
        name=u.display_name,
        country=country,
        region=profile_fields.region_label(actor),
        school=u.school or "—",
        contact=u.contact or "—",
        zone=u.timezone or "—",
    )
    labels = {
        "name": t("Name"),
        "country": t("Country"),
        "region": t("Region"),
        "school": t("School"),
        "contact": t("Contact"),
        "timezone": t("Time zone"),
    }
    buttons = [Button(labels[f.key], data=f"prof:{f.key}") for f in FIELDS if f.asked(actor)]
    return Reply().say(text, rows(buttons, 3))


def _edited(session: Session, actor: Actor, answers: forms.Answers, _state: forms.State) -> Reply:
    reply = card(session, actor)
    if ask := break_prompt.ask_once(session, actor):  # a new country with no known breaks
        reply.say(ask)
    return reply


FORM = forms.Form(
    name="profile",
    fields=FIELDS,
    finish=_edited,
    command="/profile",
    reopen=N_("{command} opens it again."),
)


def edit_field(session: Session, actor: Actor, key: str) -> Reply:
    """Start the profile form with every other field marked as answered (but a new
    country is followed by its region, where it has regions)."""
    if key not in {f.key for f in FIELDS}:
        return replace(stale(session, actor), state=ConversationHandler.END)
    asking = {key, *FOLLOW_UPS.get(key, ())}
    preset: forms.Answers = {f.key: "" for f in FIELDS if f.key not in asking}
    return forms.begin(session, actor, FORM, preset=preset)


async def on_profile(update: Update, context: Ctx) -> None:
    """/profile: shows the teacher's data with a button per field."""
    await respond(update, context, card)


# prof:<field> under /profile: asks for the new value (a dialog).
FLOW = Flow(
    commands=(CommandHandler("profile", on_profile),),
    buttons=(route("prof", (remainder(r".*"),), edit_field, opens_dialog=True),),
)
