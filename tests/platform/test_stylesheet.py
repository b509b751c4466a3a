"""The stylesheet's blocks are balanced and no rule sits by mistake inside a media query: a
lost closing brace silently limits every later rule to phones."""

from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def test_blocks_balance_and_media_queries_hold_only_indented_rules():
    depth, problems = 0, []
    for number, line in enumerate(CSS.read_text().splitlines(), start=1):
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
