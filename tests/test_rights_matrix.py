"""Who may do what: every command in the registry × every role, refused politely with nothing written.

The table below is the specification: one valid example per usage in `commands.registry.COMMANDS`, and the
roles allowed to run it. Everyone else gets a Swedish refusal (tone "error") and no table changes at all.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.console.render import plain as plain_text
from commands.core.context import Invocation
from commands.core.reply import Notice
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.registry import COMMANDS, dispatch
from storage.db import session_scope
from storage.models import Event, SkippedWeek
from tests.conftest import NOW

OUTSIDER, REPORTER_A, REPORTER_B, COORDINATOR, ADMIN = "outsider", "reporter A", "reporter B", "coordinator", "admin"
USERS = {OUTSIDER: "U0NOBODY", REPORTER_A: "U0POL1", REPORTER_B: "U0SDF", COORDINATOR: "U0COORD", ADMIN: "U0ADMIN"}
EVERYONE = frozenset(USERS)
KNOWN = EVERYONE - {OUTSIDER}
REPORTERS = frozenset({REPORTER_A, REPORTER_B})
COORDINATORS = frozenset({COORDINATOR})
ADMINS = frozenset({ADMIN})
OWNER_OR_COORDINATOR = frozenset({REPORTER_A, COORDINATOR})  # event {event} was reported by reporter A

# usage (as in the registry, with Slack's slash) → one valid example. {event} is reporter A's event, week 47 is skipped beforehand.
EXAMPLES = {
    "/lage [vecka] <område> <1-5> [kommentar]": "/lage Vällingby 3 lugnt",
    "/lage [vecka]": "/lage",
    "/lage påminnelser av|på": "/lage påminnelser av",
    "/lage hjälp": "/lage hjälp",
    "/veckolage [vecka]": "/veckolage",
    "/veckolage fastställ [vecka] <område> <1-5>": "/veckolage fastställ Vällingby 3",
    "/veckolage publicera [vecka]": "/veckolage publicera v47",
    "/veckolage hoppa-över [vecka]": "/veckolage hoppa-över v48",
    "/veckolage återuppta [vecka]": "/veckolage återuppta v47",
    "/veckolage kommentarer [vecka] <område>": "/veckolage kommentarer Vällingby",
    "/veckolage år [år]": "/veckolage år 2026",
    "/veckolage trend <område> [veckor]": "/veckolage trend Vällingby 8",
    "/veckolage export [år] csv|xlsx": "/veckolage export 2026 csv",
    "/veckolage storbild [dagar] | storbild återkalla <nr>": "/veckolage storbild 7",
    "/veckolage webb": "/veckolage webb",
    "/veckolage prioritera [vecka] <område> [(plats)], … | prioritera [vecka] -": "/veckolage prioritera Vällingby, Grimsta",
    "/veckolage kvartal [år-Qn] [xlsx]": "/veckolage kvartal 2026-Q4",
    "/veckolage riskdagar [år]": "/veckolage riskdagar 2026",
    "/veckolage hjälp": "/veckolage hjälp",
    "/handelse [vecka] <område> <typ> [när] [beskrivning]": "/handelse Vällingby stenkastning",
    "/handelse": "/handelse",
    "/handelse lista [vecka]": "/handelse lista",
    "/handelse ändra <nr> <område/typ/beskrivning/tid> <nytt värde>": "/handelse ändra {event} beskrivning ny text",
    "/handelse återkalla <nr> [orsak]": "/handelse återkalla {event}",
    "/handelse hjälp": "/handelse hjälp",
    "/insats <område> [(plats)] <vad> [ansvarig partner] [vecka[–vecka]]":
        "/insats Vällingby (torget) trygghetsvandring Polisen v48–v51",
    "/insats": "/insats",
    "/insats lista [område|partner|öppna|alla]": "/insats lista",
    "/insats klar <nr> [resultat]": "/insats klar {insats} fyra vandringar",
    "/insats ändra <nr> vad|plats|ansvarig|veckor|uppföljning|resultat <nytt värde>": "/insats ändra {insats} vad ny text",
    "/insats avbryt <nr> [orsak]": "/insats avbryt {insats}",
    "/insats hjälp": "/insats hjälp",
    "/lagesadmin visa": "/lagesadmin visa",
    "/lagesadmin område lägg-till|byt-namn|ta-bort <namn> [-> <nytt namn>]": "/lagesadmin område lägg-till Rinkeby",
    "/lagesadmin partner lägg-till|byt-namn|ta-bort <namn> [-> <nytt namn>] | partner kortnamn <partner> <kortnamn>":
        "/lagesadmin partner lägg-till Räddningstjänsten",
    "/lagesadmin medlem lägg-till <partner> @användare … | medlem ta-bort @användare …":
        "/lagesadmin medlem lägg-till Stadsdelen @U0NEW",
    "/lagesadmin samordnare lägg-till|ta-bort @användare …": "/lagesadmin samordnare lägg-till @U0NEW",
    "/lagesadmin admin lägg-till|ta-bort @användare …": "/lagesadmin admin lägg-till @U0NEW",
    "/lagesadmin kanal sammanfattning|larm #kanal": "/lagesadmin kanal larm #C0NEW",
    "/lagesadmin schema sammanfattning <dag hh:mm> | schema påminnelser <dag hh:mm>, … | av":
        "/lagesadmin schema sammanfattning tisdag 09:00",
    "/lagesadmin deadline <dag hh:mm>": "/lagesadmin deadline tisdag 12:00",
    "/lagesadmin gallring <månader>": "/lagesadmin gallring 12",
    "/lagesadmin riskdag lägg-till <datum> <namn> | riskdag ta-bort <datum> [namn]":
        "/lagesadmin riskdag lägg-till 2026-12-05 Julmarknad",
    "/lagesadmin logg [område|partner|vecka] [csv]": "/lagesadmin logg",
    "/lagesadmin hjälp": "/lagesadmin hjälp",
}

# example → the roles allowed to run it. The whole rights model of Veckoläge in one table.
ALLOWED = {
    "/lage Vällingby 3 lugnt": REPORTERS,
    "/lage": REPORTERS,
    "/lage påminnelser av": REPORTERS,
    "/lage hjälp": EVERYONE,
    "/veckolage": KNOWN,
    "/veckolage fastställ Vällingby 3": COORDINATORS,
    "/veckolage publicera v47": COORDINATORS,
    "/veckolage hoppa-över v48": COORDINATORS,
    "/veckolage återuppta v47": COORDINATORS,
    "/veckolage kommentarer Vällingby": KNOWN,
    "/veckolage år 2026": KNOWN,
    "/veckolage trend Vällingby 8": KNOWN,
    "/veckolage export 2026 csv": COORDINATORS,
    "/veckolage storbild 7": COORDINATORS,
    "/veckolage webb": KNOWN,
    "/veckolage prioritera Vällingby, Grimsta": COORDINATORS,
    "/veckolage kvartal 2026-Q4": KNOWN,
    "/veckolage riskdagar 2026": KNOWN,
    "/veckolage hjälp": EVERYONE,
    "/handelse Vällingby stenkastning": REPORTERS,
    "/handelse": REPORTERS,
    "/handelse lista": KNOWN,
    "/handelse ändra {event} beskrivning ny text": OWNER_OR_COORDINATOR,
    "/handelse återkalla {event}": OWNER_OR_COORDINATOR,
    "/handelse hjälp": EVERYONE,
    "/insats Vällingby (torget) trygghetsvandring Polisen v48–v51": OWNER_OR_COORDINATOR,  # Polisen's member
    "/insats": REPORTERS | COORDINATORS,
    "/insats lista": KNOWN,
    "/insats klar {insats} fyra vandringar": OWNER_OR_COORDINATOR,  # {insats} is Polisen's, proposed by reporter A
    "/insats ändra {insats} vad ny text": OWNER_OR_COORDINATOR,
    "/insats avbryt {insats}": OWNER_OR_COORDINATOR,
    "/insats hjälp": EVERYONE,
    "/lagesadmin visa": ADMINS,
    "/lagesadmin område lägg-till Rinkeby": ADMINS,
    "/lagesadmin partner lägg-till Räddningstjänsten": ADMINS,
    "/lagesadmin medlem lägg-till Stadsdelen @U0NEW": ADMINS,
    "/lagesadmin samordnare lägg-till @U0NEW": ADMINS,
    "/lagesadmin admin lägg-till @U0NEW": ADMINS,
    "/lagesadmin kanal larm #C0NEW": ADMINS,
    "/lagesadmin schema sammanfattning tisdag 09:00": ADMINS,
    "/lagesadmin deadline tisdag 12:00": ADMINS,
    "/lagesadmin gallring 12": ADMINS,
    "/lagesadmin riskdag lägg-till 2026-12-05 Julmarknad": ADMINS,
    "/lagesadmin logg": ADMINS,
    "/lagesadmin hjälp": EVERYONE,
}

# The first line of every refusal for want of rights (never an input error: the examples are valid).
REFUSALS = {t("error.unknown_user"), t("error.not_member"), t("event.error.not_member"), t("error.not_coordinator"),
            t("publish.not_coordinator"), t("skip.not_coordinator"), t("export.not_coordinator"),
            t("storbild.not_coordinator"),
            plain_text(rich("admin.not_admin", command=Typed("lagesadmin"))), t("insats.error.not_member"),
            t("insats.error.other_partner")}


def test_the_table_covers_every_command_in_the_registry() -> None:
    assert set(EXAMPLES) == {"/" + c.usage for c in COMMANDS}
    assert set(ALLOWED) == set(EXAMPLES.values())
    for example in ALLOWED:  # each example reaches the command it stands for
        usage = next(u for u, e in EXAMPLES.items() if e == example)
        assert example.split()[0] == usage.split()[0]


def snapshot(engine) -> dict[str, list[str]]:
    """Every row of every table of ours (workspace settings included)."""
    with engine.connect() as connection:
        return {table.name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
                for table in SQLModel.metadata.sorted_tables}


@pytest.fixture
def insats_id(chat, engine, event_id) -> int:
    """Reporter A's insats for Polisen (made after the event, so the event fixture's query still finds one row)."""
    reply = chat("U0POL1", "/insats Grimsta belysning i gångtunneln v48")
    assert reply.tone == "ok", reply
    return int(reply.title.split("#")[1].split()[0])


@pytest.fixture
def event_id(chat, engine, workspace_id) -> int:
    """Reporter A's event of week 47; week 47 is marked skipped (for `återuppta`)."""
    chat("U0POL1", "/handelse Vällingby hot hotfull person")
    with session_scope(engine) as session:
        session.add(SkippedWeek(workspace_id=workspace_id, iso_year=2026, iso_week=47, skipped_by="U0COORD",
                                skipped_at=NOW))
        return session.execute(select(Event.id)).scalar_one()


