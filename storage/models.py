"""The tables. Every row belongs to a workspace (one collaboration) so no query can cross them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# A chat platform's id of a person, room, team or message. Slack's are about 11 characters; a Matrix user
# id is `@localpart:server` with up to 255, Teams conversation ids run past 80 (migration 0008).
ID_LENGTH = 255
KEY_LENGTH = 512  # keys and audit subjects that embed such an id ("reminder.dm:<workspace>:<user>:<week>:…")


def _utc_column(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Workspace(SQLModel, table=True):
    """One collaboration (samverkan), today one per Slack workspace."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=ID_LENGTH, unique=True)  # the chat team/tenant id, or "default" (one workspace)
    timezone: str = Field(default="Europe/Stockholm", max_length=64)
    summary_channel: str | None = Field(default=None, max_length=ID_LENGTH)
    alert_channel: str | None = Field(default=None, max_length=ID_LENGTH)
    deadline_weekday: int = Field(default=0)  # ISO weekday - 1: Monday = 0
    deadline_minute: int = Field(default=600)  # minutes after local midnight: 10:00
    renotify_minutes: int = Field(default=15)  # re-notify an unacknowledged critical alert after this long
    summary_weekday: int = Field(default=0)  # the Monday summary: Monday = 0
    summary_minute: int = Field(default=480)  # 08:00
    reminder_slots: str = Field(default="4:720,0:480", max_length=200)  # "weekday:minute,…": Fri 12:00, Mon 08:00
    setup_fingerprint: str | None = Field(default=None, max_length=64)  # the veckolage.toml last synced
    created_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    retention_months: int = Field(default=24)  # comments and event descriptions are blanked after this
    purged_on: str | None = Field(default=None, max_length=10)  # the local date of the last retention run
    # Bumped by triggers (migration 0005) whenever areas, partners, members or roles change; starts at a
    # random value so a workspace created again under an old id never matches a process's cache.
    setup_version: int = Field(default_factory=lambda: secrets.randbits(62),
                               sa_column=Column(BigInteger(), nullable=False, server_default="0"))


class Area(SQLModel, table=True):
    """A geographic area (område) that partners rate each week."""

    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_area_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=80)
    position: int = Field(default=0)
    retired_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class Partner(SQLModel, table=True):
    """A partner organisation (samverkanspart); it rates, its members report for it."""

    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_partner_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=80)
    position: int = Field(default=0)
    retired_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    short: str | None = Field(default=None, max_length=16)  # the grid's column head; the name when unset


class Member(SQLModel, table=True):
    """A chat user who may report for one partner organisation."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_member_user"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    user_id: str = Field(max_length=ID_LENGTH)
    user_team: str | None = Field(default=None, max_length=ID_LENGTH)  # Slack Connect: the member's own workspace


class RoleGrant(SQLModel, table=True):
    """A user's role beyond reporting: coordinator (samordnare) or admin."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "role", name="uq_role_grant"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: str = Field(max_length=ID_LENGTH)
    role: str = Field(max_length=16)


