"""`lagesadmin riskdag …` (admins) and `veckolage riskdagar [år]`: the risk calendar as data."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from commands.core.context import Invocation, load_caller
from commands.core.matching import fold, same_name
from commands.core.refusals import refusal, unknown_user_refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.insats.risk_calendar import risk_days
from storage import queries
from storage.queries import insats as insats_queries

ADMIN_USAGE = "lagesadmin riskdag lägg-till <datum> <namn> | riskdag ta-bort <datum> [namn]"
LIST_USAGE = "veckolage riskdagar [år]"
NAME_LIMIT = 80


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def risk_admin(args: str, inv: Invocation, session: Session) -> Reply:
    """Admins add or remove the collaboration's own risk dates (a festival, a match, a local tradition)."""
    caller = load_caller(session, inv)
    if queries.ADMIN not in caller.roles:
        return refusal(rich("admin.not_admin", command=Typed("lagesadmin")))
    words = args.split()
    verb = fold(words[0]) if words else ""
    day = _date(words[1]) if len(words) > 1 else None
    name = " ".join(words[2:])
    ws = caller.workspace
    if verb not in ("lagg till", "ta bort") or day is None:
        return refusal(t("insats.risk.usage"), usage=ADMIN_USAGE)
    if verb == "lagg till":
        if not name or len(name) > NAME_LIMIT:
            return refusal(t("insats.risk.name", limit=NAME_LIMIT), usage=ADMIN_USAGE)
        if not insats_queries.add_risk_date(session, workspace_id=ws.id, day=day.isoformat(), name=name,
                                            user_id=inv.user_id, now=inv.now):
            return Notice("info", t("insats.risk.exists", name=name, day=day.isoformat()))
        queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="risk.add",
                      subject=day.isoformat(), new=name)
        return Notice("ok", t("insats.risk.added", name=name, day=day.isoformat()),
                      (rich("insats.risk.announced", command=Typed("veckolage riskdagar")),))
    rows = [r for r in insats_queries.risk_dates(session, workspace_id=ws.id)
            if r.day == day.isoformat() and (not name or same_name(r.name, name))]
    if not rows:
        return refusal(t("insats.risk.none_on", day=day.isoformat()), usage=ADMIN_USAGE)
    insats_queries.remove_risk_dates(session, workspace_id=ws.id, ids=[r.id for r in rows])
    queries.audit(session, workspace_id=ws.id, at=inv.now, actor=inv.user_id, action="risk.remove",
                  subject=day.isoformat(), old=", ".join(r.name for r in rows))
    return Notice("ok", t("insats.risk.removed", names=", ".join(r.name for r in rows), day=day.isoformat()))


def list_risk_days(args: str, inv: Invocation, session: Session) -> Reply:
    """The year's risk dates, shipped and local, by week."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    words = args.split()
    year = int(words[0]) if len(words) == 1 and words[0].isascii() and words[0].isdigit() else None
    if words and (year is None or not 2000 <= year <= caller.current_week.year + 1):
        return refusal(t("insats.risk.bad_year", value=args.strip()[:20],
                                                     last=caller.current_week.year + 1), usage=LIST_USAGE)
    year = year or caller.current_week.year
    days = risk_days(session, caller.workspace.id, date(year, 1, 1), date(year, 12, 31))
    lines = [f"{d.week.short}: {d.text()}" + (f" · {t('insats.risk.local')}" if d.local else "") for d in days]
    return Notice("info", t("insats.risk.title", year=year), (*lines, rich(
        "insats.risk.how", command=Typed("lagesadmin riskdag lägg-till 2027-08-20 Kulturfestivalen"))))