def run(engine, workspace_id: int, user: str, line: str):
    slash, _, rest = line.partition(" ")
    with session_scope(engine) as session:
        return dispatch(slash.removeprefix("/"), rest, Invocation(workspace_id, user, NOW, "C0TEST"), session)


CASES = [pytest.param(example, role, id=f"{example.split('{')[0].strip()} · {role}")
         for example in ALLOWED for role in USERS]


@pytest.mark.parametrize(("example", "role"), CASES)
def test_rights(engine, workspace_id, event_id, insats_id, example, role) -> None:
    line = example.format(event=event_id, insats=insats_id)
    before = snapshot(engine)
    reply = run(engine, workspace_id, USERS[role], line)
    refused = isinstance(reply, Notice) and reply.tone == "error"
    if role in ALLOWED[example]:
        assert not refused, (line, role, reply)
        return
    assert refused, (line, role, reply)
    assert reply.title == "Det gick inte"
    assert plain_text(reply.lines[0]) in REFUSALS | {t("event.error.not_yours", number=event_id),
                                                     t("insats.error.not_yours", number=insats_id)}, reply
    assert snapshot(engine) == before, f"{line} by {role} wrote something"


def test_reporter_b_cannot_withdraw_reporter_a_event(chat, engine, workspace_id, event_id) -> None:
    before = snapshot(engine)
    reply = chat("U0SDF", f"/handelse återkalla {event_id} fel rapport")
    assert reply.tone == "error"
    assert reply.lines == (t("event.error.not_yours", number=event_id),)
    assert snapshot(engine) == before
    listed = chat("U0SDF", "/handelse lista")
    assert [e.number for e in listed.events] == [event_id] and "återkallad" not in listed.events[0].status
    assert chat("U0POL1", f"/handelse återkalla {event_id}").tone == "ok"  # the reporter may
