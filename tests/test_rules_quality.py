"""The quality self-check's arithmetic called with plain values (bot/rules/quality.py):
the project's kind is a plain string, so the rule needs nothing from storage."""

import pytest

from bot.rules.quality import NATIONAL, UNDECIDED, Reason, Scores, assess
from storage.teams import ProjectType

TOP = Scores(5, 5, 5, (True,) * 5, (True,) * 5)


def test_the_plain_kinds_are_the_storage_kinds():
    assert ProjectType.NATIONAL == NATIONAL and ProjectType.UNDECIDED == UNDECIDED


@pytest.mark.parametrize(
    ("kind", "reasons"),
    [
        ("international", ()),
        (NATIONAL, (Reason.NATIONAL,)),
        (UNDECIDED, (Reason.UNDECIDED,)),
        (ProjectType.NATIONAL, (Reason.NATIONAL,)),
    ],
)
def test_only_an_international_project_can_get_the_label(kind: str, reasons: tuple[Reason, ...]):
    result = assess(TOP, kind)
    assert result.total == 25 and result.reasons == reasons
    assert result.certificate == (not reasons)


def test_scores_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        Scores(0, 5, 5, (True,) * 5, (True,) * 5)
    with pytest.raises(ValueError):
        Scores(5, 5, 5, (True,) * 4, (True,) * 5)
