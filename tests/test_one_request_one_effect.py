"""One request, one effect: a `/lage` that Slack retries and a rating form sent twice at once each store
one rating, one audit entry and one "uppdaterad" note in the summary thread, and say what is true; any
other command that Slack retries acts once and answers as it did the first time."""

from __future__ import annotations

import itertools
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.jobs.clock import clock_tick
from bot.jobs.outbox_worker import Deliverer, outbox_client
from commands.admin.retention import daily_purge
from storage import queries
from storage.db import session_scope
from storage.models import AuditEntry, Workspace
from storage.queries import answered
from tests import slack_harness as h
from tests.slack_harness import texts
from tests.test_rhythm import IN_W48, MON_W49
from tests.test_slack_app import form_state

fake_slack = h.fake_slack
LATER = MON_W49 + timedelta(minutes=5)


@pytest.fixture
def posted(engine, workspace_id, fake_slack, chat) -> None:
    """Week 48 with Polisen's Vällingby 3, and its Monday summary posted."""
    chat("U0POL1", "/lage v48 Vällingby 3", now=IN_W48)
    clock_tick(engine, None, now=MON_W49)
    deliver(engine, fake_slack, MON_W49)
    assert [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")].count("C0SUMMARY") == 1


def deliver(engine, fake, at) -> None:
    worker = Deliverer(engine, outbox_client("xoxb-test", fake.url), clock=lambda: at)
    for second in range(3):
        worker.run_once(now=at + timedelta(seconds=second))


def notes(fake) -> list[str]:
    """The "uppdaterad: …" lines in the summary's thread."""
    return [c.args["text"] for c in fake.calls_to("chat.postMessage")
            if c.args.get("thread_ts") and c.args["text"].startswith("uppdaterad:")]


def rating_audits(engine, subject: str) -> list[tuple[str, str | None, str | None]]:
    with session_scope(engine) as session:
        query = (select(AuditEntry.actor, AuditEntry.old_value, AuditEntry.new_value)
                 .where(AuditEntry.action == "rating.set", AuditEntry.subject == subject).order_by(AuditEntry.id))
        return [tuple(row) for row in session.execute(query)]


def test_a_slash_command_retried_by_slack_acts_once_and_says_so(engine, posted, fake_slack) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: LATER)
    body = h.slash_body("/lage", "v48 Vällingby 5 brinner vid torget", trigger_id="7.8.retried")
    replies = []
    for retry in range(4):  # the request, then Slack's retries 1–3 (same body, same trigger id)
        headers = h.signed_headers(body)
        if retry:
            headers |= {"x-slack-retry-num": [str(retry)], "x-slack-retry-reason": ["http_timeout"]}
        response = h.dispatch(app, body, headers)
        assert response.status == 200
        replies.append(texts(json.loads(response.body)))
    deliver(engine, fake_slack, LATER)

    assert rating_audits(engine, "Vällingby / Polisen") == [
        ("U0POL1", None, "3"), ("U0POL1", "3", "5 – brinner vid torget")]
    assert notes(fake_slack) == ["uppdaterad: Polisen bedömde Vällingby 3 → 5"]
    assert len(fake_slack.calls_to("chat.update")) == 1
    assert "Ersatte Polisens tidigare bedömning 3" in replies[0]
    for reply in replies[1:]:
        assert "Sparat: Vällingby 5 Kritiskt läge för Polisen" in reply and "redan sparat" in reply
        assert "kommentaren uppdaterad" not in reply and "Ersatte" not in reply


def test_a_form_submitted_twice_at_once_saves_audits_and_notes_once(engine, posted, fake_slack, monkeypatch) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: LATER)
    body = h.slash_body("/lage", "v48", trigger_id="9.9.form")
    assert h.dispatch(app, body, h.signed_headers(body)).status == 200
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    values = form_state(view, {"Vällingby": ("4", "stökigt"), "Grimsta": ("2", None)})
    submission = h.view_submission_body({**view, "id": "V0TWICE"}, values)
    if engine.dialect.name == "postgresql":  # both read the stored week before either writes
        both_read = threading.Barrier(2, timeout=20)
        original = queries.ratings_for_weeks

        def read_then_wait(*args, **kwargs):
            found = original(*args, **kwargs)
            both_read.wait()
            return found

        monkeypatch.setattr(queries, "ratings_for_weeks", read_then_wait)
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda _: h.dispatch(app, submission, h.signed_headers(submission)), range(2)))
    else:  # SQLite has one writer: the second submission runs after the first
        responses = [h.dispatch(app, submission, h.signed_headers(submission)) for _ in range(2)]
    deliver(engine, fake_slack, LATER)

    for response in responses:
        shown = texts(json.loads(response.body))
        assert response.status == 200 and "2 områden har er bedömning, 1 med kommentar" in shown
    changed = [texts(json.loads(r.body)).split("Ändrat: ")[-1] for r in responses if "Ändrat: " in texts(json.loads(r.body))]
    assert changed == ["Vällingby 4 Allvarligt läge 💬, Grimsta 2 Avvikande läge (💬 = med kommentar)."]  # said once
    assert rating_audits(engine, "Vällingby / Polisen") == [("U0POL1", None, "3"), ("U0POL1", "3", "4 – stökigt")]
    assert rating_audits(engine, "Grimsta / Polisen") == [("U0POL1", None, "2")]
    assert notes(fake_slack) == ["uppdaterad: Polisen uppdaterade 2 områden"]


