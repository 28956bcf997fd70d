"""The console sends nothing to Slack and leaves nothing a later start would send; it says what it did not send."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.console.repl import run_console
from bot.jobs.outbox_worker import Deliverer, outbox_client
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.conftest import NOW
from tests.fake_slack import FakeSlack


@pytest.fixture
def fake():
    with FakeSlack() as slack:
        yield slack


def console(engine, workspace_id: int, user: str, lines: str) -> str:
    out = io.StringIO()
    assert run_console(engine, workspace_id=workspace_id, user_id=user, stdin=io.StringIO(lines), stdout=out,
                       clock=lambda: NOW, color=False, interactive=False) == 0
    return out.getvalue()


def start_later(engine, fake: FakeSlack) -> None:
    """A real start after the console: the outbox is delivered, now and over the next hours."""
    worker = Deliverer(engine, outbox_client("xoxb-test", fake.url), clock=lambda: NOW)
    for minutes in (0, 1, 20, 60, 24 * 60):
        worker.run_once(now=NOW + timedelta(minutes=minutes))


def rows(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(r.key, r.status) for r in session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]


def test_a_critical_event_and_a_summary_in_the_console_are_never_sent_later(engine, workspace_id, fake):
    out = console(engine, workspace_id, "U0POL1", "/handelse Vällingby skjutning skott mot port\n")
    assert "Larmet skickades inte – konsolen skickar inget till chatten." in out
    assert "larm skickas till" not in out and "registrerad: Skjutning i Vällingby" in out
    out = console(engine, workspace_id, "U0COORD", "/veckolage publicera v47\n")
    assert "Sammanfattningen postades inte – konsolen skickar inget till chatten." in out and "publiceras i" not in out
    assert rows(engine) == []  # nothing queued: the clock can still claim and post the week's summary for real
    start_later(engine, fake)
    assert fake.calls == []


def test_changing_a_real_alert_in_the_console_does_not_update_it_later(engine, workspace_id, chat, fake):
    reply = chat("U0POL1", "/handelse Vällingby skjutning skott mot port")  # reported in Slack: a real alert
    number = reply.title.split("#")[1].split()[0]
    start_later(engine, fake)
    posted = len(fake.calls)
    assert fake.calls_to("chat.postMessage") and rows(engine)[0][1] == outbox.SENT
    before = rows(engine)
    out = console(engine, workspace_id, "U0POL1", f"/handelse ändra {number} beskrivning skott mot porten\n")
    assert "Larmet i chatten uppdaterades inte – konsolen skickar inget till chatten." in out and "uppdateras." not in out
    assert rows(engine) == before
    start_later(engine, fake)
    assert len(fake.calls) == posted and not fake.calls_to("chat.update")
