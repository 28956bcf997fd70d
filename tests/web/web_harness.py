"""The real HTTP app (Slack routes and the web view) on 127.0.0.1, a fake Slack that signs people in, and
Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy.engine import Engine

from bot.http import wsgi_app
from bot.settings import Settings
from bot.slack.app import create_app
from bot.web.app import make_web_app, web_config
from tests import slack_harness as h
from tests.fake_slack import FakeSlack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WEB_SECRET = "test-web-secret-0123456789-abcdefghijklmnop"
CLIENT_ID, CLIENT_SECRET = "1234567890.0987654321", "test-client-secret"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


class Clock:
    """The server's time, moved by the test (never slept)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Keep test output quiet."""


@dataclass
class Site:
    """A running server: its address, its clock, the Bolt app (for signed Slack requests) and the fake Slack."""

    url: str
    clock: Clock
    app: object
    fake: FakeSlack
    settings: Settings


def start_site(engine: Engine, fake: FakeSlack, clock: Clock, *, secret: str | None = WEB_SECRET):
    """Serve wsgi_app (Slack + web view) on 127.0.0.1:<free port>; returns (Site, server)."""
    server = make_server("127.0.0.1", 0, lambda environ, start: [], server_class=_Server, handler_class=_Quiet)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = Settings(signing_secret=h.SECRET, slack_api_url=fake.url, web_secret=secret, web_base_url=base,
                        signin_client_id=CLIENT_ID, signin_client_secret=CLIENT_SECRET)
    fake.openid.register(CLIENT_ID, CLIENT_SECRET, f"{base}/storbild/logga-in/klar")
    app = create_app(settings, engine=engine, clock=clock, authorize=h.authorize)
    server.set_app(wsgi_app(app, web=make_web_app(web_config(settings), engine, clock)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return Site(base, clock, app, fake, settings), server


@pytest.fixture
def site(engine: Engine, workspace_id: int) -> Iterator[Site]:
    """The test collaboration served over HTTP, with the fake Slack signing people in."""
    from tests.conftest import NOW  # conftest imports this module (for `browser`)

    with FakeSlack() as fake:
        running, server = start_site(engine, fake, Clock(NOW))
        yield running
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (Playwright's own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or __import__("os").path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: apt-get install -y chromium (python3 run.py test does it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def desktop(browser):
    """A fresh browser context at 1920×1080 (no cookies)."""
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh browser context at a phone's width (390 px)."""
    context = browser.new_context(viewport=PHONE, locale="sv-SE", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def sign_in(page, site: Site, user: str, *, team: str = h.TEAM, start: str = "/storbild/") -> None:
    """Sign in through the real flow: the page, the button, the fake Slack's authorize page, the callback."""
    site.fake.openid.sign_in_as(team, user)
    page.goto(site.url + start)
    page.get_by_role("link", name="Logga in med Slack").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA rules and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
    return [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
            for v in result.response["violations"]]
