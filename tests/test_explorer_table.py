"""The README's explorer table lists every explorer of nnedu.viz with a picture that exists."""

import re
from pathlib import Path

from nnedu import viz

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXPLORERS = [name for name in viz.__all__ if name.endswith("_explorer") or name == "playground"]


def test_every_explorer_is_in_the_table_with_its_picture():
    table = README.split("## The explorers", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `viz\.(\w+)` \|", table, re.MULTILINE)
    assert sorted(listed) == sorted(EXPLORERS)
    for picture in re.findall(r'<img src="([^"]+)"', table):
        assert (ROOT / picture).stat().st_size > 10_000, f"{picture} is missing or empty"


def test_the_screenshot_script_draws_every_listed_explorer():
    script = (ROOT / "scripts" / "explorer_screenshots.py").read_text(encoding="utf-8")
    drawn = set(re.findall(r"viz\.(\w+)\(", script))
    assert drawn == set(EXPLORERS)
