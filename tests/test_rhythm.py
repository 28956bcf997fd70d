"""The weekly rhythm end to end: clock ticks claim, the outbox delivers to a fake Slack, exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update

from bot.console.render import plain
from bot.jobs.clock import clock_tick
from bot.jobs.outbox_worker import Deliverer, Policy, outbox_client
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage.db import session_scope
from storage.models import OutboxMessage, SkippedWeek, Workspace
from tests import slack_harness as h
from tests.conftest import NOW, PG_OFF, SETUP_TOML, clean
from tests.slack_harness import texts

fake_slack = h.fake_slack
AREAS = ["Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"]
MINUTE, SECOND = timedelta(minutes=1), timedelta(seconds=1)
EARLY = datetime(2026, 1, 1, tzinfo=UTC)  # a workspace set up long before the weeks under test


def stockholm(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local Stockholm wall-clock time as an aware UTC datetime."""
    return datetime(y, m, d, hour, minute, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


IN_W48 = stockholm(2026, 11, 28, 13)  # Saturday of week 48 (23–29 Nov)
FRI_W48 = stockholm(2026, 11, 27, 12)  # the Friday reminder of week 48
MON_W49 = stockholm(2026, 11, 30, 8)  # the Monday summary of week 48 (07:00 UTC)


def configure(engine, workspace_id: int, **values) -> None:
    """Change the workspace row directly (created_at, reminder_slots …)."""
    with session_scope(engine) as session:
        session.execute(update(Workspace).where(Workspace.id == workspace_id).values(**values))


def rows(engine, kind: str) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list(session.execute(query).scalars())


def claimed(engine) -> list[str]:
    """The weeks whose summary is claimed (one outbox row each)."""
    return [json.loads(r.body)["week"] for r in rows(engine, "summary.post")]


def reminded(engine) -> list[tuple[str, str]]:
    """(user, week) of every claimed reminder DM, sorted."""
    return sorted((json.loads(r.body)["user"], json.loads(r.body)["week"]) for r in rows(engine, "reminder.dm"))


def summary_key(workspace_id: int, week: str) -> str:
    return f"summary.post:{workspace_id}:C0SUMMARY:{week}"


class Rhythm:
    """The clock and the outbox worker on one database and one fake Slack; time only through `now`."""

    def __init__(self, engine, workspace_id: int, fake) -> None:
        self.engine, self.workspace_id, self.fake = engine, workspace_id, fake

    def tick(self, at: datetime) -> list[str]:
        return clock_tick(self.engine, None, now=at)

    def worker(self, at: datetime, client: WebClient | None = None, worker_id: str | None = None) -> Deliverer:
        return Deliverer(self.engine, client or outbox_client("xoxb-test", self.fake.url), clock=lambda: at,
                         worker_id=worker_id)

    def deliver(self, at: datetime, rounds: int = 3, worker_id: str | None = None) -> None:
        """Run a fresh worker a few rounds, one second apart (one message per second per channel)."""
        worker = self.worker(at, worker_id=worker_id)
        for n in range(rounds):
            self.run(worker, at + n * SECOND)

    def run(self, worker: Deliverer, at: datetime) -> int:
        """One delivery round at `at`; Slack's clock (message timestamps) is at `at` too."""
        self.fake.clock = lambda: at
        return worker.run_once(now=at)

    def posts(self, channel: str = "C0SUMMARY", method: str = "chat.postMessage") -> list:
        return [c for c in self.fake.calls_to(method) if c.args.get("channel") == channel]

    def summaries(self) -> list:  # top-level posts in the summary channel
        return [c for c in self.posts() if not c.args.get("thread_ts")]

    def thread(self, ts: str) -> list:
        return [c for c in self.posts() if c.args.get("thread_ts") == ts]

    def updates(self) -> list:
        return self.posts(method="chat.update")

    def dms(self, user: str) -> list:
        return self.posts(f"D{user}")

    def ts(self, week: str) -> str:
        (row,) = [r for r in rows(self.engine, "summary.post") if r.key == summary_key(self.workspace_id, week)]
        assert row.status == "sent" and row.ts
        return row.ts


@pytest.fixture
def rhythm(engine, workspace_id, fake_slack) -> Rhythm:
    return Rhythm(engine, workspace_id, fake_slack)


# 1. The Monday summary --------------------------------------------------------------------------------------
def test_monday_summary_puts_critical_events_first_then_rises_disagreements_and_missing(rhythm, chat) -> None:
    chat("U0POL1", "/lage v47 Grimsta 2")
    chat("U0POL1", "/lage v48 Grimsta 4 oroligt vid torget", now=IN_W48)
    chat("U0POL1", "/lage v48 Hässelby strand 1", now=IN_W48)
    chat("U0SDF", "/lage v48 Hässelby strand 3 lugnt", now=IN_W48)
    assert chat("U0POL2", "/handelse v48 Vällingby skjutning 2026-11-25 22:00 skott", now=IN_W48).tone == "ok"

    assert (rhythm.tick(MON_W49 - MINUTE), claimed(rhythm.engine)) == ([], [])  # 07:59 Stockholm
    rhythm.tick(MON_W49)  # 08:00 Stockholm = 07:00 UTC
    assert MON_W49 == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    (pending,) = rows(rhythm.engine, "summary.post")
    assert pending.key == summary_key(rhythm.workspace_id, "2026-W48") and pending.status == "pending"
    assert rhythm.summaries() == []  # claimed, not yet delivered

    rhythm.deliver(MON_W49)
    (post,) = rhythm.summaries()
    blocks = post.args["blocks"]
    assert blocks[0]["type"] == "header" and "vecka 48" in blocks[0]["text"]["text"]
    shown = texts(blocks)
    order = [shown.index(word) for word in ("Kritiska händelser", "Har stigit", "Oenighet", "Har inte rapporterat")]
    assert order == sorted(order)
    critical = shown[order[0]:order[1]]
    assert "Skjutning" in critical and "Vällingby" in critical
    assert "*Grimsta* 2 → 4" in shown[order[1]:order[2]]
    assert "*Hässelby strand*: Polisen 1 – Stadsdelen 3" in shown[order[2]:order[3]]  # the spread, not the row
    missing = shown[order[3]:]
    assert "Bostadsbolaget (alla 4 områden)" in missing and "Stadsdelen (3 av 4 områden saknas)" in missing
    assert "Polisen (2 av 4 områden saknas)" in missing

    (comments,) = rhythm.thread(rhythm.ts("2026-W48"))
    thread = texts(comments.args["blocks"])
    assert "Parternas kommentarer v48" in thread
    assert "Grimsta* – Polisen: oroligt vid torget" in thread and "Hässelby strand* – Stadsdelen: lugnt" in thread


# 2. Exactly once ---------------------------------------------------------------------------------------------
def test_many_ticks_and_two_workers_post_one_summary(rhythm) -> None:
    for m in (0, 0, 1, 90, 3 * 24 * 60):
        rhythm.tick(MON_W49 + m * MINUTE)
    assert claimed(rhythm.engine) == ["2026-W48"]
    first, second = rhythm.worker(MON_W49, worker_id="a"), rhythm.worker(MON_W49, worker_id="b")
    for n in range(3):
        first.run_once(now=MON_W49 + n * SECOND)
        second.run_once(now=MON_W49 + n * SECOND)
    assert len(rhythm.summaries()) == 1 and rhythm.ts("2026-W48")


@pytest.mark.skipif(PG_OFF, reason="VECKOLAGE_TEST_POSTGRES=off (the run header says so)")
def test_two_clock_processes_on_postgresql_claim_the_summary_once(postgresql_engine) -> None:
    clean(postgresql_engine)
    with session_scope(postgresql_engine) as session:
        sync_setup(session, parse_setup(SETUP_TOML), now=NOW)
    start = threading.Barrier(2)

    def clock_process(_: int) -> list[str]:
        start.wait(timeout=10)
        return clock_tick(postgresql_engine, None, now=MON_W49)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(clock_process, range(2)))
    assert claimed(postgresql_engine) == ["2026-W48"]
    assert len(rows(postgresql_engine, "reminder.dm")) == 4  # one per member, not per clock


