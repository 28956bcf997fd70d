"""Robustness: any text typed after any command, a malformed Slack answer, a database that goes away."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.console.render import plain
from bot.jobs.outbox_worker import Deliverer, Policy
from bot.slack.blocks import render
from commands.core.context import Invocation
from commands.core.reply import EventList, HelpReply, InsatsList, Notice, QuarterReport, Trend, WeekGrid
from commands.core.texts import SV
from commands.registry import COMMANDS, FAMILIES, dispatch
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from storage.models import AgreedLevel, AuditEntry, Event, Insats, OutboxMessage, Priority, Rating, RiskDate
from tests import slack_harness as h
from tests.conftest import NOW, SETUP_TOML, clean

fake_slack = h.fake_slack

SLASHES = tuple(name for f in FAMILIES for name in (f.name, *f.aliases))
PREFIXES = ("", "fastställ ", "lista ", "ändra 1 ", "återkalla ", "trend ", "export ", "år ", "påminnelser ",
            "publicera ", "hoppa-över ", "klar 1 ", "avbryt ", "prioritera ", "kvartal ", "riskdag lägg-till ")
SUBCOMMANDS = tuple(sorted({f"{word} " for c in COMMANDS for word in c.words} - set(PREFIXES)))  # the rest
USERS = ("U0POL1", "U0COORD", "U0ADMIN", "U0NOBODY")  # member, coordinator, admin, stranger
KNOWN_IDS = {"U0POL1", "U0POL2", "U0SDF", "U0BOST", "U0COORD", "U0ADMIN", "C0SUMMARY", "C0ALERTS", "C0TEST"}
RENDERABLE = (Notice, HelpReply, WeekGrid, EventList, Trend, InsatsList, QuarterReport)
WRITTEN = (Rating, AgreedLevel, Event, AuditEntry, OutboxMessage, Insats, Priority, RiskDate)
# Words that reach deeper than random text: areas, levels, weeks, event types, and pings a user might paste.
WORDS = ("Vällingby", "Hässelby gård", "grimsta", "3", "5", "0", "7", "v46", "47", "2026-W47", "förra", "av", "på",
         "skjutning", "stenkastning", "beskrivning", "tid", "22:15", "igår", "csv", "xlsx", "2026", "²", "①", "#1", "1",
         "(torget)", "(", ")", "Polisen", "v48–v51", "v50-48", "2026-Q4", "Q1", ",", "-", "vad", "veckor", "2026-04-30",
         "<!channel>", "<!here>", "<!everyone>", "<@U0COORD>", "<#C0ALERTS>", "&amp;", "\ue000U0EVIL\ue001", "\n")

PHRASES = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=7).map(" ".join)
SAVES = st.tuples(st.sampled_from(("Vällingby", "grimsta", "Hässelby gård", "v47 Grimsta", "Vällingby skjutning")),
                  st.sampled_from(("1", "3", "5")), st.text()).map(" ".join)  # a valid start, arbitrary rest
TEXT = st.one_of(st.text(), PHRASES, SAVES)


def _template(text: str) -> re.Pattern:
    """A catalogue sentence as a pattern: `{area}` and friends match any text."""
    parts = re.split(r"\{[^{}]*\}", text)
    return re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)


TITLES = [_template(text) for text in SV.values()]


def counts(engine) -> tuple[int, ...]:
    """Rows in every table a command may write."""
    with session_scope(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(m)).scalar_one() for m in WRITTEN)


def assert_safe(payload: dict) -> None:
    """No broadcast ping, and every mention or channel link names someone from the set-up."""
    text = json.dumps(payload, ensure_ascii=False)
    assert not re.search(r"<!(channel|here|everyone)", text), text
    assert "<!" not in text, text
    for kind, ident in re.findall(r"<([@#])([^>|]*)", text):
        assert ident in KNOWN_IDS, f"<{kind}{ident}> in {text}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.one_of(st.just(""), st.sampled_from(PREFIXES), st.sampled_from(SUBCOMMANDS)), text=TEXT,
       user=st.one_of(st.just("U0POL1"), st.sampled_from(USERS)))
@example(prefix="", text="Vällingby 3 <!channel> \ue000U0EVIL\ue001 <@U0COORD> &lt;!here&gt;", user="U0POL1")
@pytest.mark.parametrize("slash", SLASHES)
def test_any_text_after_any_command_gets_a_swedish_reply_and_errors_write_nothing(
        engine, workspace_id, slash, prefix, text, user) -> None:
    before = counts(engine)
    with session_scope(engine) as session:
        reply = dispatch(slash, prefix + text, Invocation(workspace_id, user, NOW, "C0TEST"), session)
    assert reply is not None
    if isinstance(reply, Notice):
        title = plain(reply.title)
        assert any(p.fullmatch(title) for p in TITLES), f"title not from the Swedish catalogue: {reply.title!r}"
        if reply.tone == "error":
            assert counts(engine) == before, f"an error reply wrote rows: {reply}"
    if isinstance(reply, RENDERABLE):
        assert_safe(render(reply))


@pytest.mark.parametrize(("user", "line"), [
    ("U0POL1", "/veckolage år ²"),
    ("U0POL1", "/veckolage trend Vällingby ²"),
    ("U0COORD", "/veckolage export ² csv"),
    ("U0POL1", "/handelse återkalla ①"),
    ("U0POL1", "/lage Vällingby " + "3" * 5000),
])
def test_digits_int_refuses_get_a_swedish_refusal(chat, user, line) -> None:
    """`²`, `①` and 5000 digits pass str.isdigit() but not int(): once a ValueError, now the usage."""
    reply = chat(user, line)
    assert isinstance(reply, Notice) and reply.tone == "error"


# The outbox against a malformed answer ---------------------------------------------------------------------
def test_a_malformed_json_answer_is_retried_and_the_alert_delivered_once(engine, workspace_id, fake_slack) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: NOW)
    body = h.slash_body("/handelse", "Vällingby skjutning skott mot port", trigger_id="T-malformed")
    reply = json.loads(h.dispatch(app, body, h.signed_headers(body)).body)
    number = int(re.search(r"#(\d+)", reply["text"]).group(1))
    client = WebClient(token="xoxb-test", base_url=fake_slack.url, timeout=2, retry_handlers=[])
    worker = Deliverer(engine, client, clock=lambda: NOW, policy=Policy())
    fake_slack.fail_next("chat.postMessage", status=200, body="{not json")

    assert worker.run_once(now=NOW) == 1
    row = _alert_row(engine, number)
    assert (row.status, row.attempts) == ("pending", 1), (row.status, row.last_error)
    assert worker.run_once(now=NOW + timedelta(minutes=5)) == 1
    worker.run_once(now=NOW + timedelta(minutes=30))  # only the thread reminder may follow, never the alert again
    row = _alert_row(engine, number)
    assert row.status == "sent" and row.ts
    delivered = [c for c in fake_slack.calls_to("chat.postMessage")
                 if c.args.get("channel") == "C0ALERTS" and not c.args.get("thread_ts")]
    assert len(delivered) == 2  # the malformed answer, then the one Slack confirmed; nothing after
    with session_scope(engine) as session:
        assert session.get(Event, number).alert_ts == row.ts


def _alert_row(engine, number: int) -> OutboxMessage:
    with session_scope(engine) as session:
        return session.execute(select(OutboxMessage).where(OutboxMessage.key == f"alert.post:{number}")).scalar_one()


# The database going away ----------------------------------------------------------------------------------
@pytest.fixture
def sqlite_workspace(sqlite_engine) -> int:
    clean(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        return sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id


def _send(app, line: str, trigger: str) -> dict:
    command, _, text = line.partition(" ")
    body = h.slash_body(command, text, trigger_id=trigger)
    response = h.dispatch(app, body, h.signed_headers(body))
    assert response.status == 200, response.body
    return json.loads(response.body)


def _unreachable(*_args, **_kwargs):
    raise OperationalError("connect", {}, sqlite3.OperationalError("unable to open database file"))


def test_an_unreachable_database_says_try_again_and_the_app_serves_when_it_is_back(
        sqlite_engine, sqlite_workspace, fake_slack, monkeypatch) -> None:
    app = h.build_app(sqlite_engine, fake_slack, clock=lambda: NOW)
    before = counts(sqlite_engine)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_engine, "connect", _unreachable)
        down = _send(app, "/lage Vällingby 3 från fältet", "T-down")
    assert "Försök igen" in down["text"] + json.dumps(down["blocks"], ensure_ascii=False)
    assert "Databasen svarar inte" in json.dumps(down["blocks"], ensure_ascii=False)
    assert counts(sqlite_engine) == before
    back = _send(app, "/lage Vällingby 3 från fältet", "T-back")
    assert back["text"].startswith("Sparat: Vällingby 3")
    assert counts(sqlite_engine)[0] == before[0] + 1


def test_a_connection_lost_halfway_leaves_nothing_half_written(engine, workspace_id, fake_slack) -> None:
    """The rating is written, then the connection drops before the commit: nothing may stay."""
    app = h.build_app(engine, fake_slack, clock=lambda: NOW)
    before = counts(engine)

    def drop(conn, cursor, statement, parameters, context, executemany) -> None:
        if "INSERT INTO RATING" in " ".join(statement.upper().split()):  # executed, not yet committed
            raise OperationalError(statement, parameters, sqlite3.OperationalError("server closed the connection"))

    event.listen(engine, "after_cursor_execute", drop)
    try:
        down = _send(app, "/lage Vällingby 4", "T-half")
    finally:
        event.remove(engine, "after_cursor_execute", drop)
    assert "Försök igen" in json.dumps(down, ensure_ascii=False)
    assert counts(engine) == before
    assert _send(app, "/lage Vällingby 4", "T-after")["text"].startswith("Sparat: Vällingby 4")
