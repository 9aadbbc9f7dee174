"""The README documents every setting the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_the_readme() -> None:
    source = (ROOT / "server" / "shareback" / "settings.py").read_text()
    names = {"SHAREBACK_" + name for name in re.findall(r'config\(\s*"([A-Z_]+)"', source)}
    assert len(names) >= 10
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    head = readme[: readme.index("## ")]
    assert "shareback demo" in head and "scripts/test" in head