def test_the_tick_reports_what_it_claimed(rhythm, engine) -> None:
    assert rhythm.tick(MON_W49 - MINUTE) == []
    assert rhythm.tick(MON_W49) == ["sammanfattning 2026-W48", "4 påminnelser för 2026-W48"]
    assert rhythm.tick(MON_W49 + MINUTE) == []


# 3. Crashes --------------------------------------------------------------------------------------------------
def test_a_claim_left_by_a_crash_is_posted_once_after_the_restart(rhythm, engine) -> None:
    rhythm.tick(MON_W49)  # …and the process dies before delivering
    assert claimed(engine) == ["2026-W48"] and rhythm.summaries() == []
    rhythm.deliver(MON_W49 + 5 * MINUTE, worker_id="after-restart")
    rhythm.tick(MON_W49 + 6 * MINUTE)
    rhythm.deliver(MON_W49 + 7 * MINUTE, worker_id="later")
    assert len(rhythm.summaries()) == 1 and rhythm.ts("2026-W48")


def test_a_row_left_sending_by_a_crashed_worker_is_posted_once(rhythm, engine) -> None:
    rhythm.tick(MON_W49)
    key = summary_key(rhythm.workspace_id, "2026-W48")
    with session_scope(engine) as session:  # claimed by a worker that died before calling Slack
        session.execute(update(OutboxMessage).where(OutboxMessage.key == key).values(
            status="sending", claimed_by="crashed", claimed_until=MON_W49 + 60 * SECOND, attempts=1))
    rhythm.deliver(MON_W49 + 30 * SECOND, worker_id="other")
    assert rhythm.summaries() == []  # its lease still runs
    rhythm.deliver(MON_W49 + 61 * SECOND, worker_id="other")
    assert len(rhythm.summaries()) == 1 and rhythm.ts("2026-W48")


