"""Countries as a teacher types them and as a screen shows them (bot/rules/countries.py)."""

from __future__ import annotations

import pytest

from bot.rules.countries import COMMON, country_name, flag, parse_country


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("lv", "LV"),  # an ISO code, any case
        ("Latvija", "LV"),  # Latvian
        ("Lietuva", "LT"),  # Lithuanian
        ("lithuania", "LT"),  # English, any case
        ("Vācija", "DE"),  # diacritics as typed
        ("  LATVIA ", "LV"),  # spaces around
    ],
)
def test_a_country_is_read_from_its_code_or_its_name_in_three_languages(typed: str, code: str):
    assert parse_country(typed) == code


@pytest.mark.parametrize("typed", ["EU", "zz", "Narnia", "Lettland"])
def test_groupings_unknown_codes_and_other_languages_are_not_countries(typed: str):
    assert parse_country(typed) is None


def test_names_in_the_readers_language_and_the_code_when_unknown():
    assert country_name("LV", "lv") == "Latvija"
    assert country_name("LT", "lt") == "Lietuva"
    assert country_name("DE", "en") == "Germany"
    assert country_name("XX", "en") == "XX"


def test_a_flag_only_for_a_two_letter_code():
    assert flag("lv") == "🇱🇻"
    assert [flag(None), flag(""), flag("L1"), flag("LVA")] == ["", "", "", ""]


def test_every_common_country_reads_back_from_its_own_code():
    assert all(parse_country(code) == code for code in COMMON)
