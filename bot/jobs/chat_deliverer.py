"""The base of a chat platform's delivery behind the one outbox loop (bot/jobs/outbox_worker.py), for platforms
that limit a sender as a whole (Matrix, Teams): the row's kind picks the call, a rate limit holds every row
of the workspace, and the summary's thread is split the platform's own way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.jobs.deliveries import Action, Outcome, Permanent, record
from bot.jobs.outbox_worker import Deliverer, Policy
from commands.core.texts import t
from commands.rhythm.summary import Summary
from storage.models import OutboxMessage, Workspace


class ChatDeliverer(Deliverer):
    """Delivers due outbox rows to one chat platform; a subclass writes `_alert`, `_summary`, `_reminder`
    (each returns the call for its row) and `thread_parts`; safe in several threads or processes at once."""

    POLICY: dict = {}  # the platform's Policy fields (bot/jobs/outbox_worker.py)

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime], policy: Policy | None = None,
                 worker_id: str | None = None, batch: int = 10) -> None:
        super().__init__(engine, None, clock=clock, policy=policy or Policy(**self.POLICY), worker_id=worker_id,
                         batch=batch)

    def _held(self, workspace_id: int, kind: str, now: datetime) -> datetime | None:
        """The platform limits the bot, not a method: after a rate limit every row of the workspace waits."""
        until = max((u for (ws, _), u in self._holds.items() if ws == workspace_id), default=None)
        return until if until is not None and until > now else None

    def prepare(self, session: Session, row: OutboxMessage) -> Action:
        """The platform's call for a row, built from the current state."""
        workspace = session.get(Workspace, row.workspace_id)
        kind = row.kind.split(".")[0]
        if kind == "alert":
            return self._alert(session, row, workspace)
        if kind == "summary":
            return self._summary(session, row, workspace)
        if kind == "reminder":
            return self._reminder(session, row, workspace)
        raise Permanent(t("outbox.unknown_kind", kind=row.kind))

    def thread_parts(self, summary: Summary) -> int:
        """How many replies the platform splits a summary's thread into."""
        raise NotImplementedError

    def record(self, session: Session, row: OutboxMessage, outcome: Outcome, now: datetime) -> None:
        """As on Slack, with the platform's split of the summary's thread."""
        record(session, row, outcome, now, thread_parts=self.thread_parts)

    def _alert(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        raise NotImplementedError

    def _summary(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        raise NotImplementedError

    def _reminder(self, session: Session, row: OutboxMessage, workspace: Workspace) -> Action:
        raise NotImplementedError