def test_a_summary_whose_answer_was_lost_is_not_posted_again(rhythm, engine) -> None:
    configure(engine, rhythm.workspace_id, reminder_slots="")
    rhythm.tick(MON_W49)
    key = summary_key(rhythm.workspace_id, "2026-W48")
    rhythm.fake.hang_next("chat.postMessage", seconds=0.6)
    rhythm.fake.appear_later(12)  # Slack is slower than our timeout: the summary shows 12 s later
    quick = WebClient(token="xoxb-test", base_url=rhythm.fake.url, timeout=0.3, retry_handlers=[])
    worker = rhythm.worker(MON_W49, client=quick)
    rhythm.run(worker, MON_W49)  # reached Slack, but the answer never came back
    (row,) = rows(engine, "summary.post")
    assert row.status == "pending" and "Timeout" in row.last_error and len(rhythm.summaries()) == 1
    for at in (MON_W49 + 10 * SECOND, MON_W49 + MINUTE):
        assert rhythm.run(worker, at) == 0  # not before Slack surely shows it
    rhythm.run(worker, MON_W49 + Policy().confirm_window)
    rhythm.deliver(MON_W49 + 3 * MINUTE)
    shown = [m for m in rhythm.fake.channel("C0SUMMARY") if "thread_ts" not in m]
    assert [m["metadata"]["event_payload"]["key"] for m in shown] == [key]  # one summary, no second post
    assert len(rhythm.summaries()) == 1 and rhythm.fake.calls_to("conversations.history")
    assert rhythm.ts("2026-W48") == shown[0]["ts"]


# 4. Downtime -------------------------------------------------------------------------------------------------
def test_a_clock_down_on_monday_posts_the_summary_later_the_same_week(rhythm) -> None:
    rhythm.tick(stockholm(2026, 12, 3, 14))  # the first tick after a stop: Thursday
    assert claimed(rhythm.engine) == ["2026-W48"] and reminded(rhythm.engine) == []
    rhythm.deliver(stockholm(2026, 12, 3, 14))
    (post,) = rhythm.summaries()
    assert "vecka 48" in post.args["text"]


