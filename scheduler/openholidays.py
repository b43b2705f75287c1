"""Client of the OpenHolidays API (https://openholidaysapi.org, open data under ODbL):
school holidays per country. The address is a setting, so tests and self-hosters can
point it elsewhere; the answers are cached in the database and refreshed weekly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

CREDIT = "School holidays: OpenHolidays API (openholidaysapi.org), ODbL"


@dataclass(frozen=True)
class Holiday:
    start: date
    end: date  # inclusive, as the API gives it
    name: str
    subdivisions: tuple[str, ...]  # empty when nationwide


def _name(names: list[dict[str, Any]], lang: str) -> str:
    by_lang = {n.get("language", "").lower(): n.get("text", "") for n in names}
    return by_lang.get(lang.lower()) or by_lang.get("en") or next(iter(by_lang.values()), "")


async def school_holidays(
    client: httpx.AsyncClient, base_url: str, country: str, *, start: date, end: date, lang: str
) -> list[Holiday]:
    """School holidays of `country` between `start` and `end` (the API allows three years)."""
    response = await client.get(
        f"{base_url.rstrip('/')}/SchoolHolidays",
        params={
            "countryIsoCode": country,
            "languageIsoCode": lang.upper(),
            "validFrom": start.isoformat(),
            "validTo": end.isoformat(),
        },
        headers={"Accept": "application/json"},
    )
    response.raise_for_status()
    return [
        Holiday(
            start=date.fromisoformat(item["startDate"]),
            end=date.fromisoformat(item["endDate"]),
            name=_name(item.get("name", []), lang),
            subdivisions=()
            if item.get("nationwide", True)
            else tuple(s.get("code", "") for s in item.get("subdivisions") or []),
        )
        for item in response.json()
    ]


async def countries(client: httpx.AsyncClient, base_url: str) -> set[str]:
    """The ISO codes the API covers."""
    response = await client.get(
        f"{base_url.rstrip('/')}/Countries", headers={"Accept": "application/json"}
    )
    response.raise_for_status()
    return {item["isoCode"] for item in response.json()}
