"""Conversation references: kept when the bot is installed or spoken to, read for proactive messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from storage.models import ConversationRef
from storage.queries import upsert


def remember(session: Session, *, platform: str, conversation_id: str, kind: str, endpoint: str,
             user_id: str | None, team: str | None, now: datetime) -> None:
    """Store or refresh one conversation's reference (the newest endpoint wins)."""
    upsert(session, ConversationRef, {"platform": platform, "conversation_id": conversation_id, "kind": kind,
                                      "endpoint": endpoint, "user_id": user_id, "team": team, "updated_at": now},
           keys=("platform", "conversation_id"), update=("kind", "endpoint", "user_id", "team", "updated_at"))


def personal_chat(session: Session, *, platform: str, user_id: str) -> ConversationRef | None:
    """The person's 1:1 chat with the bot, the most recently seen one."""
    query = (select(ConversationRef).where(ConversationRef.platform == platform, ConversationRef.user_id == user_id,
                                           ConversationRef.kind == "personal")
             .order_by(ConversationRef.updated_at.desc()).limit(1))
    return session.execute(query).scalars().first()


def conversation(session: Session, *, platform: str, conversation_id: str) -> ConversationRef | None:
    """One conversation's reference."""
    query = select(ConversationRef).where(ConversationRef.platform == platform,
                                          ConversationRef.conversation_id == conversation_id)
    return session.execute(query).scalars().first()


def latest_endpoint(session: Session, *, platform: str, team: str) -> str | None:
    """The service address most recently seen from a tenant (a region's connector serves all its conversations)."""
    query = (select(ConversationRef.endpoint).where(ConversationRef.platform == platform, ConversationRef.team == team,
                                                    ConversationRef.endpoint != "")
             .order_by(ConversationRef.updated_at.desc()).limit(1))
    return session.execute(query).scalars().first()