def test_a_clock_down_for_over_a_week_never_posts_the_stale_summary(rhythm, engine) -> None:
    for at in (stockholm(2026, 12, 7, 8), stockholm(2026, 12, 7, 9), stockholm(2026, 12, 10, 12)):
        rhythm.tick(at)  # the first tick after a stop: Monday 08:00 of week 50
    assert claimed(engine) == ["2026-W49"]
    assert [r.key for r in rows(engine, "summary.post")] == [summary_key(rhythm.workspace_id, "2026-W49")]
    rhythm.deliver(stockholm(2026, 12, 10, 12))
    (post,) = rhythm.summaries()
    assert "vecka 49" in post.args["text"]


# 5. Updated in place -----------------------------------------------------------------------------------------
def test_a_change_after_posting_updates_the_summary_in_place_and_notes_it(rhythm, chat) -> None:
    chat("U0POL1", "/lage v48 Vällingby 3", now=IN_W48)
    rhythm.tick(MON_W49)
    rhythm.deliver(MON_W49)
    ts = rhythm.ts("2026-W48")
    assert rhythm.updates() == [] and rhythm.thread(ts) == []  # no comments: no thread

    rated = MON_W49 + 5 * MINUTE
    assert chat("U0SDF", "/lage v48 Vällingby 5", now=rated).tone == "ok"
    rhythm.deliver(rated)
    (edit,) = rhythm.updates()
    assert edit.args["ts"] == ts and "vecka 48" in edit.args["text"]
    assert "*Vällingby*: Polisen 3 – Stadsdelen 5" in texts(edit.args["blocks"])  # now a disagreement
    (note,) = rhythm.thread(ts)
    assert note.args["text"].startswith("uppdaterad:") and {"Stadsdelen", "Vällingby"} <= set(note.args["text"].split())

    agreed = rated + 5 * MINUTE
    assert chat("U0COORD", "/veckolage fastställ v48 Grimsta 2", now=agreed).tone == "ok"
    rhythm.deliver(agreed)
    assert [u.args["ts"] for u in rhythm.updates()] == [ts, ts]
    notes = [n.args["text"] for n in rhythm.thread(ts)]
    assert len(notes) == 2 and notes[1].startswith("uppdaterad:") and "Grimsta fastställd 2" in notes[1]
    assert len(rhythm.summaries()) == 1


