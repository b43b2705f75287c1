"""Country names in the teacher's language (Babel's CLDR data), flags and parsing."""

from __future__ import annotations

from functools import cache

from babel import Locale

from bot.i18n import LANGUAGES, fold

# The countries most teams come from first; everything else is typed by name or code.
COMMON = ("LV", "LT", "EE", "PL", "FI", "DE", "IT", "ES", "PT", "TR", "GR", "RO")


def country_name(code: str, lang: str) -> str:
    return Locale.parse(lang).territories.get(code, code)


def flag(code: str | None) -> str:
    """The flag emoji of an ISO code (two regional-indicator letters)."""
    if not code or len(code) != 2 or not code.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


@cache
def _names() -> dict[str, str]:
    """Folded country name (in lv, lt and en) → ISO code; only real two-letter countries."""
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "ZZ", "QO"}:
                names[fold(name)] = code
    return names


def parse_country(text: str) -> str | None:
    """A country from its ISO code ("lv") or its name in Latvian, Lithuanian or English."""
    folded = fold(text)
    if len(folded) == 2 and folded.upper() in _names().values():
        return folded.upper()
    return _names().get(folded)
