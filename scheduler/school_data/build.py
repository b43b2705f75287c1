"""Build the shipped school-holiday snapshot from the OpenHolidays source data (ODbL).

    python -m scheduler.school_data.build /path/to/openholidays [out.json.gz]

Reads `src/<cc>/holidays/holidays.school*.csv`, `src/<cc>/subdivisions.csv`,
`src/<cc>/groups.csv` and `src/countries.csv` (semicolon-separated, each file with its own
column order) and writes one compact gzip JSON file. Kept: school holidays (type School)
ending on or after SINCE, nationwide or for named regions; left out: single-school
("Local") days, back-to-school and end-of-lessons days. Regions are written with their
ISO 3166-2 code where one exists, else the OpenHolidays code ("FR-ZA"). A break for a
group of regions (the Netherlands' north/middle/south) is written for the provinces in
that group; Belgium's communities, which have no ISO code, become regions of their own
("BE-NL"). The output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

SINCE = "2024-08-01"  # the 2024/25 school year onwards: older breaks plan nothing
OUT = Path(__file__).with_name("school_holidays.json.gz")

Row = dict[str, str]


def _rows(path: Path) -> list[Row]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(f, delimiter=";")
        ]


def _names(text: str) -> dict[str, str]:
    """ "LT Žiemos atostogos,EN Christmas Holidays" → {"lt": …, "en": …} (%2C is a comma)."""
    names: dict[str, str] = {}
    for pair in text.split(","):
        lang, _, name = pair.strip().partition(" ")
        if lang and name.strip():
            names.setdefault(lang.lower(), name.strip().replace("%2C", ","))
    return names


def _day(text: str) -> str:
    """An ISO date, also from the source's odd "2029-04-4"."""
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day).isoformat()


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _country(src: Path, cc: str) -> dict[str, Any]:
    """One country's regions and school holidays."""
    folder = src / cc.lower()
    subdivisions = {r["ShortName"]: r for r in _rows(folder / "subdivisions.csv")}
    groups = {r["ShortName"]: r for r in _rows(folder / "groups.csv")}

    def code(short: str) -> str:
        row = subdivisions[short]
        return row.get("IsoCode") or row["Code"]

    def in_group(group: str) -> list[str]:
        return [
            code(s)
            for s, row in subdivisions.items()
            if not row.get("Parent") and group in _codes(row.get("Groups", ""))
        ]

    breaks: dict[tuple[str, str, str], set[str]] = {}
    names: dict[str, dict[str, str]] = {}
    used: set[str] = set()
    for path in sorted((folder / "holidays").glob("holidays.school*.csv")):
        for row in _rows(path):
            start = _day(row["StartDate"])
            end = _day(row.get("EndDate") or start)
            if row["Type"] != "School" or end < SINCE or row["RegionalScope"] == "Local":
                continue
            regions: list[str] = []
            if row["RegionalScope"] != "National":
                subs = _codes(row.get("Subdivisions", ""))
                if subs:
                    regions = [code(s) for s in subs if s in subdivisions]
                    used.update(s for s in subs if s in subdivisions)
                elif subdivisions:  # a group of provinces
                    regions = [c for g in _codes(row.get("Groups", "")) for c in in_group(g)]
                else:  # communities without ISO codes
                    regions = [f"{cc}-{g}" for g in _codes(row.get("Groups", "")) if g in groups]
                if not regions:
                    continue
            name = _names(row["Name"])
            key = json.dumps(name, ensure_ascii=False, sort_keys=True)
            names[key] = name
            scope = breaks.setdefault((start, end, key), set())
            scope.update(regions or [""])
    # the regions asked about (top level) and those any break names, with their parents
    wanted = {s for s, r in subdivisions.items() if not r.get("Parent")} | used
    for short in list(used):
        at = short
        while parent := subdivisions[at].get("Parent"):
            wanted.add(parent)
            at = parent
    regions_out = [
        [
            code(s),
            code(r["Parent"]) if r.get("Parent") else None,
            _names(r["Category"]),
            _names(r["Name"]),
        ]
        for s, r in subdivisions.items()
        if s in wanted
    ]
    if not subdivisions:
        regions_out = [
            [f"{cc}-{g}", None, _names(r["Category"]), _names(r["Name"])] for g, r in groups.items()
        ]
    aliases = {
        r["Code"]: code(s)
        for s, r in subdivisions.items()
        if r.get("IsoCode") and r["Code"] != code(s)
    }
    return {
        "regions": sorted(regions_out, key=lambda r: r[0]),
        "aliases": dict(sorted(aliases.items())),
        "breaks": [
            [start, end, names[key], sorted(scope - {""}) if "" not in scope else []]
            for (start, end, key), scope in sorted(breaks.items())
        ],
    }


def build(root: Path) -> dict[str, Any]:
    src = root / "src"
    countries: dict[str, Any] = {}
    for row in _rows(src / "countries.csv"):
        cc = row["IsoCode"]
        data = _country(src, cc)
        if data["breaks"] or data["regions"]:
            languages = [lang.lower() for lang in _codes(row["OfficialLanguages"])]
            countries[cc] = {"languages": languages, **data}
    snapshot = (root / "SNAPSHOT.md").read_text(encoding="utf-8")
    commit = snapshot.split("at commit ", 1)[1].split(" ", 1)[0]
    return {
        "version": commit,  # the source data's commit: a new one is seeded again
        "credit": "OpenHolidays API (openholidaysapi.org), ODbL",
        "since": SINCE,
        "countries": countries,
    }


def write(data: dict[str, Any], out: Path) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0: the same data gives the same bytes, so a rebuild shows no change in git
    out.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    out = Path(argv[1]) if len(argv) > 1 else OUT
    write(build(Path(argv[0])), out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