# 6. Reminders ------------------------------------------------------------------------------------------------
def reminder_of(rhythm: Rhythm, user: str, index: int = -1) -> tuple[str, dict]:
    """The text and the button of a reminder DM."""
    dm = rhythm.dms(user)[index]
    (button,) = [e for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return texts(dm.args["blocks"]), button


def test_reminders_go_to_members_with_areas_left_unless_muted(rhythm, chat) -> None:
    in_week = stockholm(2026, 11, 25, 10)
    for area in AREAS:
        chat("U0POL1", f"/lage v48 {area} 2", now=in_week)  # Polisen: every area rated
    chat("U0SDF", "/lage v48 Vällingby 3", now=in_week)
    assert chat("U0BOST", "/lage påminnelser av", now=in_week).tone == "ok"

    rhythm.tick(FRI_W48 - MINUTE)  # (claims last week's summary, nothing else)
    assert reminded(rhythm.engine) == []
    rhythm.tick(FRI_W48)
    assert reminded(rhythm.engine) == [("U0SDF", "2026-W48")]
    rhythm.deliver(FRI_W48)
    assert [c.args["users"] for c in rhythm.fake.calls_to("conversations.open")] == ["U0SDF"]
    shown, button = reminder_of(rhythm, "U0SDF")
    assert "Stadsdelen har inte bedömt 3 av 4 områden för vecka 48" in shown
    assert "Hässelby gård, Hässelby strand, Grimsta" in shown
    assert button["action_id"] == "open_rating_form" and button["value"] == "2026-W48"

    assert chat("U0BOST", "/lage påminnelser på", now=FRI_W48 + MINUTE).tone == "ok"
    rhythm.tick(MON_W49)  # 08:00, before the 10:00 deadline: about last week
    assert reminded(rhythm.engine) == [("U0BOST", "2026-W48"), ("U0SDF", "2026-W48"), ("U0SDF", "2026-W48")]
    rhythm.deliver(MON_W49)
    shown, button = reminder_of(rhythm, "U0BOST")
    assert button["value"] == "2026-W48" and "Bostadsbolaget har inte bedömt 4 av 4" in shown
    assert len(rhythm.dms("U0SDF")) == 2 and len(rhythm.dms("U0BOST")) == 1
    assert rhythm.dms("U0POL1") == rhythm.dms("U0POL2") == []


def test_a_reminder_is_not_sent_when_the_partner_reported_after_the_claim(rhythm, chat) -> None:
    rhythm.tick(FRI_W48)
    assert [user for user, _ in reminded(rhythm.engine)] == ["U0BOST", "U0POL1", "U0POL2", "U0SDF"]
    for area in AREAS:
        chat("U0POL2", f"/lage v48 {area} 2", now=FRI_W48 + MINUTE)
    rhythm.deliver(FRI_W48 + 2 * MINUTE)
    assert sorted(c.args["users"] for c in rhythm.fake.calls_to("conversations.open")) == ["U0BOST", "U0SDF"]
    assert rhythm.dms("U0POL1") == rhythm.dms("U0POL2") == []
    assert len(rhythm.dms("U0SDF")) == len(rhythm.dms("U0BOST")) == 1
    assert {r.status for r in rows(rhythm.engine, "reminder.dm")} == {"sent"}


# 7. Holidays and skipped weeks ---------------------------------------------------------------------------------
def test_the_summary_due_on_easter_monday_waits_for_tuesday(rhythm, engine) -> None:
    configure(engine, rhythm.workspace_id, created_at=EARLY)
    for before in (stockholm(2027, 3, 29, 8), stockholm(2027, 3, 29, 23, 59), stockholm(2027, 3, 30, 7, 59)):
        rhythm.tick(before)
        assert claimed(engine) == [], before
    rhythm.tick(stockholm(2027, 3, 30, 8))
    assert claimed(engine) == ["2027-W12"]


def test_a_reminder_due_on_good_friday_goes_out_on_thursday_before_the_holiday(rhythm, engine) -> None:
    """Friday 12:00 is Good Friday 2027 and the next working day (Tuesday) is after the week's deadline."""
    configure(engine, rhythm.workspace_id, created_at=EARLY)
    thursday = stockholm(2027, 3, 25, 12)
    rhythm.tick(thursday - MINUTE)
    assert reminded(engine) == []
    rhythm.tick(thursday)
    assert reminded(engine) == [(user, "2027-W12") for user in ("U0BOST", "U0POL1", "U0POL2", "U0SDF")]
    for later in (stockholm(2027, 3, 26, 12), stockholm(2027, 3, 30, 12)):
        rhythm.tick(later)
    assert len(reminded(engine)) == 4


def test_a_skipped_week_has_no_reminders_and_no_summary_until_resumed(rhythm, chat, engine) -> None:
    in_week = stockholm(2026, 11, 25, 10)
    refused = chat("U0POL1", "/veckolage hoppa-över v48", now=in_week)
    assert refused.tone == "error" and "Bara samordnare kan hoppa över en vecka." in refused.lines
    with session_scope(engine) as session:
        assert session.execute(select(SkippedWeek)).first() is None
    assert chat("U0COORD", "/veckolage hoppa-över v48", now=in_week).tone == "ok"

    rhythm.tick(FRI_W48)
    rhythm.tick(MON_W49)  # neither the summary of week 48 nor a reminder about it
    assert claimed(engine) == ["2026-W47"] and reminded(engine) == []
    assert chat("U0POL1", "/veckolage återuppta v48", now=MON_W49 + MINUTE).tone == "error"
    assert chat("U0COORD", "/veckolage återuppta v48", now=MON_W49 + MINUTE).tone == "ok"
    rhythm.tick(MON_W49 + 2 * MINUTE)
    assert claimed(engine) == ["2026-W47", "2026-W48"] and len(reminded(engine)) == 4


# 8. Daylight saving time ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("due", "week"), [
    pytest.param(datetime(2026, 3, 30, 6, 0, tzinfo=UTC), "2026-W13", id="after-spring-forward-CEST"),
    pytest.param(datetime(2026, 10, 26, 7, 0, tzinfo=UTC), "2026-W43", id="after-fall-back-CET"),
])
def test_the_summary_fires_at_eight_local_time_across_dst(rhythm, engine, due, week) -> None:
    configure(engine, rhythm.workspace_id, created_at=EARLY)
    assert due == stockholm(due.year, due.month, due.day, 8)
    assert (rhythm.tick(due - MINUTE), claimed(engine)) == ([], [])
    rhythm.tick(due)
    assert claimed(engine) == [week]


