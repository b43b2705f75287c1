"""Time zones guessed from a country and read from what a teacher types
(bot/rules/timezones.py)."""

from __future__ import annotations

import pytest

from bot.rules.timezones import guess_zone, parse_zone, zones_of


def test_the_mainland_zone_comes_first():
    assert zones_of("pt") == ["Europe/Lisbon", "Atlantic/Azores", "Atlantic/Madeira"]
    assert zones_of("ES")[0] == "Europe/Madrid"
    assert zones_of("LV") == ["Europe/Riga"]


def test_the_guess_is_the_first_zone_and_utc_without_a_country():
    assert guess_zone("PT") == "Europe/Lisbon"
    assert guess_zone(None) == "UTC"
    assert guess_zone("XX") == "UTC"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Riga", "Europe/Riga"),
        ("europe/vilnius", "Europe/Vilnius"),
        ("Rīga", "Europe/Riga"),
        ("riga", "Europe/Riga"),
        ("Lisabona", "Europe/Lisbon"),  # Latvian and Lithuanian city names (CLDR)
        ("Viļņa", "Europe/Vilnius"),
        ("New York", "America/New_York"),
    ],
)
def test_a_zone_is_read_from_its_name_or_its_city(typed: str, zone: str):
    assert parse_zone(typed) == zone


def test_an_unknown_place_is_no_zone():
    assert parse_zone("Atlantis") is None
