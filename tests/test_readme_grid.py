"""The README's grid picture is what the Slack renderer draws (regenerate: python -m tests.readme_grid)."""

from __future__ import annotations

from tests.readme_grid import picture, readme_picture


def test_the_readme_grid_picture_is_drawn_by_the_renderer() -> None:
    assert readme_picture() == picture(), "run .venv/bin/python -m tests.readme_grid to redraw it"


def test_the_picture_is_a_table_with_short_names_and_no_split_cells() -> None:
    lines = picture().split("\n")
    assert "> | Område | Samlat | Polis | SDF | Bostadsbolaget | Väktarbolaget | Skolan |" in lines
    assert "> | Vällingby | 🟪5‼↑ ⚠️ | 🟥4💬 | 🟨2 | 🟪5‼ | ⬜– | ⬜– |" in lines
