"""Time zones: a sensible guess from the country and parsing of what a teacher types."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global


def zones_of(country: str) -> list[str]:
    """The country's IANA zones, the European mainland one first (Lisbon before Madeira)."""
    zones = list(get_global("territory_zones").get(country.upper(), []))
    return sorted(zones, key=lambda z: (not z.startswith("Europe/"), z))


def guess_zone(country: str | None) -> str:
    zones = zones_of(country) if country else []
    return zones[0] if zones else "UTC"


@cache
def _by_folded_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for zone in available_timezones():
        names.setdefault(zone.casefold(), zone)
        names.setdefault(zone.rsplit("/", 1)[-1].replace("_", " ").casefold(), zone)
    return names


def parse_zone(text: str) -> str | None:
    """An IANA zone from its name ("Europe/Riga") or its city ("riga", "New York")."""
    zone = _by_folded_name().get(text.strip().casefold())
    if zone is None:
        return None
    ZoneInfo(zone)  # proves the zone data is installed
    return zone
