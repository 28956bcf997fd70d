"""Which collaborations a delivering process leaves alone: those whose channels are another chat platform's.

Every delivering process claims from the one outbox. A collaboration's summary and alert channels say which
platform it is on (`C…` Slack, `19:…` Teams, `!…` Matrix; commands/core/identity.py): a Slack process started
by mistake against a Teams collaboration's database leaves its alerts for the `teams` process instead of
failing them at Slack. A collaboration without channels (where nothing can be known) is delivered as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from commands.core.identity import room_platform
from storage import outbox

REFRESH = timedelta(minutes=1)  # the set-up changes rarely; a new channel is seen within a minute


def foreign_workspaces(session: Session, platform: str) -> list[int]:
    """The workspaces whose every configured channel belongs to another platform."""
    foreign = []
    for workspace_id, *channels in outbox.workspace_channels(session):
        platforms = {room_platform(channel) for channel in channels if channel}
        if platforms and platform not in platforms:
            foreign.append(workspace_id)
    return foreign


class PlatformScope:
    """The foreign workspaces of one process, read again at most once a `REFRESH`."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._read: tuple[datetime, list[int]] | None = None

    def skip(self, session: Session, now: datetime) -> list[int]:
        if self._read is None or not self._read[0] <= now < self._read[0] + REFRESH:
            self._read = (now, foreign_workspaces(session, self.platform))
        return self._read[1]
