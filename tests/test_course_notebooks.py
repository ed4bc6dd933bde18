"""The grader over the course's own notebooks.

Every exercise notebook, as generated, scores zero with "not attempted yet" on every
exercise (blank work never crashes the grader); every solution notebook scores full marks.
The two classes are two pytest-xdist scopes, so exercises and solutions grade in parallel.
"""

from pathlib import Path

import pytest

from nnedu.checks._core import load_chapter
from nnedu.course.grade import grade_notebook

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_every_solution_has_its_exercise_notebook():
    assert SOLUTIONS, "no solution notebooks found"
    assert [p.name for p in EXERCISES] == [p.name for p in SOLUTIONS]


class TestBlankExercises:
    @pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
    def test_blank_exercises_score_zero_and_say_not_attempted(self, path):
        records = grade_notebook(path, timeout=300)
        expected = load_chapter(path.name[:2])
        assert [r["exercise"] for r in records] == list(expected)
        assert len(expected) >= 4, "a chapter has at least 4 checked exercises"
        for record in records:
            assert record["points"] == 0, record
            assert record["passed"] is False, record
            assert "not attempted yet" in record["message"], record


class TestSolutions:
    @pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
    def test_solutions_score_full_marks(self, path):
        records = grade_notebook(path, timeout=300)
        expected = load_chapter(path.name[:2])
        assert [r["exercise"] for r in records] == list(expected)
        for record in records:
            assert record["passed"] is True, record
            assert record["points"] == record["max_points"] == expected[record["exercise"]]
