"""The weekly summary: what the Monday post says, and keeping it true when the week changes later."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from commands.core.reply import AreaRow, EventLine, MissingReport, WeekGrid
from commands.core.spans import Text, channel_ref, mention, rich, to_data
from commands.core.texts import t
from commands.core.weeks import Week
from commands.insats.replies import Decisions
from commands.rating.week_grid import build_grid
from storage import outbox, queries
from storage.models import Workspace
from storage.queries import events as event_queries

CLI_ACTOR = "cli"  # the audit actor and publisher when an operator runs a command line


@dataclass(frozen=True)
class Summary:
    """Last week at a glance: critical events first, then what rose, disagreements, who is missing."""

    grid: WeekGrid
    critical: tuple[EventLine, ...]
    rose: tuple[AreaRow, ...]
    disagreements: tuple[AreaRow, ...]
    missing: tuple[MissingReport, ...]
    decisions: Decisions | None = None  # priorities, open insatser, overdue follow-ups, next week's risk dates


def build_summary(session: Session, workspace: Workspace, week: Week) -> Summary:
    """The summary of a week from the current data."""
    from commands.insats.focus import decisions  # the insats feature builds on this module's neighbours

    grid = build_grid(session, workspace_id=workspace.id, week=week)
    return Summary(
        decisions=decisions(session, workspace.id, now_week=week.shift(1), shown_week=week, announce=week.shift(2),
                            detail=True),
        grid=grid,
        critical=tuple(e for e in grid.events if e.critical),
        rose=tuple(r for r in grid.rows if r.change > 0),
        disagreements=tuple(r for r in grid.rows if r.disagreement),
        missing=grid.missing,
    )


def summary_key(workspace: Workspace, week: Week) -> str:
    """The unique claim of a week's summary: workspace, channel, kind, ISO week."""
    return f"summary.post:{workspace.id}:{workspace.summary_channel}:{week}"


def week_body(week: Week) -> str:
    """The outbox body naming a week."""
    return json.dumps({"week": str(week)})


def body_week(body: str | None) -> Week:
    """The week an outbox body names."""
    year, number = json.loads(body or "{}")["week"].split("-W")
    return Week(int(year), int(number))


def ended_before_setup(workspace: Workspace, week: Week) -> bool:
    """The week was over before Veckoläge was set up (the clock has nothing to sum up for it)."""
    end = datetime.combine(week.monday() + timedelta(days=7), time.min, UTC)
    return workspace.created_at is not None and end <= workspace.created_at


def week_has_data(session: Session, workspace: Workspace, week: Week) -> bool:
    """Some rating, fastställd value or event of the week is stored (imported ones too)."""
    weeks = [(week.year, week.week)]
    return bool(queries.cells_for_weeks(session, workspace_id=workspace.id, weeks=weeks)
                or queries.agreed_for_weeks(session, workspace_id=workspace.id, weeks=weeks)
                or event_queries.events_for_weeks(session, workspace_id=workspace.id, weeks=weeks))


def summary_row(workspace: Workspace, week: Week, *, asked: bool = False) -> dict | None:
    """The outbox row that claims the week's summary, or None when there is nothing to post.

    The clock never claims a week that ended before the set-up; a person who `asked` may (publish_summary
    checks that the week has something to sum up)."""
    if not workspace.summary_channel:
        return None
    if not asked and ended_before_setup(workspace, week):
        return None  # the week ended before Veckoläge was set up: nothing to sum up
    return dict(workspace_id=workspace.id, key=summary_key(workspace, week), kind="summary.post",
                channel=workspace.summary_channel, body=week_body(week))


def claim_summary(session: Session, workspace: Workspace, week: Week, now: datetime, *, asked: bool = False) -> bool:
    """Claim the week's summary post (once per workspace, channel and week); True when this call did."""
    row = summary_row(workspace, week, asked=asked)
    return row is not None and outbox.add_once(session, now=now, **row)


class SummaryError(ValueError):
    """A summary that cannot be posted; the message is Swedish."""


def publish_summary(session: Session, workspace: Workspace, week: Week, *, actor: str, now: datetime) -> Text:
    """Post the week's summary now, or refresh the one already out; returns what happens, in Swedish.

    Raises SummaryError for a week that ended before Veckoläge was set up and has nothing stored.
    """
    channel = channel_ref(workspace.summary_channel)
    row = outbox.message(session, key=summary_key(workspace, week))
    if row is None:
        if ended_before_setup(workspace, week) and not week_has_data(session, workspace, week):
            raise SummaryError(t("publish.before_setup", week=week.label.capitalize()))
        if claim_summary(session, workspace, week, now, asked=True):
            message = rich("publish.queued", week=week.label, channel=channel)
        else:  # another request claimed it a moment ago
            message = rich("publish.pending", week=week.label, channel=channel)
    elif row.status == outbox.SENT:
        user = actor if actor == CLI_ACTOR else mention(actor)
        week_changed(session, workspace, week, rich("change.published", user=user), now)
        message = rich("publish.refresh", week=week.label, channel=channel)
    elif row.status in (outbox.FAILED, outbox.CANCELLED):
        outbox.enqueue(session, workspace_id=workspace.id, key=row.key, kind=row.kind, subject_id=None, now=now)
        message = rich("publish.queued", week=week.label, channel=channel)
    else:
        message = rich("publish.pending", week=week.label, channel=channel)
    queries.audit(session, workspace_id=workspace.id, at=now, actor=actor, action="summary.publish",
                  subject=str(week), year=week.year, week=week.week)
    return message


def week_changed(session: Session, workspace: Workspace, week: Week, change: Text, now: datetime, *,
                 summary_sent: bool | None = None) -> None:
    """After a change to a week whose summary is out: update it in place and note the change in its thread.

    `summary_sent` says whether the summary is out when the caller has read that already."""
    if not workspace.summary_channel:
        return
    if summary_sent is None:
        posted = outbox.message(session, key=summary_key(workspace, week))
        summary_sent = posted is not None and posted.status == outbox.SENT
    if not summary_sent:
        return  # not posted yet: the post will show the current state
    base = f"{workspace.id}:{workspace.summary_channel}:{week}"
    outbox.enqueue(session, workspace_id=workspace.id, key=f"summary.update:{base}", kind="summary.update",
                   subject_id=None, now=now, channel=workspace.summary_channel, body=week_body(week))
    note = json.dumps({"week": str(week), "text": to_data(change)})
    outbox.add_once(session, workspace_id=workspace.id, key=f"summary.note:{base}:{uuid.uuid4().hex}",
                    kind="summary.note", now=now, channel=workspace.summary_channel, body=note)