# 9. publicera --------------------------------------------------------------------------------------------------
def test_publicera_posts_now_and_later_refreshes_instead_of_posting_again(rhythm, chat, engine) -> None:
    sunday = stockholm(2026, 11, 29, 18)
    refused = chat("U0POL1", "/veckolage publicera v48", now=sunday)
    assert refused.tone == "error" and "Bara samordnare kan publicera sammanfattningen." in refused.lines
    assert rows(engine, "summary.post") == []

    published = chat("U0COORD", "/veckolage publicera v48", now=sunday)
    assert published.tone == "ok" and "publiceras" in plain(published.title)
    rhythm.deliver(sunday)
    assert len(rhythm.summaries()) == 1
    ts = rhythm.ts("2026-W48")

    rhythm.tick(MON_W49)  # the schedule finds it claimed
    assert claimed(engine) == ["2026-W48"]
    rhythm.deliver(MON_W49)
    assert len(rhythm.summaries()) == 1 and rhythm.updates() == []

    refreshed = chat("U0COORD", "/veckolage publicera v48", now=MON_W49 + MINUTE)
    assert refreshed.tone == "ok" and "uppdateras" in plain(refreshed.title)
    rhythm.deliver(MON_W49 + MINUTE)
    (edit,) = rhythm.updates()
    assert edit.args["ts"] == ts and len(rhythm.summaries()) == 1
    (note,) = rhythm.thread(ts)
    assert note.args["text"] == "uppdaterad: på begäran av <@U0COORD>"  # not "uppdaterad: uppdaterad på …"


def test_publicera_of_a_week_before_setup_does_not_promise_a_post(rhythm, chat, engine) -> None:
    reply = chat("U0COORD", "/veckolage publicera v46")  # week 46 ended before the set-up (22 Nov)
    assert reply.tone == "error" and "tog slut innan Veckoläge sattes upp" in " ".join(reply.lines)
    assert rows(engine, "summary.post") == []


def test_no_automatic_summary_for_a_week_that_ended_before_the_set_up(rhythm, engine) -> None:
    """Set up on Tuesday of week 49: Monday's summary of week 48 (still due this week) is not caught up."""
    tuesday = stockholm(2026, 12, 1, 10)
    configure(engine, rhythm.workspace_id, created_at=tuesday, reminder_slots="")
    rhythm.tick(tuesday + MINUTE)
    rhythm.deliver(tuesday + MINUTE)
    assert claimed(engine) == [] and rhythm.summaries() == []
    configure(engine, rhythm.workspace_id, created_at=stockholm(2026, 11, 29, 23))  # Sunday of week 48
    rhythm.tick(tuesday + 2 * MINUTE)
    assert claimed(engine) == ["2026-W48"]  # a week that ended after the set-up is summed up


# 10. Rate limits -----------------------------------------------------------------------------------------------
def test_a_rate_limited_summary_waits_for_retry_after_then_posts_once(rhythm, engine) -> None:
    configure(engine, rhythm.workspace_id, reminder_slots="")
    rhythm.tick(MON_W49)
    rhythm.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    worker = rhythm.worker(MON_W49)
    rhythm.run(worker, MON_W49)
    (row,) = rows(engine, "summary.post")
    assert row.status == "pending" and row.due_at == MON_W49 + 30 * SECOND and "429" in row.last_error
    assert rhythm.run(worker, MON_W49 + 29 * SECOND) == 0
    assert len(rhythm.summaries()) == 1  # only the refused attempt
    assert rhythm.run(worker, MON_W49 + 30 * SECOND) == 1
    assert len(rhythm.summaries()) == 2 and rhythm.ts("2026-W48")
    rhythm.run(worker, MON_W49 + 40 * SECOND)
    assert len(rhythm.summaries()) == 2
    assert len([m for m in rhythm.fake.channel("C0SUMMARY") if "thread_ts" not in m]) == 1