def audits(engine, action: str) -> list[tuple[str, str | None]]:
    with session_scope(engine) as session:
        query = select(AuditEntry.subject, AuditEntry.new_value).where(AuditEntry.action == action)
        return [tuple(row) for row in session.execute(query.order_by(AuditEntry.id))]


def test_other_commands_retried_by_slack_act_once_and_answer_as_the_first_time(engine, posted, fake_slack) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: LATER)

    def four_times(line: str, user: str, trigger: str) -> list[dict]:
        command, _, text = line.partition(" ")
        body = h.slash_body(command, text, user=user, trigger_id=trigger)
        answers = []
        for retry in range(4):
            headers = h.signed_headers(body) | ({"x-slack-retry-num": [str(retry)]} if retry else {})
            answers.append(json.loads(h.dispatch(app, body, headers).body))
        return answers

    agreed = four_times("/veckolage fastställ v48 Grimsta 2", "U0COORD", "1.1.agree")
    added = four_times("/lagesadmin område lägg-till Rinkeby", "U0ADMIN", "2.2.area")
    deliver(engine, fake_slack, LATER)

    assert audits(engine, "agreed.set") == [("Grimsta", "2")]
    assert [a for a in audits(engine, "area.add") if "Rinkeby" in a] == [("Rinkeby", "Rinkeby")]
    assert notes(fake_slack) == ["uppdaterad: Grimsta fastställd 2"]
    assert "Fastställt: Grimsta 2" in agreed[0]["text"] and agreed[1:] == [agreed[0]] * 3
    assert "Rinkeby" in texts(added[0]) and "finns redan" not in texts(added) and added[1:] == [added[0]] * 3
    again = four_times("/veckolage fastställ v48 Grimsta 2", "U0COORD", "3.3.agree-again")  # a new request
    assert len(audits(engine, "agreed.set")) == 2 and again[0]["text"] == agreed[0]["text"]


def test_the_same_request_twice_at_once_acts_once(engine, posted, fake_slack, monkeypatch) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: LATER)
    body = h.slash_body("/veckolage", "fastställ v48 Grimsta 3", user="U0COORD", trigger_id="4.4.race")
    if engine.dialect.name == "postgresql":  # both look for an earlier answer before either has one
        both_looked, looks = threading.Barrier(2, timeout=20), itertools.count()
        original = answered.answer_to

        def look_then_wait(*args, **kwargs):
            found = original(*args, **kwargs)
            if next(looks) < 2:  # the two first looks; the loser's second look reads the winner's answer
                both_looked.wait()
            return found

        monkeypatch.setattr(answered, "answer_to", look_then_wait)
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda _: h.dispatch(app, body, h.signed_headers(body)), range(2)))
    else:  # SQLite has one writer: the second runs after the first
        responses = [h.dispatch(app, body, h.signed_headers(body)) for _ in range(2)]
    deliver(engine, fake_slack, LATER)
    first, second = (json.loads(r.body) for r in responses)
    assert first == second and "Fastställt: Grimsta 3" in first["text"]
    assert audits(engine, "agreed.set") == [("Grimsta", "3")] and len(notes(fake_slack)) == 1


def test_answers_are_forgotten_after_a_day(engine, posted, fake_slack) -> None:
    app = h.build_app(engine, fake_slack, clock=lambda: LATER)
    body = h.slash_body("/veckolage", "fastställ v48 Grimsta 4", user="U0COORD", trigger_id="5.5.old")
    assert h.dispatch(app, body, h.signed_headers(body)).status == 200
    with session_scope(engine) as session:
        workspace = session.execute(select(Workspace)).scalars().one()
        assert answered.answer_to(session, workspace_id=workspace.id, key="trigger:5.5.old") is not None
        workspace.purged_on = None
        daily_purge(session, now=LATER + timedelta(hours=23))
        assert answered.answer_to(session, workspace_id=workspace.id, key="trigger:5.5.old") is not None
        workspace.purged_on = None
        daily_purge(session, now=LATER + timedelta(days=1, minutes=1))
        assert answered.answer_to(session, workspace_id=workspace.id, key="trigger:5.5.old") is None
