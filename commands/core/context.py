"""Who is asking, where and when: the Invocation, and what the caller may do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.core.weeks import Week, local_week, week_under_assessment
from storage import queries
from storage.models import Workspace
from storage.queries import WorkspaceRow
from storage.queries.directory import AreaRef, PartnerRef, directory


@dataclass(frozen=True)
class Invocation:
    """One request: the workspace, the user, the channel and the time (always passed in)."""

    workspace_id: int
    user_id: str
    now: datetime
    channel_id: str | None = None
    request_id: str | None = None  # Slack's trigger id or view id: the same request never acts twice
    workspace: WorkspaceRow | None = field(default=None, compare=False, repr=False)  # the row, when read already


@dataclass(frozen=True)
class Caller:
    """The caller's standing in the collaboration, read once per request."""

    workspace: Workspace | WorkspaceRow  # read it; to change a setting, load the Workspace (commands/admin/commands.py)
    user_id: str
    partner: PartnerRef | None
    roles: frozenset[str]
    now_local: datetime
    areas: tuple[AreaRef, ...] = ()  # the active areas, in configured order

    @property
    def known(self) -> bool:
        """Member, coordinator or admin."""
        return self.partner is not None or bool(self.roles)

    @property
    def coordinator(self) -> bool:
        """May fastställ values."""
        return queries.COORDINATOR in self.roles

    @property
    def current_week(self) -> Week:
        """The ISO week it is now, locally."""
        return local_week(self.now_local)

    @property
    def assessment_week(self) -> Week:
        """The week a report without a week is about (last week until the deadline)."""
        ws = self.workspace
        return week_under_assessment(
            self.now_local, deadline_weekday=ws.deadline_weekday, deadline_minute=ws.deadline_minute
        )


def load_caller(session: Session, inv: Invocation) -> Caller:
    """The caller's partner and roles and the active areas: from the process's directory of the
    workspace when it is current (storage/queries/directory.py), otherwise read once and kept."""
    workspace = inv.workspace if inv.workspace is not None else session.get(Workspace, inv.workspace_id)
    if workspace is None:
        raise LookupError(f"workspace {inv.workspace_id} does not exist")
    found = directory(session, workspace_id=workspace.id, version=workspace.setup_version)
    now_local = inv.now.astimezone(ZoneInfo(workspace.timezone))
    return Caller(workspace, inv.user_id, found.partner(inv.user_id), found.roles(inv.user_id), now_local,
                  found.areas)


@dataclass(frozen=True)
class Token:
    """A word of the command text with its place, so free text after it keeps its spacing."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split on white space, remembering positions."""
    return [Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
