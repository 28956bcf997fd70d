"""Critical events end to end: signed requests into the real app, the outbox delivered to a fake Slack."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, update

from bot.jobs.outbox_worker import Deliverer, Policy, outbox_client
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import make_engine, session_scope
from storage.models import AuditEntry, Event, OutboxMessage
from storage.queries import events as event_queries
from tests import slack_harness as h
from tests.conftest import NOW, PG_OFF, SETUP_TOML, Chat, clean
from tests.slack_harness import texts

fake_slack = h.fake_slack
ALERT = "/handelse Vällingby skjutning skott mot port <!here>"


def buttons(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]


def number(reply: dict) -> int:
    return int(re.search(r"Händelse #(\d+) registrerad", reply["text"]).group(1))


def event(engine, n: int) -> Event:
    with session_scope(engine) as session:
        return session.get(Event, n)


def row(engine, key: str) -> OutboxMessage | None:
    with session_scope(engine) as session:
        return session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalars().first()


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


class Bot:
    """Users in Slack (signed requests into the real app) and the outbox worker, on one fake Slack."""

    def __init__(self, engine, fake) -> None:
        self.engine, self.fake = engine, fake
        self.app = h.build_app(engine, fake, clock=lambda: NOW)
        self.triggers = itertools.count(1)

    def send(self, body: str) -> dict:
        response = h.dispatch(self.app, body, h.signed_headers(body))
        assert response.status == 200, response.body
        return json.loads(response.body) if response.body else {}

    def command(self, line: str, user: str = "U0POL1", trigger: str | None = None) -> dict:
        command, _, text = line.partition(" ")
        return self.send(h.slash_body(command, text, user=user, trigger_id=trigger or f"T{next(self.triggers)}"))

    def report(self, line: str = ALERT, user: str = "U0POL1") -> int:
        return number(self.command(line, user))

    def click(self, n: int, user: str = "U0COORD") -> dict:
        return self.send(h.block_actions_body("acknowledge_event", str(n), user=user, channel="C0ALERTS",
                                              response_url=self.fake.response_url()))

    def worker(self, quick: bool = False, **kwargs) -> Deliverer:
        """The production client, or (quick) one that gives up before a hanging fake answers."""
        client = WebClient(token="xoxb-test", base_url=self.fake.url, timeout=0.3, retry_handlers=[]) if quick \
            else outbox_client("xoxb-test", self.fake.url)
        return Deliverer(self.engine, client, clock=lambda: NOW, policy=kwargs.pop("policy", Policy()), **kwargs)

    def deliver(self, worker: Deliverer, at) -> int:
        """One delivery round at `at`; Slack's clock (message timestamps) is at `at` too."""
        self.fake.clock = lambda: at
        return worker.run_once(now=at)

    def run(self, at=NOW, **kwargs) -> int:
        return self.deliver(self.worker(**kwargs), at)

    def alerts_in_channel(self, n: int) -> list[dict]:
        """The messages in the alert channel carrying event n's alert key (what people see)."""
        return [m for m in self.fake.channel("C0ALERTS")
                if m.get("metadata", {}).get("event_payload", {}).get("key") == f"alert.post:{n}"]

    def posts(self, method: str = "chat.postMessage") -> list:
        return self.fake.calls_to(method)

    def updates(self) -> list:
        return self.posts("chat.update")

    def methods(self) -> list[str]:
        return [c.method for c in self.fake.calls if c.method.startswith(("chat.", "conversations."))]

    def grid_line(self, area: str) -> str:
        """The consolidated cell of an area in the grid's table (`🟪5‼ 🚨`)."""
        (table,) = [b for b in self.command("/veckolage")["blocks"] if b["type"] == "table"]
        return next(row[1]["text"] for row in table["rows"] if row[0]["text"] == area)


@pytest.fixture
def bot(engine, workspace_id, fake_slack) -> Bot:
    return Bot(engine, fake_slack)


WINDOW, SECOND = Policy().confirm_window, timedelta(seconds=1)