# 11. The reminder's button -------------------------------------------------------------------------------------
def test_the_reminder_button_opens_the_rating_form_for_its_week(engine, workspace_id, fake_slack) -> None:
    # Monday afternoon of week 48: week 48 is under assessment, the button asks for week 47.
    app = h.build_app(engine, fake_slack, clock=lambda: stockholm(2026, 11, 23, 14))
    body = h.block_actions_body("open_rating_form", "2026-W47", user="U0POL1", channel="DU0POL1")
    response = h.dispatch(app, body, h.signed_headers(body))
    assert response.status == 200, response.body
    (call,) = fake_slack.calls_to("views.open")
    view = call.args["view"]
    assert call.args["trigger_id"] == "555.666.ghi" and call.token == h.BOT_TOKEN
    assert view["type"] == "modal" and view["callback_id"] == "rating_form"
    assert json.loads(view["private_metadata"])["week"] == "2026-W47" and view["title"]["text"] == "Lägesbild v47"
    assert [b["label"]["text"] for b in view["blocks"] if b.get("block_id", "").startswith("level-")] == AREAS


# 12. The command line --------------------------------------------------------------------------------------------
def run_bot(cwd, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` in `cwd`, without the caller's Slack and database variables."""
    own = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "VECKOLAGE_CONFIG")}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                          env={**own, "PYTHONIOENCODING": "utf-8", **env}, capture_output=True, text=True,
                          encoding="utf-8", timeout=90)


def test_clock_and_post_summary_are_modes_of_the_command_line(tmp_path) -> None:
    for mode, word in (("post-summary", "vecka"), ("clock", "Användning")):
        shown = run_bot(tmp_path, mode, "--help")
        assert shown.returncode == 0 and mode in shown.stdout and word in shown.stdout, shown.stderr
    clock = run_bot(tmp_path, "clock")
    assert clock.returncode == 2, clock
    assert "SLACK_BOT_TOKEN" in clock.stderr and ("saknas" in clock.stderr or "behöver" in clock.stderr)
    assert "Traceback" not in clock.stderr + clock.stdout


def test_clock_without_a_token_is_not_told_about_http_mode(tmp_path) -> None:
    clock = run_bot(tmp_path, "clock")
    assert clock.returncode == 2 and "HTTP-läget" not in clock.stderr and "SLACK_SIGNING_SECRET" not in clock.stderr


def test_post_summary_of_a_week_before_setup_ends_without_a_traceback(tmp_path) -> None:
    (tmp_path / "veckolage.toml").write_text(SETUP_TOML, encoding="utf-8")
    result = run_bot(tmp_path, "post-summary", "2020-W10", SLACK_BOT_TOKEN="xoxb-test",
                     SLACK_API_URL="http://127.0.0.1:9/api/", DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}")
    assert "Traceback" not in result.stderr + result.stdout


def test_a_reminder_never_moves_past_the_deadline_of_its_week() -> None:
    """Good Friday 12:00 cannot move to Tuesday (another week is assessed by then): it goes to Thursday."""
    from commands.core.weeks import Week
    from commands.rhythm.calendar import scheduled_moment
    from commands.rhythm.schedule import _assessed

    workspace = Workspace(key="k", reminder_slots="4:720", deadline_weekday=0, deadline_minute=600)
    planned = scheduled_moment(Week(2027, 12), 4, 720, "Europe/Stockholm", move=False)  # Good Friday 2027-03-26
    moved = scheduled_moment(Week(2027, 12), 4, 720, "Europe/Stockholm")
    assert moved.date().isoformat() == "2027-03-30" and _assessed(workspace, moved) != _assessed(workspace, planned)
    earlier = scheduled_moment(Week(2027, 12), 4, 720, "Europe/Stockholm", earlier=True)
    assert earlier.isoformat() == "2027-03-25T12:00:00+01:00"
