"""The first week: a week that ended before the set-up is posted when a coordinator (or the command line)
asks and it has data, never by the clock; and no sentence starts with a lower-case "vecka"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.console.render import plain, render_text
from commands.core.weeks import Week
from commands.rhythm.summary import SummaryError, publish_summary
from storage.db import session_scope
from storage.models import Workspace
from tests import slack_harness as h
from tests.conftest import NOW
from tests.slack_harness import texts
from tests.test_rhythm import Rhythm, claimed, rows

fake_slack = h.fake_slack
LATER = NOW + timedelta(minutes=5)  # the set-up is NOW (Sunday of week 47); weeks 45 and 46 ended before it


@pytest.fixture
def rhythm(engine, workspace_id, fake_slack) -> Rhythm:
    return Rhythm(engine, workspace_id, fake_slack)


def week_46_with_data(chat) -> None:
    assert chat("U0POL1", "/lage v46 Grimsta 3 oroligt").tone == "ok"
    assert chat("U0SDF", "/handelse v46 Vällingby skjutning 2026-11-14 22:15 skott").tone == "ok"


def test_publicera_posts_a_week_before_the_setup_that_has_data(rhythm, chat) -> None:
    week_46_with_data(chat)
    reply = chat("U0COORD", "/veckolage publicera v46", now=LATER)
    assert reply.tone == "ok" and "Sammanfattningen för vecka 46, 2026 (9–15 nov) publiceras" in plain(reply.title)
    rhythm.deliver(LATER)
    (summary,) = rhythm.summaries()
    assert "vecka 46, 2026" in texts(summary.args["blocks"]) and "Skjutning" in texts(summary.args["blocks"])


def test_the_command_line_posts_it_too(rhythm, chat, engine) -> None:
    week_46_with_data(chat)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, rhythm.workspace_id)
        message = publish_summary(session, workspace, Week(2026, 46), actor="cli", now=LATER)
    assert "publiceras" in plain(message) and claimed(engine) == ["2026-W46"]


def test_the_clock_never_posts_a_week_that_ended_before_the_setup(rhythm, chat, engine) -> None:
    week_46_with_data(chat)
    # Sunday of week 47: week 46's Monday summary is overdue, but the week predates the set-up.
    assert not [line for line in rhythm.tick(LATER) if line.startswith("sammanfattning")]
    assert rows(engine, "summary.post") == []
    assert "sammanfattning 2026-W47" in rhythm.tick(NOW + timedelta(days=1))  # Monday: week 47 is ours


def test_a_week_before_the_setup_without_data_is_refused_in_a_proper_sentence(chat, engine, workspace_id) -> None:
    reply = chat("U0COORD", "/veckolage publicera v45", now=LATER)
    assert reply.tone == "error"
    assert reply.lines[0].startswith("Vecka 45, 2026 (2–8 nov) tog slut innan Veckoläge sattes upp")
    assert rows(engine, "summary.post") == []
    with session_scope(engine) as session, pytest.raises(SummaryError, match="^Vecka 45"):
        publish_summary(session, session.get(Workspace, workspace_id), Week(2026, 45), actor="cli", now=LATER)


def test_two_requests_for_the_same_new_week_one_claims_the_other_hears_it_is_on_its_way(chat, engine) -> None:
    first = chat("U0COORD", "/veckolage publicera v47", now=LATER)
    second = chat("U0COORD", "/veckolage publicera v47", now=LATER)
    assert "publiceras" in plain(first.title) and "redan på väg" in plain(second.title)
    assert claimed(engine) == ["2026-W47"]


LOWER_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)vecka\b")


SEQUENCE = [  # one conversation: refusals and confirmations that name a week first
    ("U0COORD", "/veckolage publicera v45"), ("U0COORD", "/veckolage hoppa-över v48"),
    ("U0COORD", "/veckolage hoppa-över v48"), ("U0COORD", "/veckolage återuppta v48"),
    ("U0COORD", "/veckolage återuppta v48"), ("U0COORD", "/veckolage v49"), ("U0POL1", "/lage v49 Grimsta 2"),
    ("U0COORD", "/veckolage fastställ v49 Grimsta 2"), ("U0COORD", "/veckolage hoppa-över 2027-W50"),
    ("U0POL1", "/handelse Grimsta hot 2026-11-08 20:00"), ("U0POL1", "/handelse v46 Grimsta hot 2026-11-20 20:00"),
]


def test_no_sentence_starts_with_a_lower_case_vecka(chat) -> None:
    for user, typed in SEQUENCE:
        reply = chat(user, typed, now=LATER)
        for line in (reply.title, *reply.lines):
            assert not LOWER_START.search(plain(line)), (typed, line)
        assert render_text(reply, color=False)
