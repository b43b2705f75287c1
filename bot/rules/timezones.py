"""Time zones: a sensible guess from the country and parsing of what a teacher types."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global

from bot.i18n import fold


def zones_of(country: str) -> list[str]:
    """The country's IANA zones, the European mainland one first (Lisbon before Madeira)."""
    zones = list(get_global("territory_zones").get(country.upper(), []))
    return sorted(zones, key=lambda z: (not z.startswith("Europe/"), z))


def guess_zone(country: str | None) -> str:
    zones = zones_of(country) if country else []
    return zones[0] if zones else "UTC"


@cache
def _by_folded_name() -> dict[str, str]:
    """Zone names and their cities, also as Latvians and Lithuanians write them (CLDR)."""
    names: dict[str, str] = {}
    available = available_timezones()
    for zone in available:
        names.setdefault(fold(zone), zone)
        names.setdefault(fold(zone.rsplit("/", 1)[-1].replace("_", " ")), zone)
    for lang in ("lv", "lt"):
        for zone, info in Locale.parse(lang).time_zones.items():
            if "city" in info and zone in available:
                names.setdefault(fold(info["city"]), zone)
    return names


def parse_zone(text: str) -> str | None:
    """An IANA zone from its name ("Europe/Riga") or city ("Rīga", "Lisabona", "Vilnius")."""
    zone = _by_folded_name().get(fold(text))
    if zone is None:
        return None
    ZoneInfo(zone)  # proves the zone data is installed
    return zone