class Rating(SQLModel, table=True):
    """One partner's assessment of one area for one ISO week; the last report wins."""

    __table_args__ = (
        UniqueConstraint("area_id", "partner_id", "iso_year", "iso_week", name="uq_rating_cell"),
        Index("ix_rating_week", "workspace_id", "iso_year", "iso_week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    area_id: int = Field(foreign_key="area.id")
    partner_id: int = Field(foreign_key="partner.id")
    iso_year: int
    iso_week: int
    level: int
    comment: str | None = Field(default=None, max_length=500)
    reported_by: str = Field(max_length=ID_LENGTH)
    reported_at: datetime = Field(sa_column=_utc_column())


class AgreedLevel(SQLModel, table=True):
    """The coordinator's fastställd value for an area-week, the joint assessment of the meeting."""

    __table_args__ = (
        UniqueConstraint("area_id", "iso_year", "iso_week", name="uq_agreed_cell"),
        Index("ix_agreed_week", "workspace_id", "iso_year", "iso_week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    area_id: int = Field(foreign_key="area.id")
    iso_year: int
    iso_week: int
    level: int
    set_by: str = Field(max_length=ID_LENGTH)
    set_at: datetime = Field(sa_column=_utc_column())


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, from what to what."""

    __table_args__ = (Index("ix_audit_workspace_at", "workspace_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    at: datetime = Field(sa_column=_utc_column())
    actor: str = Field(max_length=ID_LENGTH)
    action: str = Field(max_length=32)
    subject: str = Field(max_length=KEY_LENGTH)  # may name a person by id
    iso_year: int | None = None
    iso_week: int | None = None
    old_value: str | None = Field(default=None, max_length=500)
    new_value: str | None = Field(default=None, max_length=500)


class Event(SQLModel, table=True):
    """A reported händelse; critical types alert at once and make the area-week at least 5."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "source_key", name="uq_event_source"),
        Index("ix_event_week", "workspace_id", "iso_year", "iso_week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    area_id: int = Field(foreign_key="area.id")
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    type_key: str = Field(max_length=32)
    critical: bool = False
    occurred_at: datetime = Field(sa_column=_utc_column())
    iso_year: int
    iso_week: int
    description: str | None = Field(default=None, max_length=500)
    reported_by: str = Field(max_length=ID_LENGTH)
    reported_at: datetime = Field(sa_column=_utc_column())
    source_key: str | None = Field(default=None, max_length=KEY_LENGTH)  # trigger_id / view id: one event per request
    acknowledged_by: str | None = Field(default=None, max_length=ID_LENGTH)
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    withdrawn_by: str | None = Field(default=None, max_length=ID_LENGTH)
    withdrawn_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    withdrawn_reason: str | None = Field(default=None, max_length=300)
    alert_channel: str | None = Field(default=None, max_length=ID_LENGTH)
    alert_ts: str | None = Field(default=None, max_length=ID_LENGTH)


class OutboxMessage(SQLModel, table=True):
    """Something that must reach Slack: stored with the change, delivered and retried until confirmed."""

    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "due_at"),
        Index("ix_outbox_workspace", "workspace_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    key: str = Field(max_length=KEY_LENGTH)  # e.g. "alert.post:12": one row per thing to deliver
    kind: str = Field(max_length=32)
    subject_id: int | None = None  # the event (or other row) the message is about
    status: str = Field(default="pending", max_length=16)  # pending | sending | sent | failed | cancelled
    generation: int = 1  # bumped when the content changes, so a delivery of older content is redone
    attempts: int = 0
    due_at: datetime = Field(sa_column=_utc_column())
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: datetime = Field(sa_column=_utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    channel: str | None = Field(default=None, max_length=ID_LENGTH)
    ts: str | None = Field(default=None, max_length=ID_LENGTH)
    last_error: str | None = Field(default=None, max_length=500)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # text fixed when queued
    # The start of the last attempt whose answer was lost (None once Slack's answer said what happened):
    # the next attempt looks for that post first (migration 0009).
    attempted_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    lookup_cursor: str | None = Field(default=None, max_length=200)  # the next page of that lookup


class SkippedWeek(SQLModel, table=True):
    """A week without a meeting: no reminders and no summary for it."""

    __table_args__ = (UniqueConstraint("workspace_id", "iso_year", "iso_week", name="uq_skipped_week"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    iso_year: int
    iso_week: int
    skipped_by: str = Field(max_length=ID_LENGTH)
    skipped_at: datetime = Field(sa_column=_utc_column())


class ReminderMute(SQLModel, table=True):
    """A member who asked not to get reminders (`/lage påminnelser av`)."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_reminder_mute"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    user_id: str = Field(max_length=ID_LENGTH)
    muted_at: datetime = Field(sa_column=_utc_column())


class AnsweredRequest(SQLModel, table=True):
    """The answer to a Slack request that changed something, by its trigger id: a retry gets it again."""

    __table_args__ = (UniqueConstraint("workspace_id", "key", name="uq_answered_request"),
                      Index("ix_answered_request_at", "at"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    key: str = Field(max_length=KEY_LENGTH)  # "trigger:<trigger_id>"
    at: datetime = Field(sa_column=_utc_column())
    answer: str = Field(sa_column=Column(Text, nullable=False))  # the JSON acknowledged the first time


class KioskLink(SQLModel, table=True):
    """A read-only, expiring link to the storbild for a meeting room's screen; a coordinator can revoke it."""

    __table_args__ = (Index("ix_kiosk_workspace", "workspace_id", "expires_at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    nonce_hash: str = Field(max_length=64)  # sha256 of the link's random part; the link itself is never stored
    created_by: str = Field(max_length=ID_LENGTH)
    created_at: datetime = Field(sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())
    revoked_by: str | None = Field(default=None, max_length=ID_LENGTH)
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class HeldFile(SQLModel, table=True):
    """A file made for one person and kept until they accept it (where a platform asks the person before a bot
    may save a file for them); emptied once delivered, deleted at `expires_at` whatever happened."""

    __table_args__ = (Index("ix_heldfile_expires", "expires_at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    token_hash: str = Field(max_length=64, unique=True)  # sha256 of the random token the offer carries
    user_id: str = Field(max_length=ID_LENGTH)
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))
    created_at: datetime = Field(sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())
    taken_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))  # an upload under way
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class Insats(SQLModel, table=True):
    """An action the meeting decided: what is done where, by which partner, from which week to which.

    Weeks are stored as `year * 100 + week` (202647), so they sort and compare as numbers."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "source_key", name="uq_insats_source"),
        Index("ix_insats_workspace_status", "workspace_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    area_id: int = Field(foreign_key="area.id")
    place: str | None = Field(default=None, max_length=80)
    what: str | None = Field(default=None, max_length=200)  # None once blanked by retention
    partner_id: int = Field(foreign_key="partner.id")
    start_week: int
    end_week: int | None = None
    followup_week: int
    status: str = Field(default="planerad", max_length=16)  # planerad | pågår | klar | avbruten
    result: str | None = Field(default=None, max_length=300)  # the result note, or why it was cancelled
    created_by: str = Field(max_length=ID_LENGTH)
    created_at: datetime = Field(sa_column=_utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    source_key: str | None = Field(default=None, max_length=KEY_LENGTH)  # one insats per request


class Priority(SQLModel, table=True):
    """A focus area (and optionally a place in it) the meeting named for a week."""

    __table_args__ = (Index("ix_priority_week", "workspace_id", "iso_year", "iso_week"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    iso_year: int
    iso_week: int
    position: int = 0
    area_id: int = Field(foreign_key="area.id")
    place: str | None = Field(default=None, max_length=80)
    set_by: str = Field(max_length=ID_LENGTH)
    set_at: datetime = Field(sa_column=_utc_column())


class RiskDate(SQLModel, table=True):
    """A local date that needs planning (a festival, a match); the rule-based ones are computed, not stored."""

    __table_args__ = (UniqueConstraint("workspace_id", "day", "name", name="uq_risk_date"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    day: str = Field(max_length=10)  # ISO date, local
    name: str = Field(max_length=80)
    added_by: str = Field(max_length=ID_LENGTH)
    added_at: datetime = Field(sa_column=_utc_column())
class ConversationRef(SQLModel, table=True):
    """Where a chat platform lets the bot write later (proactive messages): a person's 1:1 chat or a channel,
    stored when the bot is installed there or first spoken to. `endpoint` is the platform's address for that
    conversation (on Teams the activity's serviceUrl, path included)."""

    __table_args__ = (UniqueConstraint("platform", "conversation_id", name="uq_conversation_ref"),
                      Index("ix_conversation_ref_user", "platform", "user_id"))
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    conversation_id: str = Field(max_length=ID_LENGTH)
    kind: str = Field(max_length=16)  # "personal" (a 1:1 chat), "channel", "groupChat"
    user_id: str | None = Field(default=None, max_length=ID_LENGTH)  # the person of a 1:1 chat
    team: str | None = Field(default=None, max_length=ID_LENGTH)  # the tenant / workspace key
    endpoint: str = Field(max_length=KEY_LENGTH)
    updated_at: datetime = Field(sa_column=_utc_column())


class PersonName(SQLModel, table=True):
    """The name a chat platform showed for a person when they last wrote to the bot (where a platform's ids
    are not names, as Teams' Entra object ids): replies name people by it. Forgotten with the texts."""

    __table_args__ = (UniqueConstraint("workspace_id", "platform", "user_id", name="uq_person_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=ID_LENGTH)
    name: str = Field(max_length=200)
    seen_at: datetime = Field(sa_column=_utc_column())


class SignInLink(SQLModel, table=True):
    """A personal, one-time link that signs one person in to the web view, asked for in the chat; only a hash of
    its random part is kept. Used once, or expired after minutes."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    user_id: str = Field(max_length=ID_LENGTH)
    nonce_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())
    used_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
