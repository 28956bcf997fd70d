"""Events as users read them: lines for the grid and the list, and alerts that never reached Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.core.reply import EventLine
from commands.core.spans import mention, rich
from commands.core.texts import t
from commands.core.weeks import Week
from commands.core.when import show
from commands.events.kinds import event_type
from commands.rating.area_value import area_value
from storage import outbox, queries
from storage.models import Area, Event, Partner, Workspace
from storage.queries import events as event_queries

ALERT_KINDS = ("alert.post", "alert.update", "alert.renotify")


def event_lines(session: Session, workspace: Workspace, week: Week, *, events: list[Event] | None = None,
                failed: list | None = None, withdrawn: bool = False) -> tuple[EventLine, ...]:
    """The week's events, oldest first (withdrawn ones only when asked: the list shows them with their
    status, the grid does not); pass what the caller already read."""
    if events is None:
        events = event_queries.events_for_weeks(session, workspace_id=workspace.id, weeks=[(week.year, week.week)],
                                                include_withdrawn=withdrawn)
    if failed is None:
        failed = outbox.failed(session, workspace_id=workspace.id, kinds=("alert.post",))
    undelivered = {m.subject_id for m in failed}
    return tuple(event_line(session, workspace, e, undelivered=e.id in undelivered) for e in events
                 if (e.iso_year, e.iso_week) == (week.year, week.week))


def event_line(session: Session, workspace: Workspace, event: Event, *, undelivered: bool = False) -> EventLine:
    """One event as a line."""
    kind = event_type(event.type_key)
    area = session.get(Area, event.area_id)
    partner = session.get(Partner, event.partner_id) if event.partner_id else None
    tz = ZoneInfo(workspace.timezone)
    if event.withdrawn_at is not None:
        user = mention(event.withdrawn_by) if event.withdrawn_by else "?"
        status = (rich("event.list.withdrawn_reason", user=user, reason=event.withdrawn_reason)
                  if event.withdrawn_reason else rich("event.list.withdrawn", user=user))
    elif undelivered:
        status = t("event.list.undelivered")
    elif event.acknowledged_by:
        status = rich("event.list.acknowledged", user=mention(event.acknowledged_by))
    else:
        status = t("event.list.unacknowledged") if kind.critical else ""
    return EventLine(event.id, kind.name, kind.emoji, kind.critical, area.name if area else "?",
                     show(event.occurred_at.astimezone(tz)), partner.name if partner else "?", event.description,
                     status)


def undelivered_warnings(session: Session, workspace: Workspace, *, failed: list | None = None) -> tuple[str, ...]:
    """A loud line per alert Slack never confirmed (shown to every grid reader until resolved)."""
    warnings = []
    if failed is None:
        failed = outbox.failed(session, workspace_id=workspace.id, kinds=("alert.post",))
    for row in failed:
        event = event_queries.event_by_id(session, workspace_id=workspace.id, event_id=row.subject_id)
        if event is None or event.withdrawn_at is not None:
            continue
        area = session.get(Area, event.area_id)
        warnings.append(t("event.undelivered", number=event.id, type=event_type(event.type_key).name,
                          area=area.name if area else "?", error=row.last_error or t("event.undelivered.unknown_error")))
    return tuple(warnings)


@dataclass(frozen=True)
class AlertView:
    """Everything the alert message shows, read fresh from the database at each delivery."""

    number: int
    type_name: str
    critical: bool
    area: str
    when: str
    partner: str
    reporter: str
    description: str | None
    week: Week
    level: int | None
    acknowledged_by: str | None
    acknowledged_when: str | None
    withdrawn_by: str | None
    withdrawn_when: str | None
    withdrawn_reason: str | None
    coordinators: tuple[str, ...]
    renotify_minutes: int


def alert_view(session: Session, workspace: Workspace, event: Event) -> AlertView:
    """The current state of an event's alert."""
    tz = ZoneInfo(workspace.timezone)
    area = session.get(Area, event.area_id)
    partner = session.get(Partner, event.partner_id) if event.partner_id else None
    week = Week(event.iso_year, event.iso_week)
    row = area_value(session, area_id=area.id, week=week) if area else None

    def local(moment: datetime | None) -> str | None:
        return show(moment.astimezone(tz)) if moment else None

    return AlertView(
        number=event.id, type_name=event_type(event.type_key).name, critical=event.critical,
        area=area.name if area else "?", when=local(event.occurred_at), partner=partner.name if partner else "?",
        reporter=event.reported_by, description=event.description, week=week, level=row.value if row else None,
        acknowledged_by=event.acknowledged_by, acknowledged_when=local(event.acknowledged_at),
        withdrawn_by=event.withdrawn_by, withdrawn_when=local(event.withdrawn_at),
        withdrawn_reason=event.withdrawn_reason,
        coordinators=tuple(queries.users_with_role(session, workspace_id=workspace.id, role=queries.COORDINATOR)),
        renotify_minutes=workspace.renotify_minutes,
    )
