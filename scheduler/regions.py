"""A teacher's region (an ISO 3166-2 code such as "ES-MD"), where their country's school
holidays (the shipped snapshot) or public holidays (the `holidays` package) differ by
region: which countries ask for it, the regions offered, what a typed name means, and
which regional breaks hold for a teacher there."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

import holidays

from bot.i18n import fold
from scheduler import school_data


@dataclass(frozen=True)
class Choice:
    code: str
    names: dict[str, str]  # by language; may be empty (then the code is shown)


@cache
def _package_regions(country: str) -> tuple[Choice, ...]:
    """The `holidays` package's subdivisions, named by their first alias if any."""
    try:
        entity = type(holidays.country_holidays(country))
    except NotImplementedError:
        return ()
    names: dict[str, str] = {}
    for alias, code in entity.subdivisions_aliases.items():
        names.setdefault(code, alias)
    local = school_data.languages(country)[:1] or (entity.default_language or "en",)
    return tuple(
        Choice(f"{country}-{code}", {local[0]: names[code]} if code in names else {})
        for code in entity.subdivisions
    )


def _regional(country: str) -> bool:
    return any(h.regions for h in school_data.school_holidays(country))


@cache
def asks_region(country: str | None) -> bool:
    """Whether school or public holidays differ by region in this country."""
    return bool(country) and (_regional(country or "") or bool(_package_regions(country or "")))


def top_regions(country: str) -> tuple[Choice, ...]:
    """The regions offered as buttons: the snapshot's top level, else the package's."""
    snapshot = tuple(
        Choice(r.code, r.names) for r in school_data.subdivisions(country) if r.parent is None
    )
    return snapshot or _package_regions(country)


def _all(country: str) -> tuple[Choice, ...]:
    every = [Choice(r.code, r.names) for r in school_data.subdivisions(country)]
    return (*every, *_package_regions(country))


def name(country: str, code: str, lang: str) -> str:
    """The region's name in `lang` where the data has it, else its own, else the code."""
    for choice in _all(country):
        if choice.code == code and choice.names:
            own = school_data.languages(country)
            for wanted in (lang, *own):
                if choice.names.get(wanted):
                    return choice.names[wanted]
            return next(iter(choice.names.values()))
    return code


def parse(country: str, text: str) -> str | None:
    """A typed region: its code ("MD", "ES-MD") or a name in any language the data has."""
    wanted = fold(text)
    prefixed = wanted if wanted.startswith(f"{country.lower()}-") else f"{country.lower()}-{wanted}"
    for choice in _all(country):
        if fold(choice.code) == prefixed or wanted in {fold(n) for n in choice.names.values()}:
            return choice.code
    return None


def belongs(region: str | None, country: str | None) -> bool:
    return bool(region and country) and (region or "").startswith(f"{country}-")


@cache
def _lineage(country: str, code: str) -> frozenset[str]:
    """The region and every region it lies in."""
    parents = {r.code: r.parent for r in school_data.subdivisions(country)}
    found = {code}
    while (code := parents.get(code) or "") and code not in found:
        found.add(code)
    return frozenset(found)


@cache
def _children(country: str, code: str) -> frozenset[str]:
    return frozenset(r.code for r in school_data.subdivisions(country) if r.parent == code)


def reaches(country: str, region: str | None, scope: Collection[str]) -> bool:
    """Whether a break for the regions `scope` (empty: nationwide) holds for a teacher in
    `region`: it is for their region or one it lies in, or for every part of their
    region the data divides it into (Trentino's two provinces, a Czech region's districts).
    A break for only some parts is left out: their part is not known."""
    if not scope:
        return True
    if region is None:
        return False
    if _lineage(country, region) & set(scope):
        return True
    parts = _children(country, region)
    return bool(parts) and parts <= set(scope)
