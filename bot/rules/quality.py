"""The eTwinning quality criteria as arithmetic (the guide's "Quality criteria"): five
criteria of up to 5 points, and the rules for the National Quality Label (NQL). Pure, so
every threshold is tested without Telegram or a database; /quality turns the result into
words (handlers/quality.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_POINTS = 5  # per criterion
MAX_TOTAL = 25
LABEL_TOTAL = 13  # the NQL needs at least this many of the 25 points
# The guide's glossary: at least 3 points in each exclusionary criterion; its criteria
# page: collaboration at levels 1–2 and ICT without conditions 1 and 2 get no label.
# The two pages do not contradict each other, so both hold: ICT needs conditions 1
# and 2 and at least 3 points (the stricter reading; a self-check should never promise
# a label that one page of the guide refuses).
LABEL_EXCLUSIONARY = 3
LABEL_COLLABORATION = LABEL_EXCLUSIONARY  # criterion 3, a level 1–5
LABEL_ICT = LABEL_EXCLUSIONARY  # criterion 4, one point per condition
CERTIFICATE_TOTAL = 18  # professional-development certificate; also the EQL threshold
EQL_COUNTRIES = 2  # the European Quality Label needs NQLs from this many countries
LABELS_PER_YEAR = 4  # NQLs one teacher can get in a school year

Conditions = tuple[bool, ...]  # five each, checked in Scores
# A project's kind as storage.teams.ProjectType names it (a StrEnum, so its members compare
# equal to these): both founders in one country, or no second founder yet.
NATIONAL, UNDECIDED = "national", "undecided"


class Criterion(StrEnum):
    """The five criteria, in the guide's order."""

    PUPILS = "pupils"  # pedagogical approach: the pupils' role
    CURRICULUM = "curriculum"
    COLLABORATION = "collaboration"
    ICT = "ict"
    RESULTS = "results"


class Reason(StrEnum):
    """Why a project could not get the NQL; stable values, worded by the handler."""

    NATIONAL = "national"  # both founders in one country: no labels at all
    UNDECIDED = "undecided"  # no second founder yet, so not (yet) international
    TOTAL = "total"  # fewer than LABEL_TOTAL points
    COLLABORATION = "collaboration"  # criterion 3 below LABEL_COLLABORATION
    ICT_SAFETY = "ict_safety"  # ICT condition 1 (online safety) not met
    ICT_PUPILS = "ict_pupils"  # ICT condition 2 (pupils use ICT themselves) not met
    ICT_POINTS = "ict_points"  # fewer than LABEL_ICT ICT points


@dataclass(frozen=True)
class Scores:
    """One teacher's self-assessment: three levels 1–5 and two sets of five conditions
    (one point each; ICT conditions 1 and 2 are exclusionary)."""

    pupils: int
    curriculum: int
    collaboration: int
    ict: Conditions
    results: Conditions

    def __post_init__(self) -> None:
        levels = (self.pupils, self.curriculum, self.collaboration)
        if any(not 1 <= level <= MAX_POINTS for level in levels):
            raise ValueError(f"levels must be 1–{MAX_POINTS}: {levels}")
        if len(self.ict) != MAX_POINTS or len(self.results) != MAX_POINTS:
            raise ValueError("ICT and results have five conditions each")

    def points(self) -> dict[Criterion, int]:
        return {
            Criterion.PUPILS: self.pupils,
            Criterion.CURRICULUM: self.curriculum,
            Criterion.COLLABORATION: self.collaboration,
            Criterion.ICT: sum(self.ict),
            Criterion.RESULTS: sum(self.results),
        }


@dataclass(frozen=True)
class Assessment:
    points: dict[Criterion, int]
    total: int
    reasons: tuple[Reason, ...]  # empty when the project could get the NQL
    certificate: bool  # eligible with at least CERTIFICATE_TOTAL points
    weakest: tuple[Criterion, ...]  # the lowest-scored criteria (ties all), none at full marks

    @property
    def eligible(self) -> bool:
        return not self.reasons


def assess(scores: Scores, project_type: str) -> Assessment:
    """Points, total and the NQL verdict with every reason against it (not just the
    first), so a teacher sees all that stands between the project and the label."""
    points = scores.points()
    total = sum(points.values())
    reasons: list[Reason] = []
    if project_type == NATIONAL:
        reasons.append(Reason.NATIONAL)
    elif project_type == UNDECIDED:
        reasons.append(Reason.UNDECIDED)
    if total < LABEL_TOTAL:
        reasons.append(Reason.TOTAL)
    if scores.collaboration < LABEL_COLLABORATION:
        reasons.append(Reason.COLLABORATION)
    if not scores.ict[0]:
        reasons.append(Reason.ICT_SAFETY)
    if not scores.ict[1]:
        reasons.append(Reason.ICT_PUPILS)
    if points[Criterion.ICT] < LABEL_ICT:
        reasons.append(Reason.ICT_POINTS)
    lowest = min(points.values())
    weakest = tuple(c for c, p in points.items() if p == lowest) if lowest < MAX_POINTS else ()
    return Assessment(
        points=points,
        total=total,
        reasons=tuple(reasons),
        certificate=not reasons and total >= CERTIFICATE_TOTAL,
        weakest=weakest,
    )
