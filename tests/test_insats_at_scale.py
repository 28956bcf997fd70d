"""Every insats screen at the largest collaboration we design for (20 areas, 10 partners with long Swedish names),
with 60 insatser of 200 characters and long places, 10 priorities and 10 local risk dates: the grid, the lists,
the quarter, the summary and its thread, App Home, the reminder, the form and the alert, all within Slack's limits."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.slack.reminder_blocks import reminder_message
from commands.rhythm.reminders import reminder_for
from storage import queries
from storage.db import session_scope
from storage.models import Insats, Workspace
from tests import slack_harness as h
from tests import test_at_scale as scale
from tests.slack_harness import texts
from tests.test_at_scale import big  # noqa: F401  (the 20 × 10 collaboration, a fixture)

fake_slack = h.fake_slack
AREAS, COORD, WEEK, within_limits = scale.AREAS, scale.COORD, scale.WEEK, scale.within_limits
PLACE = "gångtunneln under Bergslagsvägen mot skolan och idrottsplatsens norra infart 2bc"
WHAT = ("Trygghetsvandring med föräldrar och fältassistenter fredag och lördag kväll; belysningen ses över "
        "med fastighetsägaren & trafikkontoret; klotter anmäls samma dag; uppföljning i nästa möte om läget, ok")


def test_every_insats_screen_at_20_areas_and_10_partners_stays_within_slacks_limits(request, engine) -> None:
    collab = request.getfixturevalue("big")
    assert len(PLACE) == 80 and len(WHAT) == 200
    for n in range(60):
        weeks = "v40–v44" if n % 3 else "v46–v49"  # a third still running, two thirds overdue for follow-up
        answer = collab.command(f"/insats {AREAS[n % 20]} ({PLACE}) {WHAT} {weeks}", user=f"U0P{n % 10:02d}")
        assert "sparad" in texts(answer), texts(answer)
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Insats)).scalar_one() == 60
    priorities = ", ".join(f"{area} ({PLACE})" for area in AREAS[:10])
    assert "Prioriterat" in texts(collab.command(f"/veckolage prioritera {priorities}", user=COORD))
    for day in range(10):
        collab.command(f"/lagesadmin riskdag lägg-till 2026-12-0{day % 7 + 1} {'Lokal händelse ' + str(day) + ' ' + 'x' * 60}",
                    user="U0ADMIN")

    grid = collab.command("/veckolage", user="U0P03")
    shown = texts(grid["blocks"])
    assert "🎯 Prioriterat v48: Vällingby centrum – torget och gallerian (gångtunneln" in shown
    assert "📋 Öppna insatser: 60 i 20 områden · 40 med försenad uppföljning – /insats lista" in shown
    assert next(b for b in grid["blocks"] if b["type"] == "table")
    listed = collab.command("/insats lista alla", user="U0P03")
    assert "/insats lista alla" in texts(listed) and "… och" in texts(listed)  # what has no room is counted
    collab.command(f"/insats lista {AREAS[0]}", user="U0P03")
    quarter = collab.command("/veckolage kvartal 2026-Q4", user="U0P03")
    assert "Kvartalet 2026-Q4 (v40–v53, 14 veckor)" in texts(quarter)
    assert texts(quarter).count("insatser: 0 klara, 3 öppna") == 20

    collab.command("/veckolage publicera v47", user=COORD)
    collab.deliver(60)
    summary = [c for c in collab.fake.calls_to("chat.postMessage") if c.args["channel"] == "C0SUMMARY"]
    post, *thread = summary
    assert "📅 Inför v49:" in texts(post.args["blocks"]) and "🎯 Prioriterat" in texts(post.args["blocks"])
    replies = texts([c.args["blocks"] for c in thread])
    assert "Öppna insatser per område" in replies and replies.count("Försenad uppföljning") == 1

    collab.command("/insats", user="U0P01")
    within_limits(collab.opened(), view=True)
    collab.command("/handelse Grimsta – idrottsplatsen och reservatet skjutning skott", user="U0P01")
    collab.deliver(10)
    alert = [c for c in collab.fake.calls_to("chat.postMessage") if c.args["channel"] == "C0ALERTS"][-1]
    assert "Planera insats" in texts(alert.args["blocks"])
    collab.send(h.block_actions_body("plan_insats", alert.args["blocks"][-1]["elements"][-1]["value"]
                                  if alert.args["blocks"][-1]["type"] == "actions" else
                                  next(b for b in alert.args["blocks"] if b["type"] == "actions")["elements"][-1]["value"],
                                  user=COORD, channel="C0ALERTS"))
    form = collab.opened()
    area = next(b for b in form["blocks"] if b.get("block_id") == "area")["element"]["initial_option"]
    assert area["text"]["text"] == "Grimsta – idrottsplatsen och reservatet"

    collab.send(h.event_body({"type": "app_home_opened", "user": "U0P02", "tab": "home"}))
    home = collab.fake.calls_to("views.publish")[-1].args["view"]
    assert "Uppföljning för Svenska Bostäder – förvaltning Vällingby (4)" in texts(home)
    assert "🎯 Prioriterat v48: Vällingby centrum – torget och gallerian" in texts(home)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, queries.workspace_for(session, key="T0TEST").id)
        reminder = reminder_for(session, workspace, "U0P09", WEEK)
    message = reminder_message(reminder)
    assert "Uppföljning för Grundskolorna i Hässelby-Vällingby (rektorer)" in texts(message)
    within_limits(message)

    sent = [c for c in collab.fake.calls if c.method.startswith(("chat.", "views."))]
    for call in sent:
        view = call.method.startswith("views.")
        within_limits(call.args["view"] if view else call.args, view=view)
    for answer, view in collab.acks:
        within_limits(answer, view=view)
