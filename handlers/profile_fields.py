"""The questions about a teacher and their school, shared by /newproject, joining and /profile."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import N_
from bot.rules.countries import COMMON, country_name, flag, parse_country
from bot.rules.timezones import guess_zone, parse_zone, zones_of
from handlers.forms import Asking, Choice, Field, Invalid, Teacher, text_answer
from scheduler import regions
from scheduler.reminders.plans import teams_changed
from storage import teams, users

NAME_MAX = 64
TITLE_MAX = 200
SCHOOL_MAX = 200
CONTACT_MAX = 200
OTHER = "?"
NOT_SURE = "-"  # the region button that leaves it empty
CALENDAR_FIELDS = ("country", "region", "timezone")


def _saver(attr: str) -> Callable[[Asking, str], None]:
    def save(asking: Asking, value: str) -> None:
        session, user = asking.session, asking.user
        users.set_profile_field(session, user=user, field=attr, value=value or None)
        if attr in CALENDAR_FIELDS:  # their working days and clock changed
            mine = teams.user_projects(session, user_id=user.id)
            teams_changed(session, [p.id for p in mine if p.id is not None], asking.now)

    return save


def _country(value: str, _asking: Asking) -> str:
    if value == OTHER:
        raise Invalid(
            "Type your country's name or its two-letter code, for example “Portugal” or “PT”."
        )
    code = parse_country(value)
    if code is None:
        raise Invalid(
            "I don't know the country “{text}”. Try its name or two-letter code, for example “PT”.",
            text=value[:64],
        )
    return code


def _country_choices(who: Teacher) -> list[Choice]:
    lang = who.t.lang
    common = [Choice(f"{flag(c)} {country_name(c, lang)}", c) for c in COMMON]
    return [*common, Choice(who.t("Other…"), OTHER)]


def _region(value: str, asking: Asking) -> str:
    """A region of the teacher's country, by button, code or name; "" when not sure."""
    country = asking.user.country or ""
    if value == NOT_SURE:
        return ""
    code = regions.parse(country, value)
    if code is None:
        raise Invalid(
            "I don't know the region “{text}”. Tap one of the buttons, or type its name or code.",
            text=value[:64],
        )
    return code


def _region_choices(who: Teacher) -> list[Choice]:
    country = who.user.country or ""
    lang = who.t.lang
    offered = [
        Choice(regions.name(country, r.code, lang), r.code) for r in regions.top_regions(country)
    ]
    return [*sorted(offered, key=lambda c: c.label), Choice(who.t("Not sure"), NOT_SURE)]


def region_label(who: Teacher) -> str:
    """The teacher's region as /profile shows it; "—" when none."""
    u = who.user
    return regions.name(u.country, u.region, who.t.lang) if u.country and u.region else "—"


def _zone(value: str, _asking: Asking) -> str:
    zone = parse_zone(value)
    if zone is None:
        raise Invalid(
            "I don't know the time zone “{text}”. Type a city such as “Riga” or a zone such as “Europe/Lisbon”.",
            text=value[:64],
        )
    return zone


def _zone_choices(who: Teacher) -> list[Choice]:
    country = who.user.country
    return [Choice(z, z) for z in zones_of(country)[:4]] if country else []


def _profile_text(key: str, attr: str, prompt: str, limit: int) -> Field:
    """A free-text profile question, offering the current value to keep."""
    return Field(
        key=key,
        prompt=prompt,
        parse=lambda v, _a: text_answer(v, limit=limit),
        current=lambda a: getattr(a.user, attr),
        save=_saver(attr),
    )


NAME = _profile_text(
    "name",
    "display_name",
    N_("What name should your partners see? Type it or keep the one below."),
    NAME_MAX,
)
COUNTRY = Field(
    key="country",
    prompt=N_("Which country is your school in?"),
    parse=_country,
    choices=_country_choices,
    current=lambda a: a.user.country,
    show=lambda v, a: f"{flag(v)} {country_name(v, a.t.lang)}",
    save=_saver("country"),
)
REGION = Field(
    key="region",
    prompt=N_(
        "Which region is your school in? Holidays differ by region in {country}; I use it for your school breaks and public holidays."
    ),
    prompt_values=lambda a: {"country": country_name(a.user.country or "", a.t.lang)},
    parse=_region,
    choices=_region_choices,
    current=lambda a: a.user.region,
    show=lambda _v, a: region_label(a),
    save=_saver("region"),
    ask_when=lambda a: regions.asks_region(a.user.country),
    label=N_("Region"),
)
SCHOOL = _profile_text("school", "school", N_("What is your school called?"), SCHOOL_MAX)
CONTACT = _profile_text(
    "contact",
    "contact",
    N_("How can partners reach you outside Telegram? An e-mail address is best."),
    CONTACT_MAX,
)
TIMEZONE = Field(
    key="timezone",
    prompt=N_("Which time zone are you in? I use it for reminders. Tap one or type a city."),
    parse=_zone,
    choices=_zone_choices,
    current=lambda a: a.user.timezone or guess_zone(a.user.country),
    save=_saver("timezone"),
)
TITLE = Field(
    key="title",
    prompt=N_("What is the project's working title? Short and concrete is best."),
    parse=lambda v, _a: text_answer(v, limit=TITLE_MAX),
)
