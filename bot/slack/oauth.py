"""Many workspaces in HTTP mode: Slack's OAuth install with slack_sdk's SQLAlchemy stores on our database.

Each install creates (or keeps) a workspace row keyed by the Slack team id, with the installer as its
first admin, who then sets it up with /lagesadmin; a collaboration already set up from a file without
`team_id` is adopted by the first team that installs. Every query is scoped to that row's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage import queries
from storage.db import session_scope
from storage.models import Workspace

log = logging.getLogger("veckolage.oauth")
BOT_SCOPES = ("commands", "chat:write", "channels:history", "groups:history", "im:write", "im:history", "files:write")


class WorkspaceInstallationStore(SQLAlchemyInstallationStore):
    """Slack's installation store, which also opens a workspace for every team that installs."""

    def __init__(self, client_id: str, engine: Engine, *, clock: Callable[[], datetime]) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.clock = clock

    def save(self, installation: Installation) -> None:
        """Store the tokens, then make sure the team has a workspace with the installer as admin."""
        super().save(installation)
        ensure_workspace(self.engine, team_id=installation.team_id, installer=installation.user_id, now=self.clock())


def ensure_workspace(engine: Engine, *, team_id: str, installer: str | None, now: datetime) -> int:
    """The workspace of a team: its own, or the one collaboration set up without a team id (adopted: it
    takes the team's id and keeps its set-up), or else a new one. A workspace without an admin gets
    the installer as its admin."""
    with session_scope(engine) as session:
        workspace = session.execute(select(Workspace).where(Workspace.key == team_id)).scalars().first()
        if workspace is None:
            workspace = _single_default(session)
            if workspace is not None:
                workspace.key = team_id
                log.info("The workspace set up without a team id now belongs to team %s", team_id)
        if workspace is None:
            workspace = Workspace(key=team_id, created_at=now)
            session.add(workspace)
            log.info("New workspace for team %s", team_id)
        session.flush()
        if installer and not queries.users_with_role(session, workspace_id=workspace.id, role=queries.ADMIN):
            session.add(queries.RoleGrant(workspace_id=workspace.id, user_id=installer, role=queries.ADMIN))
            queries.audit(session, workspace_id=workspace.id, at=now, actor=installer, action="admin.add",
                          subject=installer)
        return workspace.id


def _single_default(session) -> Workspace | None:
    """The workspace of a single-workspace set-up without a team id, when it is the only one."""
    workspaces = session.execute(select(Workspace).limit(2)).scalars().all()
    return workspaces[0] if len(workspaces) == 1 and workspaces[0].key == queries.DEFAULT_KEY else None


def oauth_settings(client_id: str, client_secret: str, engine: Engine, *, clock: Callable[[], datetime]
                   ) -> OAuthSettings:
    """Install at /slack/install, redirect to /slack/oauth_redirect; stores in our database."""
    installations = WorkspaceInstallationStore(client_id, engine, clock=clock)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    installations.create_tables()  # slack_sdk's own tables: not Alembic's (env.py leaves them alone)
    states.metadata.create_all(engine)
    return OAuthSettings(client_id=client_id, client_secret=client_secret, scopes=list(BOT_SCOPES),
                         installation_store=installations, state_store=states)


def client_for(store: SQLAlchemyInstallationStore, base_url: str) -> Callable[[str], WebClient]:
    """The Web API client of a team (its bot token from the installation store)."""
    def build(team_id: str) -> WebClient:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            raise LookupError(f"no installation for team {team_id}")
        return WebClient(token=bot.bot_token, base_url=base_url, timeout=10, retry_handlers=[])
    return build
