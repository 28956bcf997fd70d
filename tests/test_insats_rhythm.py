"""The meeting's decisions in the weekly rhythm: the Monday summary (priorities, open and overdue insatser, next
week's risk dates, a risk date on a public holiday), across the end of summer time, and the reminder DM of the
responsible partner's members; through the real clock, outbox and fake Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import slack_harness as h
from tests.slack_harness import texts
from tests.test_rhythm import Rhythm, claimed, configure, stockholm

fake_slack = h.fake_slack


@pytest.fixture
def rhythm(engine, workspace_id, fake_slack) -> Rhythm:
    return Rhythm(engine, workspace_id, fake_slack)

IN_W42 = stockholm(2026, 10, 14, 10)
MON_W43 = stockholm(2026, 10, 19, 8)  # summer time: 06:00 UTC
MON_W44 = stockholm(2026, 10, 26, 8)  # the day after summer time ends: 07:00 UTC


def test_the_summary_names_priorities_open_insatser_and_next_weeks_risk_dates(rhythm, chat, engine,
                                                                                workspace_id) -> None:
    configure(engine, workspace_id, created_at=datetime(2026, 9, 1, tzinfo=UTC))
    chat("U0POL1", "/insats Vällingby (torget) trygghetsvandring v42–v43", now=IN_W42)
    chat("U0SDF", "/insats Grimsta belysning i gångtunneln v40", now=IN_W42)  # follow-up v41: overdue
    chat("U0COORD", "/veckolage prioritera v43 Vällingby (torget)", now=IN_W42)
    chat("U0POL1", "/lage v42 Vällingby 3", now=IN_W42)
    chat("U0ADMIN", "/lagesadmin riskdag lägg-till 2026-11-07 Fotbollsderby", now=IN_W42)

    rhythm.tick(MON_W43)
    rhythm.deliver(MON_W43, rounds=8)
    (post,) = rhythm.summaries()
    shown = texts(post.args["blocks"])
    assert "🎯 Prioriterat v43: Vällingby (torget)" in shown
    assert "📋 Öppna insatser: 2 i 2 områden · 1 med försenad uppföljning – /insats lista" in shown
    # Halloween 2026 falls on Alla helgons dag: named with the holiday, the week before
    assert "📅 Inför v44: Höstlov (ca mån 26 okt), Halloween (lör 31 okt, Alla helgons dag) – planerade insatser?" \
        in shown
    assert shown.index("Prioriterat") < shown.index("Har inte rapporterat")  # at the top
    (thread,) = rhythm.thread(rhythm.ts("2026-W42"))
    replies = texts(thread.args["blocks"])
    assert "*📋 Öppna insatser per område*" in replies
    assert "Vällingby: #" in replies and "trygghetsvandring (Polisen, v42–v43)" in replies
    assert "*⏰ Försenad uppföljning*" in replies and "belysning i gångtunneln – Stadsdelen, v40" in replies

    rhythm.tick(MON_W44 - timedelta(minutes=1))  # 07:59 winter time, 06:59 UTC: not yet
    assert claimed(engine) == ["2026-W42"]
    rhythm.tick(MON_W44)
    assert MON_W44 == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    rhythm.deliver(MON_W44)
    latest = texts(rhythm.summaries()[-1].args["blocks"])
    assert "vecka 43" in latest and "📅 Inför v45: Fotbollsderby (lör 7 nov) – planerade insatser?" in latest


def test_the_responsible_partners_reminder_lists_its_follow_ups(rhythm, chat, engine, workspace_id) -> None:
    configure(engine, workspace_id, created_at=datetime(2026, 9, 1, tzinfo=UTC))
    chat("U0SDF", "/insats Grimsta belysning i gångtunneln v40", now=IN_W42)
    chat("U0POL1", "/insats Vällingby vandring v42", now=IN_W42)
    friday = stockholm(2026, 10, 23, 12)
    for area in ("Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta"):  # Polisen has rated every area
        chat("U0POL1", f"/lage v43 {area} 2", now=friday - timedelta(hours=2))
    rhythm.tick(friday)
    rhythm.deliver(friday)
    sdf = texts(rhythm.dms("U0SDF")[-1].args["blocks"])
    assert "Uppföljning för Stadsdelen (1): skriv /insats klar &lt;nr&gt; &lt;resultat&gt; när en insats är gjord." in sdf
    assert "belysning i gångtunneln – Stadsdelen, v40 · _pågår · uppföljning försenad (v41)_" in sdf
    police = rhythm.dms("U0POL1")[-1].args  # nothing to rate, an insats to follow up: a reminder of that alone
    assert police["text"] == "Påminnelse: Polisen har insatser att följa upp (1 st.) för vecka 43, 2026 (19–25 okt)."
    assert "vandring – Polisen, v42 · _pågår · uppföljning v43_" in texts(police["blocks"])
    assert "gångtunneln" not in texts(police["blocks"]) and "open_rating_form" not in str(police["blocks"])
    bost = texts(rhythm.dms("U0BOST")[-1].args["blocks"])
    assert "har inte bedömt 4 av 4 områden" in bost and "Uppföljning" not in bost
