"""Week numbers as typed in week 49 of 2026 and in January: the nearest such week, the year named,
and how far ahead each command may reach (ratings one week, planning a year); on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.console.render import render_text
from storage.db import session_scope
from storage.models import AgreedLevel, AuditEntry, Rating, SkippedWeek

W49 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # Wednesday 2 December 2026, 13:00 in Stockholm: ISO week 49
JANUARY = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # Wednesday 13 January 2027: ISO week 2

# (user, typed, now, lines the reply must contain, lines it must not contain)
DIALOG = [
    ("U0COORD", "/veckolage hoppa-över v52", W49, ["Vecka 52, 2026 (21–27 dec) hoppas över"], ["2025"]),
    ("U0COORD", "/veckolage återuppta v52", W49, ["Vecka 52, 2026 (21–27 dec) gäller igen"], ["2025"]),
    ("U0COORD", "/veckolage hoppa-över 2026-W52", W49, ["Vecka 52, 2026 (21–27 dec) hoppas över"], ["fram i tiden"]),
    ("U0COORD", "/veckolage hoppa-över v1", W49, ["Vecka 1, 2027 (4–10 jan) hoppas över"], []),
    ("U0COORD", "/veckolage hoppa-över 2027-W48", W49, ["Vecka 48, 2027 (29 nov–5 dec) hoppas över"], []),
    ("U0POL1", "/lage v49 Vällingby 2", W49, ["Sparat: Vällingby 2", "vecka 49, 2026"], []),
    ("U0POL1", "/lage v50 Vällingby 2", W49, ["Sparat: Vällingby 2", "vecka 50, 2026"], []),
    ("U0POL1", "/lage v52 Grimsta 3", JANUARY, ["Sparat: Grimsta 3", "vecka 52, 2026 (21–27 dec)"], []),
    ("U0COORD", "/veckolage fastställ v52 Grimsta 3", JANUARY, ["Fastställt: Grimsta 3 Oroande läge, v52 2026"], []),
    ("U0COORD", "/veckolage fastställ v1 Grimsta 3", JANUARY, ["Fastställt: Grimsta 3 Oroande läge, v1"],
     ["v1 2027"]),
]

# (user, typed, now, lines the refusal must contain, lines it must not contain)
REFUSED = [
    ("U0POL1", "/lage v51 Vällingby 2", W49,
     ["Vecka 51, 2026 (14–20 dec) ligger mer än en vecka fram i tiden.",
      "Du kan rapportera till och med vecka 50, 2026 (7–13 dec)."], ["2025"]),
    ("U0COORD", "/veckolage hoppa-över 2027-W49", W49,
     ["Vecka 49, 2027 (6–12 dec) ligger mer än ett år fram i tiden.",
      "Du kan planera till och med vecka 48, 2027 (29 nov–5 dec).", "Så här: /veckolage hoppa-över [vecka]"],
     ["rapportera", "en vecka fram"]),
    ("U0COORD", "/veckolage återuppta 2028-W01", W49, ["ligger mer än ett år fram i tiden.", "Du kan planera"],
     ["rapportera"]),
    ("U0COORD", "/veckolage fastställ v51 Vällingby 3", W49, ["Du kan fastställa till och med vecka 50, 2026"],
     ["rapportera"]),
    ("U0COORD", "/veckolage v51", W49, ["Lägesbilden finns till och med vecka 50, 2026"], ["rapportera"]),
    ("U0COORD", "/veckolage publicera v51", W49, ["Du kan publicera till och med vecka 50, 2026"], ["rapportera"]),
    ("U0POL1", "/handelse v52 Vällingby hot 2026-12-22 22:00", W49, ["Tidpunkten tis 22 dec 22:00 ligger i framtiden."],
     ["2025"]),
]


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("user", "typed", "now", "expected", "absent"), DIALOG, ids=[d[1] for d in DIALOG])
def test_a_bare_week_is_the_nearest_and_the_reply_names_its_year(chat, user, typed, now, expected, absent) -> None:
    if "återuppta" in typed:
        chat(user, typed.replace("återuppta", "hoppa-över"), now=now)
    reply = chat(user, typed, now=now)
    out = render_text(reply, color=False)
    assert reply.tone == "ok", out
    for line in expected:
        assert line in out, out
    for line in absent:
        assert line not in out, out


@pytest.mark.parametrize(("user", "typed", "now", "expected", "absent"), REFUSED, ids=[r[1] for r in REFUSED])
def test_too_far_ahead_is_refused_in_words_that_fit_the_command(chat, engine, user, typed, now, expected,
                                                                 absent) -> None:
    before = [count(engine, model) for model in (Rating, AgreedLevel, SkippedWeek, AuditEntry)]
    reply = chat(user, typed, now=now)
    out = render_text(reply, color=False)
    assert reply.tone == "error", out
    for line in expected:
        assert line in out, out
    for line in absent:
        assert line not in out, out
    assert [count(engine, model) for model in (Rating, AgreedLevel, SkippedWeek, AuditEntry)] == before


def test_the_readme_example_skips_this_decembers_week_52(chat, engine) -> None:
    assert chat("U0COORD", "/veckolage hoppa-över v52", now=W49).tone == "ok"
    assert chat("U0POL1", "/lage v49 Grimsta 2", now=W49).tone == "ok"
    with session_scope(engine) as session:
        assert [(s.iso_year, s.iso_week) for s in session.execute(select(SkippedWeek)).scalars()] == [(2026, 52)]
        assert [(r.iso_year, r.iso_week) for r in session.execute(select(Rating)).scalars()] == [(2026, 49)]
