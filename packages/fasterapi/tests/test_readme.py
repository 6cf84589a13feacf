"""The package README stays true: its list of public names is `FasterAPI.__all__`."""

from __future__ import annotations

import re
from pathlib import Path

import FasterAPI

README = Path(__file__).resolve().parents[1] / "README.md"
CHANGELOG = README.with_name("CHANGELOG.md")


def test_readme_lists_exactly_the_public_names() -> None:
    text = README.read_text()
    section = text.split("<!-- public-names:start -->")[1].split("<!-- public-names:end -->")[0]
    listed = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    assert listed == sorted(listed)
    assert tuple(listed) == FasterAPI.__all__


def test_readme_documents_every_command() -> None:
    text = README.read_text()
    for command in ("fasterapi run", "fasterapi dev", "fasterapi routes", "--server granian"):
        assert command in text


def test_changelog_top_entry_is_this_version() -> None:
    entries = re.findall(
        r"^## (\S+) — (\d{4}-\d{2}-\d{2})$", CHANGELOG.read_text(), flags=re.MULTILINE
    )
    assert entries[0] == (FasterAPI.__version__, "2026-11-24")