def lose_first_answer(bot: Bot, n: int, shows_after: float = 0.0) -> Deliverer:
    """The first post reaches Slack (in the channel `shows_after` s later) but its answer is lost."""
    bot.fake.hang_next("chat.postMessage", seconds=0.6)
    bot.fake.appear_later(shows_after)
    worker = bot.worker(quick=True)
    bot.deliver(worker, NOW)
    assert row(bot.engine, f"alert.post:{n}").attempts == 1 and len(bot.posts()) == 1
    return worker


# 1–2: reporting -----------------------------------------------------------------------------------------------
def test_critical_event_is_stored_first_then_alerted_once(bot, engine) -> None:
    n = number(reply := bot.command(ALERT))
    assert reply["response_type"] == "ephemeral" and "larm skickas till <#C0ALERTS>" in texts(reply["blocks"])
    assert bot.posts() == [] and row(engine, f"alert.post:{n}").status == "pending"

    assert bot.run() == 1
    (post,) = bot.posts()
    shown = texts(post.args["blocks"])
    assert post.args["channel"] == "C0ALERTS" and "Skjutning" in shown and "Vällingby" in shown and "🟪5‼" in shown
    assert "skott mot port &lt;!here&gt;" in shown and "<!here>" not in json.dumps(post.args)
    assert buttons(post.args["blocks"]) == ["acknowledge_event", "plan_insats"]
    assert post.args["metadata"]["event_payload"]["key"] == f"alert.post:{n}"
    assert event(engine, n).alert_ts and row(engine, f"alert.post:{n}").status == "sent"
    assert bot.grid_line("Vällingby") == "🟪5‼ 🚨"
    assert f"#{n} 🚨 *Skjutning* – Vällingby" in texts(bot.command("/veckolage")["blocks"])


def test_non_critical_event_is_listed_but_never_alerted(bot, engine) -> None:
    n = number(reply := bot.command("/handelse Grimsta stenkastning"))
    assert "inget larm skickas" in texts(reply["blocks"])
    assert bot.run() == 0 and count(engine, OutboxMessage) == 0 and bot.posts() == []
    assert f"#{n} ⚠️ *Stenkastning* – Grimsta" in texts(bot.command("/handelse lista")["blocks"])


# 3: exactly once ------------------------------------------------------------------------------------------------
def test_the_same_slash_command_twice_is_one_event_and_one_post(bot, engine) -> None:
    first = bot.command(ALERT, trigger="T1")
    again = bot.command(ALERT, trigger="T1")
    assert number(first) == number(again) and count(engine, Event) == 1
    assert again == first  # the retry gets the first answer (a double-clicked form says "redan registrerad")
    assert bot.run() == 1 and bot.run(NOW + timedelta(minutes=1)) == 0 and len(bot.posts()) == 1


def test_double_submitted_modal_is_one_event_and_one_post(bot, engine) -> None:
    assert bot.command("/handelse") == {}
    view = {**bot.fake.calls_to("views.open")[-1].args["view"], "id": "V0EVENT"}
    area = next(o["value"] for b in view["blocks"] if b.get("block_id") == "area"
                for o in b["element"]["options"] if o["text"]["text"] == "Vällingby")
    values = {"area": {"area": {"selected_option": {"value": area}}},
              "type": {"type": {"selected_option": {"value": "skjutning"}}},
              "when": {"when": {"selected_date_time": int(NOW.timestamp())}},
              "description": {"description": {"value": "från formuläret"}}}
    acks = [bot.send(h.view_submission_body(view, values)) for _ in range(2)]
    assert [a["response_action"] for a in acks] == ["update", "update"]
    assert "redan registrerad" in texts(acks[1]["view"]) and count(engine, Event) == 1
    bot.run()
    (post,) = bot.posts()
    assert "från formuläret" in texts(post.args["blocks"])


def test_a_slash_command_retried_while_the_first_still_runs_is_one_event(bot, engine) -> None:
    body, barrier = h.slash_body("/handelse", "Vällingby skjutning", trigger_id="T-race"), threading.Barrier(2)

    def send(_) -> dict:
        barrier.wait()
        return bot.send(body)

    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(send, range(2)))
    assert len({number(r) for r in replies}) == 1 and count(engine, Event) == 1
    assert bot.run() == 1 and len(bot.posts()) == 1


