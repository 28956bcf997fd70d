"""Held files (storage/held_files.py): one upload at a time, a crashed one retried after its lease, the bytes
forgotten once delivered, everything gone when it expires."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage import held_files
from storage.db import session_scope
from storage.models import HeldFile
from tests.conftest import NOW


def _hold(engine, workspace_id: int) -> int:
    with session_scope(engine) as session:
        return held_files.hold(session, workspace_id=workspace_id, user_id="U0SDF", token_hash="a" * 64,
                               filename="lagesbild-2026.csv", content=b"x;y\n", now=NOW,
                               expires_at=NOW + timedelta(hours=24)).id


def test_one_upload_at_a_time_and_a_crashed_one_is_retried_after_its_lease(engine, workspace_id) -> None:
    file_id = _hold(engine, workspace_id)
    with session_scope(engine) as session:
        assert held_files.take(session, file_id=file_id, now=NOW)
        assert not held_files.take(session, file_id=file_id, now=NOW + timedelta(seconds=30))  # a second press
        assert held_files.take(session, file_id=file_id, now=NOW + held_files.LEASE + timedelta(seconds=1))
        held_files.mark_sent(session, file_id=file_id, now=NOW + timedelta(minutes=3))
    with session_scope(engine) as session:
        held = held_files.held_file(session, token_hash="a" * 64)
        assert held.sent_at is not None and bytes(held.content) == b""
        assert not held_files.take(session, file_id=file_id, now=NOW + timedelta(minutes=10))  # delivered


def test_an_expired_file_cannot_be_taken_and_is_dropped(engine, workspace_id) -> None:
    file_id = _hold(engine, workspace_id)
    later = NOW + timedelta(hours=24)
    with session_scope(engine) as session:
        assert not held_files.take(session, file_id=file_id, now=later)
        assert held_files.drop_expired(session, now=later) == 1
        assert session.execute(select(func.count()).select_from(HeldFile)).scalar() == 0
