"""The tables. Every row belongs to a workspace (one collaboration) so no query can cross them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc_column(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Workspace(SQLModel, table=True):
    """One collaboration (samverkan), today one per Slack workspace."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)  # Slack team id, or "default" in single-workspace mode
    timezone: str = Field(default="Europe/Stockholm", max_length=64)
    summary_channel: str | None = Field(default=None, max_length=32)
    alert_channel: str | None = Field(default=None, max_length=32)
    deadline_weekday: int = Field(default=0)  # ISO weekday - 1: Monday = 0
    deadline_minute: int = Field(default=600)  # minutes after local midnight: 10:00


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


class Member(SQLModel, table=True):
    """A chat user who may report for one partner organisation."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_member_user"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    user_id: str = Field(max_length=32)


class RoleGrant(SQLModel, table=True):
    """A user's role beyond reporting: coordinator (samordnare) or admin."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "role", name="uq_role_grant"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: str = Field(max_length=32)
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
    reported_by: str = Field(max_length=32)
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
    set_by: str = Field(max_length=32)
    set_at: datetime = Field(sa_column=_utc_column())


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, from what to what."""

    __table_args__ = (Index("ix_audit_workspace_at", "workspace_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    at: datetime = Field(sa_column=_utc_column())
    actor: str = Field(max_length=32)
    action: str = Field(max_length=32)
    subject: str = Field(max_length=200)
    iso_year: int | None = None
    iso_week: int | None = None
    old_value: str | None = Field(default=None, max_length=500)
    new_value: str | None = Field(default=None, max_length=500)