def test_two_workers_on_one_due_row_post_once(bot) -> None:
    bot.report()
    assert bot.run(worker_id="a") == 1 and bot.run(worker_id="b") == 0
    assert len(bot.posts()) == 1


@pytest.mark.skipif(PG_OFF, reason="VECKOLAGE_TEST_POSTGRES=off (the run header says so)")
def test_two_threads_on_postgresql_post_each_alert_exactly_once(postgresql_engine, fake_slack) -> None:
    clean(postgresql_engine)
    with session_scope(postgresql_engine) as session:
        workspace = sync_setup(session, parse_setup(SETUP_TOML), now=NOW).workspace_id
    chat = Chat(postgresql_engine, workspace)
    for i in range(20):
        chat("U0POL1", f"/handelse Vällingby skjutning nummer {i}")
    bot, barrier = Bot(postgresql_engine, fake_slack), threading.Barrier(2)

    def run(name: str) -> int:
        worker = bot.worker(worker_id=name)
        claimed = 0
        for second in range(25):  # Slack's pace: one message per second per channel and worker
            barrier.wait()  # both workers look at the same due rows at the same moment
            claimed += worker.run_once(now=NOW + timedelta(seconds=second))
        return claimed

    with ThreadPoolExecutor(2) as pool:
        claimed = list(pool.map(run, ["a", "b"]))
    keys = [c.args["metadata"]["event_payload"]["key"] for c in bot.posts()]
    assert sum(claimed) == 20 and len(keys) == len(set(keys)) == 20  # every alert, each exactly once


# 4–6: retries, lost confirmations, restarts ---------------------------------------------------------------------
@pytest.mark.parametrize(("status", "retry_after", "wait", "error", "looked"), [
    (429, 7, timedelta(seconds=7), "429", []),  # Slack said no: post again after Retry-After
    (500, None, WINDOW, "500", ["conversations.history"]),  # an error page: it may have landed, so look first
])
def test_slack_errors_are_retried_after_the_backoff(bot, engine, status, retry_after, wait, error, looked) -> None:
    n = bot.report()
    bot.fake.fail_next("chat.postMessage", status=status, retry_after=retry_after)
    bot.run()
    pending = row(engine, f"alert.post:{n}")
    spent = 0 if status == 429 else 1  # a 429 refuses before acting: no attempt of the budget is spent
    assert pending.status == "pending" and error in pending.last_error and pending.attempts == spent
    assert pending.due_at >= NOW + wait and event(engine, n).alert_ts is None
    assert bot.run(pending.due_at - timedelta(seconds=1)) == 0
    assert bot.run(NOW + wait) == 1
    assert bot.methods() == ["chat.postMessage", *looked, "chat.postMessage"]
    assert row(engine, f"alert.post:{n}").status == "sent" and event(engine, n).alert_ts
    assert len(bot.alerts_in_channel(n)) == 1


@pytest.mark.parametrize("spelling", ["Retry-After", "retry-after", "RETRY-AFTER", "Retry-after"])
def test_retry_after_is_honoured_in_any_spelling_of_the_header(bot, engine, spelling) -> None:
    n = bot.report()
    bot.fake.retry_after_header = spelling
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=40)
    bot.run()
    assert row(engine, f"alert.post:{n}").due_at == NOW + timedelta(seconds=40)  # (the backoff alone: 5 s)


def test_a_timeout_is_retried_after_the_window_once_the_channel_shows_nothing(bot, engine) -> None:
    n = bot.report()
    bot.fake.hang_next("chat.postMessage", seconds=0.6)
    bot.fake.fail_next("chat.postMessage", status=502)  # (the gateway dropped it: nothing in the channel)
    worker = bot.worker(quick=True)
    bot.deliver(worker, NOW)
    pending = row(engine, f"alert.post:{n}")
    assert pending.status == "pending" and "Timeout" in pending.last_error and pending.due_at == NOW + WINDOW
    bot.deliver(worker, NOW + WINDOW)
    assert bot.methods() == ["chat.postMessage", "conversations.history", "chat.postMessage"]
    assert event(engine, n).alert_ts and row(engine, f"alert.post:{n}").status == "sent"
    assert len(bot.alerts_in_channel(n)) == 1


