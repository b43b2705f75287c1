"""The guide's content (bot/guide) stands on its own: each module imports only the
standard library and the translation markers, says which part of the guide it is, and
its keys, which the database stores, are unique."""

import ast
import sys
from pathlib import Path

import pytest

from bot.guide import agreements, partners, plan, quality, quiz, risks, stages, twinspace

GUIDE = Path(__file__).parent.parent / "bot" / "guide"
ALLOWED = {"bot.i18n"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(GUIDE.glob("*.py")), ids=lambda p: p.name)
def test_a_guide_module_imports_only_the_markers_and_the_standard_library(path: Path):
    for name in imported(path):
        top = name.split(".")[0]
        assert name in ALLOWED or top in sys.stdlib_module_names, f"{path.name}: {name}"
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


def test_the_stored_keys_are_unique():
    groups = {
        "steps": [step.key for stage in stages.STAGES for step in stage.steps],
        "twinspace": [key for part in twinspace.PARTS for key, _text in part.items],
        "parts": [part.key for part in twinspace.PARTS],
        "risks": [risk.key for risk in risks.RISKS],
        "sections": [section.key for section in plan.SECTIONS],
        "quiz": [w.key for w in quiz.WORDS] + [s.key for s in quiz.SCALES],
        "partners": [q.key for q in partners.QUESTIONS],
        "topics": [topic.key for topic in agreements.TOPICS],
        "quality": [question.key for question in quality.QUESTIONS],
    }
    for name, keys in groups.items():
        assert len(keys) == len(set(keys)), name


def test_the_guide_counts():
    """The numbers the guide and the bot's texts name ("eleven risks", "seven stages")."""
    assert len(stages.STAGES) == 7 and len(risks.RISKS) == 11
    assert (len(quiz.WORDS), len(quiz.SCALES)) == (11, 9)
    assert len(partners.QUESTIONS) == 7 and len(agreements.TOPICS) == 15
    assert len(quality.QUESTIONS) == 13 and set(quality.SHORT) == {q.key for q in quality.QUESTIONS}
    assert [s.key for s in plan.SECTIONS] == ["goal", "product", "collab", "activity", "title"]
