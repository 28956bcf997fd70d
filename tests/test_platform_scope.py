"""A delivering process leaves another platform's collaborations alone (bot/jobs/platform_scope.py): a Slack
process started against a database that also holds a Teams collaboration does not take, and fail, its alerts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.jobs.outbox_worker import Deliverer
from bot.jobs.platform_scope import PlatformScope, foreign_workspaces
from commands.core.identity import MATRIX, SLACK, TEAMS
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace
from tests.conftest import NOW
from tests.teams.teams_harness import teams_collaboration


def _two_collaborations(engine, slack_id: int) -> int:
    """The Slack test collaboration (`slack_id`) and a Teams one, each with an alert waiting."""
    teams_id = teams_collaboration(engine)
    with session_scope(engine) as session:
        for ws in (slack_id, teams_id):
            outbox.enqueue(session, workspace_id=ws, key=f"alert.post:{ws}:1", kind="alert.post", subject_id=1,
                           now=NOW)
    return teams_id


def test_each_platform_claims_only_its_own_collaborations(engine, workspace_id) -> None:
    teams_id = _two_collaborations(engine, workspace_id)
    with session_scope(engine) as session:
        assert foreign_workspaces(session, SLACK) == [teams_id]
        assert foreign_workspaces(session, TEAMS) == [workspace_id]
        assert sorted(foreign_workspaces(session, MATRIX)) == sorted([workspace_id, teams_id])
        claimed = outbox.claim_due(session, worker="slack", now=NOW, lease=timedelta(seconds=60),
                                   skip=foreign_workspaces(session, SLACK))
        rows = {row.id: row.workspace_id for row in session.execute(select(OutboxMessage)).scalars()}
    assert [rows[row_id] for row_id in claimed] == [workspace_id]


def test_a_slack_process_leaves_a_teams_alert_untouched(engine, workspace_id) -> None:
    teams_id = _two_collaborations(engine, workspace_id)
    with session_scope(engine) as session:  # only the Teams collaboration's alert is due
        session.execute(update(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id)
                        .values(status=outbox.CANCELLED))
    worker = Deliverer(engine, None, clock=lambda: NOW)  # no Slack client: any attempt would fail the row
    assert worker.run_once(NOW) == 0
    with session_scope(engine) as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.workspace_id == teams_id)).scalars().one()
        assert (row.status, row.attempts, row.last_error) == (outbox.PENDING, 0, None)


def test_a_collaboration_without_channels_is_delivered_as_before(engine, workspace_id) -> None:
    with session_scope(engine) as session:
        session.get(Workspace, workspace_id).summary_channel = None
        session.get(Workspace, workspace_id).alert_channel = None
    with session_scope(engine) as session:
        assert foreign_workspaces(session, TEAMS) == []
        scope = PlatformScope(TEAMS)
        assert scope.skip(session, NOW) == []