def test_a_post_whose_answer_was_lost_is_not_posted_again(bot, engine) -> None:
    n = bot.report()
    bot.deliver(lose_first_answer(bot, n), NOW + WINDOW)
    (shown,) = bot.alerts_in_channel(n)  # no second post
    assert len(bot.posts()) == 1 and "conversations.history" in bot.methods()
    assert all(u.args["ts"] == shown["ts"] for u in bot.updates())  # at most brought up to date
    assert event(engine, n).alert_ts == shown["ts"] and row(engine, f"alert.post:{n}").status == "sent"


def test_a_slack_slower_than_our_timeout_still_makes_one_alert(bot, engine) -> None:
    """Slack accepts the post but answers after our timeout; the alert shows in the channel 12 s later."""
    n = bot.report()
    worker = lose_first_answer(bot, n, shows_after=12)
    pending = row(engine, f"alert.post:{n}")
    assert pending.attempted_at == NOW and pending.due_at == NOW + WINDOW
    for at in (NOW + 10 * SECOND, NOW + 13 * SECOND, NOW + WINDOW - SECOND):
        assert bot.deliver(worker, at) == 0  # not sure yet either way: neither look nor post
    assert bot.methods() == ["chat.postMessage"] and len(bot.alerts_in_channel(n)) == 1
    assert bot.deliver(worker, NOW + WINDOW) == 1
    (shown,) = bot.alerts_in_channel(n)
    assert float(shown["ts"]) == NOW.timestamp() + 12 and event(engine, n).alert_ts == shown["ts"]
    assert len(bot.posts()) == 1 and row(engine, f"alert.post:{n}").status == "sent"


def test_a_post_left_by_a_crashed_worker_is_looked_for_only_after_the_window(bot, engine) -> None:
    """The worker died after posting; Slack shows the alert 90 s later, after the worker's lease ran out."""
    n = bot.report()
    bot.fake.appear_later(90)
    bot.fake.clock = lambda: NOW
    WebClient(token="xoxb-test", base_url=bot.fake.url).chat_postMessage(  # what the dead worker sent
        channel="C0ALERTS", text="🚨", metadata={"event_type": "veckolage_outbox",
                                                 "event_payload": {"key": f"alert.post:{n}"}})
    with session_scope(engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.key == f"alert.post:{n}").values(
            status="sending", claimed_by="crashed", claimed_until=NOW + Policy().lease, attempts=1, attempted_at=NOW))
    worker = bot.worker(worker_id="other")
    assert [bot.deliver(worker, NOW + s * SECOND) for s in (61, 91, 119)] == [0, 0, 0]
    assert bot.deliver(worker, NOW + WINDOW) == 1
    assert len(bot.alerts_in_channel(n)) == 1 and len(bot.posts()) == 1
    assert event(engine, n).alert_ts == bot.alerts_in_channel(n)[0]["ts"]


def test_outside_the_marketplace_the_lookup_pages_one_request_a_minute(bot, engine) -> None:
    """conversations.history at 1 request a minute and 15 messages: a busy channel takes several checks."""
    bot.fake.outside_marketplace = True
    n = bot.report()
    worker = lose_first_answer(bot, n, shows_after=3)
    others = WebClient(token="xoxb-other", base_url=bot.fake.url)
    for second in [*range(20, 50), *range(130, 170)]:  # 30 messages inside the window, 40 after it
        bot.fake.clock = lambda second=second: NOW + second * SECOND
        others.chat_postMessage(channel="C0ALERTS", text=f"annat {second}")
    at = NOW + WINDOW
    checks = [at]
    while bot.deliver(worker, at) and row(engine, f"alert.post:{n}").status == "pending":
        at = row(engine, f"alert.post:{n}").due_at
        checks.append(at)
    assert [c - checks[0] for c in checks] == [timedelta(0), timedelta(minutes=1), timedelta(minutes=2)]
    assert bot.methods().count("conversations.history") == 3 and len(bot.posts()) == 1 + 70  # (70 others)
    assert len(bot.alerts_in_channel(n)) == 1 and event(engine, n).alert_ts == bot.alerts_in_channel(n)[0]["ts"]
    assert row(engine, f"alert.post:{n}").attempts == 2  # the pages cost no attempts


