"""Answers to Slack requests that changed something, kept by trigger id for a day: a request Slack sends
again (or a double-click) gets the first answer back and changes nothing a second time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import AnsweredRequest

KEEP = timedelta(days=1)  # Slack's last retry comes minutes after the request


class AlreadyAnswered(Exception):
    """The same request committed its answer first (it ran at the same time): roll back, answer with it."""


def answer_to(session: Session, *, workspace_id: int, key: str) -> dict | None:
    """The answer this request got the first time, if it changed something then."""
    query = select(AnsweredRequest.answer).where(AnsweredRequest.workspace_id == workspace_id,
                                                  AnsweredRequest.key == key)
    found = session.execute(query).scalar()
    return None if found is None else json.loads(found)


def remember(session: Session, *, workspace_id: int, key: str, answer: dict, now: datetime) -> None:
    """Keep the answer with the request's changes, in their transaction; AlreadyAnswered when the same
    request got there first (on PostgreSQL this waits for that one to commit)."""
    try:
        with session.begin_nested():
            session.add(AnsweredRequest(workspace_id=workspace_id, key=key, at=now,
                                        answer=json.dumps(answer, ensure_ascii=False)))
    except IntegrityError:
        raise AlreadyAnswered(key) from None


def forget(session: Session, *, workspace_id: int, before: datetime) -> None:
    """Drop answers older than `before`."""
    session.execute(delete(AnsweredRequest).where(AnsweredRequest.workspace_id == workspace_id,
                                                  AnsweredRequest.at < before))
