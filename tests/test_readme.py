"""The README's chapter table links every lesson and exercise notebook, with badges that
point at the repository named in pyproject.toml (the one place it is written)."""

import re
from pathlib import Path

import pytest

from nnedu.course.notebooks import badge_line, repository

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINKED = sorted(p.relative_to(ROOT).as_posix()
                for folder in ("notebooks", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", LINKED)
def test_readme_links_the_notebook_with_its_badges(path):
    assert f"]({path})" in README, f"README.md does not link {path}"
    assert badge_line(repository(ROOT), path) in README, f"README.md lacks the badges of {path}"


def test_every_github_address_in_the_readme_is_the_repository():
    repo = repository(ROOT)
    for found in re.findall(r"github(?:\.com)?/([\w.-]+/[\w.-]+)/blob/", README):
        assert found == repo


def test_readme_states_the_two_commands_first():
    first_code_block = README.split("```")[1]
    assert "make lab" in first_code_block and "make test" in first_code_block