def test_outside_the_marketplace_two_lookups_are_a_minute_apart(bot, engine) -> None:
    bot.fake.outside_marketplace = True
    first, second = bot.report("/handelse Vällingby skjutning ett"), bot.report("/handelse Grimsta skjutning två")
    bot.fake.hang_next("chat.postMessage", seconds=0.6, times=2)
    worker = bot.worker(quick=True)
    bot.deliver(worker, NOW)
    bot.deliver(worker, NOW + SECOND)  # both posted, both answers lost
    for extra in (0, 2, 30):  # both could be looked for now: one request this minute
        bot.deliver(worker, NOW + SECOND + WINDOW + extra * SECOND)
    assert bot.methods().count("conversations.history") == 1
    bot.deliver(worker, NOW + SECOND + WINDOW + timedelta(minutes=1))
    assert bot.methods().count("conversations.history") == 2 and len(bot.posts()) == 2
    assert len(bot.alerts_in_channel(first)) == len(bot.alerts_in_channel(second)) == 1
    assert {row(engine, f"alert.post:{n}").status for n in (first, second)} == {"sent"}
    assert not any("429" in (row(engine, f"alert.post:{n}").last_error or "") for n in (first, second))


def test_a_withdrawal_made_while_the_answer_was_lost_reaches_the_alert(bot, engine) -> None:
    n = bot.report()
    worker = lose_first_answer(bot, n)
    bot.command(f"/handelse återkalla {n} felrapport")  # the alert is visible in Slack: people act on it
    bot.deliver(worker, NOW + SECOND)  # the update: no ts known yet, so nothing to edit
    bot.deliver(worker, NOW + WINDOW)  # the post: found in the channel
    (shown,) = bot.alerts_in_channel(n)
    assert len(bot.posts()) == 1 and event(engine, n).alert_ts == shown["ts"]
    (edit,) = bot.updates()
    assert edit.args["ts"] == shown["ts"] and edit.args["text"].startswith("~") and shown["text"].startswith("~")


def test_a_new_worker_delivers_what_was_stored_before_a_restart(bot, engine) -> None:
    n = bot.report()
    assert bot.posts() == []
    assert bot.worker(worker_id="after-restart").run_once(now=NOW) == 1
    assert len(bot.posts()) == 1 and event(engine, n).alert_ts


def test_a_row_left_sending_by_a_crashed_worker_is_picked_up(bot, engine) -> None:
    n = bot.report()
    with session_scope(engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.key == f"alert.post:{n}").values(
            status="sending", claimed_by="crashed", claimed_until=NOW + timedelta(seconds=30), attempts=1,
            attempted_at=NOW - timedelta(seconds=30)))  # (as claim leaves it: it may have posted from then)
    assert bot.run(worker_id="other") == 0  # its lease still runs
    assert bot.run(NOW + timedelta(seconds=31), worker_id="other") == 0  # Slack may not show its post yet
    assert bot.run(NOW - timedelta(seconds=30) + WINDOW, worker_id="other") == 1
    assert bot.methods() == ["conversations.history", "chat.postMessage"]
    assert row(engine, f"alert.post:{n}").status == "sent" and event(engine, n).alert_ts


