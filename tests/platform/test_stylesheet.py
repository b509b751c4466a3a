"""The stylesheets' blocks are balanced and no rule sits by mistake inside a media query: a
lost closing brace silently limits every later rule to phones. The design system's promises
hold: nothing loads from another origin, keyboard focus is visible, disabled buttons look
disabled, and wide tables scroll inside their wrapper."""

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
CSS = CSS_DIR / "app.css"
SHEETS = [CSS, CSS_DIR / "admin.css"]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.name)
def test_blocks_balance_and_media_queries_hold_only_indented_rules(sheet):
    depth, problems = 0, []
    for number, line in enumerate(sheet.read_text().splitlines(), start=1):
        stripped = line.strip()
        if depth and (
            stripped.startswith("@media")
            or (line[:1] not in ("", " ", "}") and not stripped.startswith("/*"))
        ):
            problems.append(f"line {number}: {stripped[:60]}")
        depth += line.count("{") - line.count("}")
        if depth < 0:
            problems.append(f"line {number}: a closing brace too many")
            depth = 0
    assert depth == 0, "a block is never closed"
    assert problems == []


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.name)
def test_nothing_loads_from_another_origin(sheet):
    text = sheet.read_text()
    assert "@import" not in text
    assert re.search(r"url\(\s*['\"]?(https?:)?//", text) is None


def _rules(selector_part: str) -> list[str]:
    """The declarations of every rule whose selector list mentions `selector_part`."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    return [
        body for head, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text) if selector_part in head
    ]


def test_design_tokens_focus_and_disabled_buttons():
    root = " ".join(_rules(":root"))
    for token in ("--brand", "--fg", "--muted", "--danger", "--radius", "--space-4", "--font"):
        assert f"{token}:" in root, token
    assert "Noto Sans CJK SC" in root  # Chinese text gets a real face, not a fallback box
    assert any("outline" in body for body in _rules(":focus-visible"))
    disabled = _rules("button:disabled")
    assert disabled and all("cursor:not-allowed" in body for body in disabled)
    assert any("cursor:not-allowed" in body for body in _rules("[aria-disabled=true]"))
    assert any("overflow" in body for body in _rules(".table-wrap"))
    assert any("position:sticky" in body for body in _rules(".table thead th"))
