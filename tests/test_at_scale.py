"""Every message the bot sends, at the largest collaboration we design for, within Slack's limits.

20 areas and 10 partners with long Swedish names, a 300-character comment in every cell, 500-character
event descriptions with line breaks. Everything goes through the real app, the outbox and the fake Slack
(which refuses what Slack refuses); each payload is also checked here with the same helper, counting the
`text` fallback too: at most 50 blocks (100 in a view), 3,000 per section, 12,000 UTF-16 units of text,
one table, unique block and action ids.
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.jobs.outbox_worker import Deliverer, outbox_client
from bot.slack.limits import MESSAGE_TEXT, block_units, problems, units
from bot.slack.reminder_blocks import reminder_message
from commands.core.weeks import Week
from commands.rhythm.reminders import reminder_for
from commands.setup.file import parse_setup
from commands.setup.sync import sync_setup
from storage import queries
from storage.db import session_scope
from storage.models import Event, Workspace
from storage.queries.rating_write import save_rating
from tests import slack_harness as h
from tests.conftest import NOW
from tests.slack_harness import texts

fake_slack = h.fake_slack
AREAS = [
    "Vällingby centrum – torget och gallerian", "Hässelby gård – tunnelbanan och torget",
    "Hässelby strand – strandbadet och skolan", "Grimsta – idrottsplatsen och reservatet",
    "Råcksta – kontorsområdet vid Lövstavägen", "Nälsta – Blackebergsvägen och bollplanen",
    "Vinsta – företagsområdet och Vinsta torg", "Beckomberga – parken och sjukhusområdet",
    "Kälvesta – radhusområdet och vattentornet", "Hässelby villastad – Maltesholmsbadet",
    "Solhem – Spånga station och Solhemsbadet", "Lunda – industriområdet vid Kvarnbacka",
    "Sörvik – Hässelby strand sydvästra delen", "Riddersvik – gården och Lövsta allé",
    "Backlura – bostadsområdet vid Ormängsgatan", "Kvarnbacka – skogen och motionsspåret",
    "Smedshagen – Hässelby gårds norra delar", "Blackeberg – centrum och tunnelbanan",
    "Johannelund – tunnelbaneplattformen", "Ängby – Ängbybadet och koloniområdet",
]
PARTNERS = [
    ("Stadsdelsförvaltningen Hässelby-Vällingby", "SDF"), ("Polisen – lokalpolisområde Västerort", "Polis"),
    ("Svenska Bostäder – förvaltning Vällingby", None), ("Familjebostäder – region Västerort", "Familjebost."),
    ("Stockholmshem – Hässelby och Vällingby", None), ("Securitas Bevakning – område Västerort", "Securitas"),
    ("Trafikkontoret – Stockholms stad, Västerort", None), ("Räddningstjänsten Storstockholm", "Räddning"),
    ("Vällingby centrum fastighetsförvaltning AB", None), ("Grundskolorna i Hässelby-Vällingby (rektorer)", None),
]
COORD = "U0COORD"
COMMENT = ("Oroligt kring kvällarna & helgerna: ungdomsgrupper samlas vid entrén, klotter på väggarna och "
           "nedskräpning. Vaktbolaget har ökat närvaron fredag–lördag; vi följer upp med polisen och skolan. "
           "Ingen personuppgift här – bara läget. Nästa vecka mer belysning vid gångtunneln och ny grind mot p-huset. Hej")
DESCRIPTION = ("Flera skott avlossades mot en port vid gångvägen.\nPolis på plats inom fem minuter, området "
               "avspärrat under kvällen.\n") + "Vittnen hörde smällar och såg en bil lämna platsen i hög fart. " * 6 + "Mer s."
WEEK = Week(2026, 47)


def setup_toml() -> str:
    lines = ['summary_channel = "C0SUMMARY"', 'alert_channel = "C0ALERTS"', f'coordinators = ["{COORD}"]',
             'admins = ["U0ADMIN"]', f"areas = {json.dumps(AREAS, ensure_ascii=False)}"]
    for index, (name, short) in enumerate(PARTNERS):
        lines += ["", "[[partner]]", f'name = "{name}"', f'members = ["U0P{index:02d}"]']
        lines += [f'short = "{short}"'] if short else []
    return "\n".join(lines) + "\n"


def within_limits(payload: dict, *, view: bool = False) -> None:
    """What Slack would refuse, and our own whole-message budget (blocks and the `text` fallback together)."""
    blocks = payload.get("blocks") or []
    assert problems(blocks, view=view) == [], texts(blocks)[:300]
    if not view:
        assert block_units(blocks) + units(payload.get("text") or "") <= MESSAGE_TEXT


class Collaboration:
    """The real app on the fake Slack, the outbox worker with an advancing clock, and users typing."""

    def __init__(self, engine, fake) -> None:
        self.engine, self.fake, self.now = engine, fake, NOW
        self.app = h.build_app(engine, fake, clock=lambda: self.now)
        self.triggers = itertools.count(1)
        self.acks: list[tuple[dict, bool]] = []  # every answer the app gave, and whether it is a view

    def send(self, body: str) -> dict:
        response = h.dispatch(self.app, body, h.signed_headers(body))
        assert response.status == 200, response.body
        return json.loads(response.body) if response.body else {}

    def command(self, line: str, user: str = "U0P00") -> dict:
        command, _, text = line.partition(" ")
        answer = self.send(h.slash_body(command, text, user=user, trigger_id=f"T{next(self.triggers)}"))
        self.acks.append((answer, False))
        return answer

    def submit(self, view: dict, values: dict, user: str) -> dict:
        answer = self.send(h.view_submission_body(view, values, user=user))
        if answer.get("view"):
            self.acks.append((answer["view"], True))
        return answer

    def deliver(self, seconds: int = 120) -> None:
        """Run the outbox a while (Slack's pace is one message a second per channel)."""
        worker = Deliverer(self.engine, outbox_client("xoxb-test", self.fake.url), clock=lambda: self.now)
        for _ in range(seconds):
            self.now += timedelta(seconds=2)
            worker.run_once(now=self.now)

    def opened(self) -> dict:
        return self.fake.calls_to("views.open")[-1].args["view"]


@pytest.fixture
def big(engine, fake_slack) -> Collaboration:
    with session_scope(engine) as session:
        workspace = sync_setup(session, parse_setup(setup_toml()), now=NOW - timedelta(days=30)).workspace_id
    with session_scope(engine) as session:
        areas = queries.active_areas(session, workspace_id=workspace)
        for a, area in enumerate(areas):
            for p, partner in enumerate(queries.active_partners(session, workspace_id=workspace)):
                for week, level in ((46, 1 + (a + p) % 3), (47, 1 + (a * 3 + p) % 5)):
                    if week == 47 and p == 9 and a >= 15:
                        continue  # the schools have five areas left: a reminder to send
                    save_rating(session, workspace_id=workspace, area=area, partner=partner, year=2026, week=week,
                                level=level, comment=COMMENT if week == 47 else None, user_id=f"U0P{p:02d}",
                                now=NOW - timedelta(days=1))
    return Collaboration(engine, fake_slack)


def test_every_message_at_20_areas_and_10_partners_stays_within_slacks_limits(big, engine) -> None:
    # Events through the form: 12 critical, 10 not, each with a 500-character description in three lines.
    big.command("/handelse", user="U0P01")
    form = big.opened()
    area_ids = {o["text"]["text"]: o["value"] for b in form["blocks"] if b.get("block_id") == "area"
                for o in b["element"]["options"]}
    assert len(DESCRIPTION) == 500 and len(area_ids) == 20
    for n in range(22):
        kind = "skjutning" if n < 12 else ("skadegorelse" if n % 2 else "stenkastning")
        values = {"area": {"area": {"selected_option": {"value": area_ids[AREAS[n % 20]]}}},
                  "type": {"type": {"selected_option": {"value": kind}}},
                  "when": {"when": {"selected_date_time": int((NOW - timedelta(hours=n)).timestamp())}},
                  "description": {"description": {"value": DESCRIPTION}}}
        assert big.submit({**form, "id": f"V{n}"}, values, user="U0P01")["response_action"] == "update"
    big.deliver(30)  # 12 alerts
    alerts = big.fake.calls_to("chat.postMessage")
    assert len([c for c in alerts if c.args["channel"] == "C0ALERTS"]) == 12
    first_ids = [b["block_id"] for b in alerts[0].args["blocks"]]

    # Updates of alerts: acknowledged, withdrawn, downgraded; renotifications for the rest.
    with session_scope(engine) as session:  # event numbers: PostgreSQL's sequences do not restart per test
        first, second, third = session.execute(select(Event.id).order_by(Event.id).limit(3)).scalars()
    big.send(h.block_actions_body("acknowledge_event", str(first), user=COORD, channel="C0ALERTS",
                                  response_url=big.fake.response_url()))
    big.command(f"/handelse återkalla {second} felrapport – det var fyrverkerier", user=COORD)
    big.command(f"/handelse ändra {third} typ stenkastning", user=COORD)
    big.now += timedelta(minutes=20)
    big.deliver(60)
    updates = big.fake.calls_to("chat.update")
    assert len(updates) == 3
    assert not set(first_ids) & {b["block_id"] for b in updates[0].args["blocks"]}  # an update: new block ids

    # The summary of the week, its thread in parts, then an update and its note.
    assert "<#C0SUMMARY>" in texts(big.command("/veckolage publicera v47", user=COORD))
    big.deliver(60)
    summary = [c for c in big.fake.calls_to("chat.postMessage") if c.args["channel"] == "C0SUMMARY"]
    post, *thread = summary
    assert [b["type"] for b in post.args["blocks"]].count("table") == 1 and "thread_ts" not in post.args
    assert len(thread) >= 6 and len({c.args.get("thread_ts") for c in thread} - {None}) == 1
    shown = texts([c.args["blocks"] for c in thread])
    assert shown.count(COMMENT.replace("&", "&amp;")) == 200 - 5  # every comment, once, across the parts
    big.command("/lage v47 Vällingby centrum – torget och gallerian 5 ny kommentar", user="U0P09")
    big.deliver(10)
    assert big.fake.calls_to("chat.update")[-1].args["channel"] == "C0SUMMARY"

    # What people see in the app: grid, lists, comments, forms, confirmations, help, Home.
    grid = big.command("/veckolage", user="U0P03")
    table = next(b for b in grid["blocks"] if b["type"] == "table")
    assert len(table["rows"]) == 21 and len(table["rows"][0]) == 12
    assert [c["text"] for c in table["rows"][0][2:5]] == ["SDF", "Polis", "Svenska Bostäder – förvaltning Vällingby"]
    assert "/veckolage kommentarer" in texts(grid["blocks"])
    for line in ("/handelse lista v47", "/veckolage kommentarer", "/veckolage kommentarer Vällingby centrum",
                 "/veckolage trend Grimsta", "/lagesadmin visa", "/lagesadmin logg", "/lage hjälp",
                 "/veckolage hjälp", "/handelse hjälp", "/lagesadmin hjälp", "/veckolage fastställ Grimsta 3",
                 "/lage Grimsta – idrottsplatsen och reservatet 4 " + COMMENT):
        big.command(line, user="U0ADMIN" if line.startswith("/lagesadmin") else COORD if "fastst" in line
                    else "U0P01")
    big.command("/lage", user="U0P02")
    rating_form = big.opened()
    values = {b["block_id"]: {b["element"]["action_id"]: {"selected_option": {"value": "2"}} if
                              b["block_id"].startswith("level") else {"value": COMMENT}}
              for b in rating_form["blocks"] if b["type"] == "input"}
    done = big.submit(rating_form, values, user="U0P02")
    assert "20 områden har er bedömning, 20 med kommentar" in texts(done["view"])
    assert COMMENT[:40] not in texts(done["view"])  # a summary, not 20 comments again
    big.send(h.event_body({"type": "app_home_opened", "user": "U0P09", "tab": "home"}))
    home = big.fake.calls_to("views.publish")[-1].args["view"]
    assert "kritiska händelser till de senaste 4 veckorna" in texts(home)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, queries.workspace_for(session, key="T0TEST").id)
        reminder = reminder_for(session, workspace, "U0P09", WEEK)
    within_limits(reminder_message(reminder))

    # Everything above, as sent and as answered.
    sent = [c for c in big.fake.calls if c.method.startswith(("chat.", "views."))]
    assert {c.method for c in sent} >= {"chat.postMessage", "chat.update", "views.open", "views.publish"}
    for call in sent:
        view = call.method.startswith("views.")
        within_limits(call.args["view"] if view else call.args, view=view)
    for answer, view in big.acks:
        within_limits(answer, view=view)
    refused = [c for c in big.fake.calls if c.method.startswith(("chat.", "views.")) and problems(
        (c.args.get("view") or {}).get("blocks") if c.method.startswith("views.") else c.args.get("blocks"),
        view=c.method.startswith("views."))]
    assert refused == []
