"""People by name in Teams: Teams' ids are Entra object ids (GUIDs), so a reply that mentions someone shows the
display name Teams last sent with their activity (kept in storage/person_names.py); someone who has never
written to the bot keeps the written id.

Rendering is pure, so the names travel in a context variable: `names_shown(names)` around the rendering, and
bot/teams/card_text.py reads them for every Mention.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlmodel import Session

from commands.core.spans import people_in
from storage import person_names

PLATFORM = "teams"
NAMES: ContextVar[Mapping[str, str] | None] = ContextVar("veckolage_teams_names", default=None)


@contextmanager
def names_shown(names: Mapping[str, str]) -> Iterator[None]:
    """Render with these names for people's ids."""
    token = NAMES.set(names)
    try:
        yield
    finally:
        NAMES.reset(token)


def name_of(user_id: str) -> str | None:
    """The name to show for a person, when known."""
    return (NAMES.get() or {}).get(user_id)


def names_for(session: Session, workspace_id: int, reply: object = None) -> dict[str, str]:
    """The names a reply needs (nothing is read when it mentions no one); without a reply, every name."""
    if reply is not None and not people_in(reply):
        return {}
    return person_names.names_of(session, workspace_id=workspace_id, platform=PLATFORM)


def remember(session: Session, workspace_id: int, activity: dict, now: datetime) -> None:
    """Keep the sender's display name (by their Entra object id, as veckolage.toml names them)."""
    sender = activity.get("from") or {}
    user, name = sender.get("aadObjectId"), " ".join(str(sender.get("name") or "").split())
    if user and name:
        person_names.remember_name(session, workspace_id=workspace_id, platform=PLATFORM, user_id=user.lower(),
                                   name=name, now=now)