# 7: giving up ---------------------------------------------------------------------------------------------------
def test_an_alert_outlives_a_slack_outage_of_hours(bot, engine) -> None:
    """Slack down for three hours (far past ten attempts): the alert is still delivered when it is back."""
    n = bot.report()
    bot.fake.fail_next("chat.postMessage", status=503, times=1000)
    at, tries = NOW, 0
    for tries in range(1, 60):  # bounded: a row given up on is never due again
        bot.run(at)
        assert row(engine, f"alert.post:{n}").status == "pending", f"given up after {tries} tries"
        at = row(engine, f"alert.post:{n}").due_at
        if at > NOW + timedelta(hours=3):
            break
    assert tries > 10
    bot.fake.recover("chat.postMessage")
    bot.run(at + timedelta(minutes=5))  # past the confirm window of the last try: it looks, finds nothing, posts
    bot.run(at + timedelta(minutes=10))
    assert row(engine, f"alert.post:{n}").status == "sent" and event(engine, n).alert_ts


def test_the_retry_budget_ends_in_a_loud_failure(bot, engine, caplog) -> None:
    n = bot.report()
    bot.fake.fail_next("chat.postMessage", status=500, times=10)
    at = NOW
    with caplog.at_level(logging.WARNING, logger="veckolage.outbox"):
        for _ in range(3):
            assert bot.run(at, policy=Policy(max_attempts=3, keep_trying=timedelta(0))) == 1
            at = row(engine, f"alert.post:{n}").due_at
    failed = row(engine, f"alert.post:{n}")
    assert failed.status == "failed" and failed.attempts == 3 and event(engine, n).alert_ts is None
    assert any(r.levelno == logging.ERROR and "GAVE UP" in r.getMessage() for r in caplog.records)
    assert bot.run(at + timedelta(hours=1)) == 0 and len(bot.posts()) == 3
    grid = texts(bot.command("/veckolage")["blocks"])
    assert f"Larmet om händelse #{n} (Skjutning i Vällingby) kunde inte levereras till larmkanalen" in grid
    assert "larmet nådde inte larmkanalen" in texts(bot.command("/handelse lista")["blocks"])


