"""The shipped snapshot of OpenHolidays school holidays (ODbL; NOTICE.md, LICENSE-ODbL.md),
so a fresh install and the offline console know every covered country's breaks without
the network. build.py makes the data file from the source CSVs; this module reads it once."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

DATA_FILE = "school_holidays.json.gz"
CREDIT = "OpenHolidays API (openholidaysapi.org), ODbL"


@dataclass(frozen=True)
class Region:
    """A subdivision: its ISO 3166-2 code (else the OpenHolidays code), the code of the
    region it lies in (None at the top), and its category and names by language."""

    code: str
    parent: str | None
    category: dict[str, str]
    names: dict[str, str]


@dataclass(frozen=True)
class SchoolHoliday:
    """A break, both ends inclusive; `regions` empty when it is nationwide."""

    start: date
    end: date
    names: dict[str, str]
    regions: tuple[str, ...]


@cache
def _data() -> dict[str, Any]:
    raw = files(__package__).joinpath(DATA_FILE).read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


def _country(country: str) -> dict[str, Any]:
    found: dict[str, Any] = _data()["countries"].get(country.upper(), {})
    return found


def version() -> str:
    """The source data's commit: the database is seeded again when it changes."""
    return str(_data()["version"])


def countries() -> frozenset[str]:
    """The countries with school holidays in the snapshot."""
    return frozenset(cc for cc, c in _data()["countries"].items() if c["breaks"])


def languages(country: str) -> tuple[str, ...]:
    """The country's official languages, its first (own) language first."""
    return tuple(_country(country).get("languages", ()))


@cache
def subdivisions(country: str) -> tuple[Region, ...]:
    return tuple(
        Region(c, p, cat, names) for c, p, cat, names in _country(country).get("regions", [])
    )


@cache
def school_holidays(country: str) -> tuple[SchoolHoliday, ...]:
    return tuple(
        SchoolHoliday(date.fromisoformat(s), date.fromisoformat(e), names, tuple(regions))
        for s, e, names, regions in _country(country).get("breaks", [])
    )


def own_name(names: dict[str, str], country: str) -> str:
    """A break's name in the country's own language, else English, else any."""
    for lang in (*languages(country), "en"):
        if names.get(lang):
            return names[lang]
    return next(iter(names.values()), "")


def code_of(country: str, code: str) -> str:
    """Our code of a region as the OpenHolidays API names it ("IT-LO" → "IT-25")."""
    aliases: dict[str, str] = _country(country).get("aliases", {})
    return aliases.get(code, code)


def stored_rows() -> list[tuple[str, date, date, str, str | None]]:
    """Every break as stored: (country, start, end, name in the country's own language,
    region or None), one row per region."""
    return [
        (country, h.start, h.end, own_name(h.names, country), region)
        for country in sorted(countries())
        for h in school_holidays(country)
        for region in (h.regions or (None,))
    ]
