"""People's names as a chat platform last showed them: kept when they write, read to name them in replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from storage.models import PersonName
from storage.queries import upsert

NAME_LENGTH = 200


def remember_name(session: Session, *, workspace_id: int, platform: str, user_id: str, name: str,
                  now: datetime) -> None:
    """Store or refresh one person's name."""
    upsert(session, PersonName, {"workspace_id": workspace_id, "platform": platform, "user_id": user_id,
                                 "name": name[:NAME_LENGTH], "seen_at": now},
           keys=("workspace_id", "platform", "user_id"), update=("name", "seen_at"))


def names_of(session: Session, *, workspace_id: int, platform: str) -> dict[str, str]:
    """Every known name of the workspace's people on a platform, by id."""
    query = select(PersonName.user_id, PersonName.name).where(PersonName.workspace_id == workspace_id,
                                                              PersonName.platform == platform)
    return {user_id: name for user_id, name in session.execute(query)}


def forget_names(session: Session, *, workspace_id: int, before: datetime) -> int:
    """Names not seen since `before`: deleted; how many."""
    return session.execute(delete(PersonName).where(PersonName.workspace_id == workspace_id,
                                                    PersonName.seen_at < before)).rowcount
