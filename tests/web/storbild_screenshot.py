"""The README's screenshot of the storbild: `.venv/bin/python -m tests.web.storbild_screenshot` writes docs/storbild.png.

The wall as a kiosk link shows it at 1920×1080: 20 areas × 10 partners with long names, an unacknowledged
shooting, a missing partner. The PNG carries the SHA-256 of the page's HTML, CSS and script; tests/web/test_web_screenshot.py
renders the page again and fails when the HTML changed and the picture was not made again.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

from PIL import Image
from PIL.PngImagePlugin import PngInfo

PNG = Path(__file__).resolve().parents[2] / "docs" / "storbild.png"
HASH_KEY = "veckolage-html-sha256"


def kiosk_page(shoot: bool) -> tuple[str, bytes | None]:
    """(SHA-256 of the kiosk page's HTML, the 1920×1080 screenshot when `shoot`) on a fresh SQLite database."""
    from bot.web.app import kiosk_url, web_config
    from commands.storbild.kiosk import create_kiosk_link
    from storage import migrate
    from storage.db import make_engine, session_scope
    from tests.conftest import NOW, Chat
    from tests.fake_slack import FakeSlack
    from tests.web.web_harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Clock, start_site
    from tests.web.web_scale import COORD, fill, report_shooting

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/storbild.db")
        migrate.upgrade(engine)
        workspace = fill(engine)
        report_shooting(Chat(engine, workspace))
        with FakeSlack() as fake:
            site, server = start_site(engine, fake, Clock(NOW + timedelta(hours=1)))
            try:
                with session_scope(engine) as session:
                    link = create_kiosk_link(session, workspace_id=workspace, timezone="Europe/Stockholm",
                                             user_id=COORD, now=site.clock.now, days=7)
                url = kiosk_url(web_config(site.settings), link)
                digest = hashlib.sha256()
                for address in (url, f"{site.url}/storbild/stil.css", f"{site.url}/storbild/uppdatera.js"):
                    with urlopen(address) as answer:  # the page, its style and its script: what the picture shows
                        digest.update(answer.read())
                digest = digest.hexdigest()
                png = _shoot(url, CHROMIUM, CHROMIUM_ARGS, DESKTOP) if shoot else None
            finally:
                server.shutdown()
                server.server_close()
        engine.dispose()
    return digest, png


def _shoot(url: str, chromium: str, args: list[str], viewport: dict) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_context(viewport=viewport, locale="sv-SE").new_page()
        page.goto(url)
        shot = page.screenshot()
        browser.close()
    return shot


def stamped_hash(path: Path = PNG) -> str | None:
    """The HTML hash the committed picture was made from."""
    return Image.open(path).text.get(HASH_KEY) if path.exists() else None


def main() -> int:
    """Make docs/storbild.png."""
    digest, shot = kiosk_page(shoot=True)
    info = PngInfo()
    info.add_text(HASH_KEY, digest)
    out = io.BytesIO()
    Image.open(io.BytesIO(shot)).save(out, format="PNG", pnginfo=info, optimize=True)
    PNG.parent.mkdir(exist_ok=True)
    PNG.write_bytes(out.getvalue())
    print(f"{PNG} ({len(out.getvalue()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