def test_a_permanent_slack_error_fails_at_once(bot, engine) -> None:
    n = bot.report()
    bot.fake.respond_with("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    bot.run()
    failed = row(engine, f"alert.post:{n}")
    assert failed.status == "failed" and failed.attempts == 1 and "channel_not_found" in failed.last_error
    assert bot.run(NOW + timedelta(hours=1)) == 0 and len(bot.posts()) == 1
    assert f"händelse #{n}" in texts(bot.command("/veckolage")["blocks"])


# 8–9: Kvittera and the re-notification --------------------------------------------------------------------------
def test_kvittera_updates_the_alert_once(bot, engine) -> None:
    n = bot.report()
    bot.run()
    ts = event(engine, n).alert_ts
    assert bot.click(n, user="U0SDF") == {}
    assert event(engine, n).acknowledged_by == "U0SDF"
    bot.run()
    (edit,) = bot.updates()
    assert edit.args["ts"] == ts and edit.args["channel"] == "C0ALERTS"
    assert "Kvitterad av <@U0SDF>" in texts(edit.args["blocks"])
    assert buttons(edit.args["blocks"]) == ["plan_insats"]  # planning an insats stays possible
    assert row(engine, f"alert.renotify:{n}").status == "cancelled"

    assert bot.click(n, user="U0POL2") == {}
    bot.run(NOW + timedelta(minutes=30))
    assert len(bot.updates()) == 1 and len(bot.posts()) == 1 and event(engine, n).acknowledged_by == "U0SDF"
    (answer,) = bot.fake.calls_to("/respond/r")
    assert "redan kvitterad" in texts(answer.args) and answer.args["response_type"] == "ephemeral"


def test_two_people_pressing_kvittera_at_once_record_one_acknowledgement(bot, engine, monkeypatch) -> None:
    """Two clicks served by two processes (two engines: within one process SQLite sessions take turns).
    On SQLite both read the unacknowledged event before either writes, so the compare-and-set decides;
    on PostgreSQL the row lock keeps the second read out until the first commits."""
    n = bot.report()
    bot.run()
    second = make_engine(engine.url.render_as_string(hide_password=False)) if engine.dialect.name == "sqlite" \
        else engine
    apps = {"U0SDF": bot.app, "U0POL2": h.build_app(second, bot.fake, clock=lambda: NOW)}
    barrier, read, met = threading.Barrier(2), event_queries.event_by_id, []

    def read_then_meet(*args, **kwargs):  # both clicks read the event before either writes...
        found = read(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # ...unless a row lock keeps one out
            barrier.wait(timeout=1)  # below PostgreSQL's lock_timeout (storage/db.py), which the other waits in
            met.append(found.acknowledged_by)
        return found

    def click(user: str) -> None:
        body = h.block_actions_body("acknowledge_event", str(n), user=user, channel="C0ALERTS",
                                    response_url=bot.fake.response_url())
        assert h.dispatch(apps[user], body, h.signed_headers(body)).status == 200

    monkeypatch.setattr(event_queries, "event_by_id", read_then_meet)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(click, ["U0SDF", "U0POL2"]))
    monkeypatch.undo()
    if engine.dialect.name == "sqlite":
        assert met == [None, None]  # really at once: both saw it unacknowledged
        second.dispose()
    with session_scope(engine) as session:
        acks = session.execute(select(AuditEntry.actor).where(AuditEntry.action == "event.acknowledge")).all()
    assert len(acks) == 1
    (answer,) = bot.fake.calls_to("/respond/r")  # the later click is told: already acknowledged
    assert f"redan kvitterad av <@{event(engine, n).acknowledged_by}>" in texts(answer.args)


def test_an_unacknowledged_alert_is_renotified_once_in_its_thread(bot, engine) -> None:
    n = bot.report()
    bot.run()
    ts = event(engine, n).alert_ts
    assert bot.run(NOW + timedelta(minutes=14)) == 0 and len(bot.posts()) == 1
    bot.run(NOW + timedelta(minutes=15))
    assert len(bot.posts()) == 2
    reminder = bot.posts()[-1].args
    assert reminder["thread_ts"] == ts and reminder["channel"] == "C0ALERTS" and "<@U0COORD>" in reminder["text"]
    assert bot.run(NOW + timedelta(minutes=30)) == 0 and len(bot.posts()) == 2


# 10: withdraw and edit ------------------------------------------------------------------------------------------
def test_the_reporter_withdraws_and_the_alert_is_struck_through(bot, engine) -> None:
    n = bot.report()
    bot.run()
    refused = bot.command(f"/handelse återkalla {n} inte min", user="U0POL2")  # same partner, not the reporter
    assert "Bara den som rapporterade" in texts(refused["blocks"]) and event(engine, n).withdrawn_at is None
    assert bot.run() == 0 and bot.updates() == []

    done = bot.command(f"/handelse återkalla {n} felrapport")
    assert f"Händelse #{n} återkallad" in done["text"] and event(engine, n).withdrawn_by == "U0POL1"
    bot.run()
    (edit,) = bot.updates()
    assert re.fullmatch(r"~.*Skjutning i Vällingby~", edit.args["text"])
    assert "Återkallad" in texts(edit.args["blocks"]) and "felrapport" in texts(edit.args["blocks"])
    line = bot.grid_line("Vällingby")
    assert not line.startswith("🟪5") and "🚨" not in line
    assert bot.run(NOW + timedelta(minutes=15)) == 0 and len(bot.posts()) == 1  # no reminder either


def test_a_coordinator_downgrades_the_type_and_the_alert_says_so(bot, engine) -> None:
    n = bot.report()
    bot.run()
    reply = bot.command(f"/handelse ändra {n} typ stenkastning", user="U0COORD")
    assert "Skjutning → Stenkastning" in reply["text"] and event(engine, n).critical is False
    bot.run()
    (edit,) = bot.updates()
    assert "icke-kritisk händelse (Stenkastning)" in texts(edit.args["blocks"])
    assert buttons(edit.args["blocks"]) == []
    assert "🚨" not in bot.grid_line("Vällingby") and row(engine, f"alert.renotify:{n}").status == "cancelled"


def test_an_alert_made_critical_again_is_still_renotified(bot, engine) -> None:
    n = bot.report()
    bot.run()
    for kind in ("stenkastning", "skjutning"):
        bot.command(f"/handelse ändra {n} typ {kind}", user="U0COORD")
    bot.run()
    assert buttons(bot.updates()[-1].args["blocks"]) == ["acknowledge_event", "plan_insats"]  # unacknowledged again
    bot.run(NOW + timedelta(minutes=15))
    bot.run(NOW + timedelta(minutes=30))
    assert len(bot.posts()) == 2 and "<@U0COORD>" in bot.posts()[-1].args["text"]


def test_an_event_edited_to_a_critical_type_is_alerted(bot, engine) -> None:
    n = bot.report("/handelse Grimsta stenkastning mot buss")
    assert bot.run() == 0 and bot.alerts_in_channel(n) == []
    reply = bot.command(f"/handelse ändra {n} typ skjutning")
    assert "Stenkastning → Skjutning" in reply["text"] and event(engine, n).critical is True
    bot.run()
    (alert,) = bot.alerts_in_channel(n)
    assert "Skjutning i Grimsta" in alert["text"] and event(engine, n).alert_ts == alert["ts"]


def test_a_message_changed_while_it_was_being_sent_is_sent_again(bot, engine) -> None:
    """The alert's update is under way when the description changes again: the newest text wins."""
    n = bot.report()
    bot.run()
    bot.command(f"/handelse ändra {n} beskrivning första rättelsen")
    bot.fake.hang_next("chat.update", seconds=0.5)  # the first update is slow to answer (not lost)
    worker = bot.worker()
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(bot.deliver, worker, NOW + SECOND)
        bot.fake.wait_for(lambda f: f.calls_to("chat.update"), timeout=10)
        bot.command(f"/handelse ändra {n} beskrivning andra rättelsen")  # while Slack works on the first
        sending.result(timeout=10)
    assert "första rättelsen" in texts(bot.updates()[0].args["blocks"])
    bot.deliver(worker, NOW + 2 * SECOND)
    assert [("andra rättelsen" in texts(u.args["blocks"])) for u in bot.updates()] == [False, True]
    (alert,) = bot.alerts_in_channel(n)
    assert "andra rättelsen" in texts(alert["blocks"]) and row(engine, f"alert.update:{n}").status == "sent"


def test_slack_gets_at_most_one_message_a_second_per_channel(bot, engine) -> None:
    for i in range(3):
        bot.report(f"/handelse Vällingby skjutning nummer {i}")
    worker = bot.worker()
    for half_seconds in range(7):  # a worker looking every half second from the moment all three are due
        bot.deliver(worker, NOW + half_seconds * SECOND / 2)
    shown = [float(m["ts"]) - NOW.timestamp() for m in bot.fake.channel("C0ALERTS") if "thread_ts" not in m]
    assert shown == [0.0, 1.0, 2.0]  # every alert, one a second


# 11: bad input writes nothing -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("line", "user", "message"), [
    ("/handelse Vällingby skjutnig", "U0POL1", "Menade du ”Skjutning”"),
    ("/handelse Atlantis skjutning", "U0POL1", "Området ”Atlantis” finns inte"),
    ("/handelse Vällingby hot " + "x" * 501, "U0POL1", "högst 500 tecken"),
    ("/handelse v46 Vällingby hot 2026-11-20 22:00", "U0POL1", "som är vecka 47, 2026 (16–22 nov), inte vecka 46, 2026"),
    ("/handelse återkalla {n}", "U0SDF", "Bara den som rapporterade händelse #{n}"),
    ("/handelse ändra 999 typ hot", "U0COORD", "Det finns ingen händelse #999 här"),
], ids=["type", "area", "description", "week", "not-yours", "unknown-number"])
def test_bad_input_is_refused_in_swedish_and_writes_nothing(bot, engine, line, user, message) -> None:
    n = bot.report("/handelse Grimsta hot")
    before = count(engine, Event), count(engine, OutboxMessage)
    reply = bot.command(line.format(n=n), user=user)
    assert reply["text"] == "Det gick inte" and message.format(n=n) in texts(reply["blocks"])
    assert (count(engine, Event), count(engine, OutboxMessage)) == before
    assert event(engine, n).withdrawn_at is None and event(engine, n).type_key == "hot"
