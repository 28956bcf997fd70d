"""The README's picture of the storbild is the page as it is now (tests/web/storbild_screenshot.py made it)."""

from __future__ import annotations

from PIL import Image

from tests.web.storbild_screenshot import PNG, kiosk_page, stamped_hash


def test_the_readme_screenshot_shows_the_storbild_as_it_renders_now() -> None:
    assert PNG.exists(), "run .venv/bin/python -m tests.web.storbild_screenshot"
    assert Image.open(PNG).size == (1920, 1080)
    digest, _ = kiosk_page(shoot=False)
    assert stamped_hash() == digest, "the storbild changed: run .venv/bin/python -m tests.web.storbild_screenshot"
    assert "docs/storbild.png" in (PNG.parent.parent / "README.md").read_text(encoding="utf-8")
