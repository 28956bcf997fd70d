"""What the clock needs to know about every workspace at once, in a few set-based queries.

One tick looks at every workspace each minute; a query per workspace (or per partner) made a tick over
1,000 workspaces take seconds. These read the same facts for a whole list of workspaces, in chunks
small enough for SQLite's limit on bound parameters, each chunk through the workspace-leading indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from storage.models import Area, Insats, Member, Partner, Rating, ReminderMute, SkippedWeek

CHUNK = 500


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def skipped_weeks(session: Session, workspace_ids: Iterable[int]) -> set[tuple[int, int, int]]:
    """(workspace, ISO year, ISO week) of every week marked as without a meeting."""
    found: set[tuple[int, int, int]] = set()
    for ids in chunks(sorted(set(workspace_ids))):
        query = select(SkippedWeek.workspace_id, SkippedWeek.iso_year, SkippedWeek.iso_week).where(
            SkippedWeek.workspace_id.in_(ids))
        found.update(tuple(row) for row in session.execute(query))
    return found


@dataclass
class ReminderFacts:
    """Per workspace: active areas, active partners in order, members per partner, muted users; and who rated what."""

    areas: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    partners: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    members: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    muted: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    rated: dict[tuple[int, int, int, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    followups: dict[int, int] = field(default_factory=dict)  # partner → its earliest open insats follow-up (202647)

    def missing(self, workspace_id: int, partner_id: int, year: int, week: int) -> set[int]:
        """The active areas a partner has not rated that week."""
        return self.areas[workspace_id] - self.rated[(workspace_id, year, week, partner_id)]

    def followup_due(self, partner_id: int, year: int, week: int) -> bool:
        """The partner has an open insats whose follow-up is due that week or earlier."""
        return self.followups.get(partner_id, 10**6) <= year * 100 + week


def reminder_facts(session: Session, workspace_ids: Iterable[int], weeks: Iterable[tuple[int, int]]) -> ReminderFacts:
    """Everything needed to decide who gets a reminder, for many workspaces and a few weeks."""
    facts, weeks = ReminderFacts(), sorted(set(weeks))
    for ids in chunks(sorted(set(workspace_ids))):
        query = select(Area.workspace_id, Area.id).where(Area.workspace_id.in_(ids), Area.retired_at.is_(None))
        for workspace_id, area_id in session.execute(query):
            facts.areas[workspace_id].add(area_id)
        query = select(Partner.workspace_id, Partner.id).where(Partner.workspace_id.in_(ids),
                                                               Partner.retired_at.is_(None))
        for workspace_id, partner_id in session.execute(query.order_by(Partner.position, Partner.name)):
            facts.partners[workspace_id].append(partner_id)
        for partner_id, user_id in session.execute(select(Member.partner_id, Member.user_id)
                                                   .where(Member.workspace_id.in_(ids))):
            facts.members[partner_id].append(user_id)
        for workspace_id, user_id in session.execute(select(ReminderMute.workspace_id, ReminderMute.user_id)
                                                     .where(ReminderMute.workspace_id.in_(ids))):
            facts.muted[workspace_id].add(user_id)
        in_weeks = or_(*(and_(Rating.iso_year == year, Rating.iso_week == week) for year, week in weeks))
        query = select(Rating.workspace_id, Rating.iso_year, Rating.iso_week, Rating.partner_id, Rating.area_id) \
            .where(Rating.workspace_id.in_(ids), in_weeks)
        for workspace_id, year, week, partner_id, area_id in session.execute(query):
            facts.rated[(workspace_id, year, week, partner_id)].add(area_id)
        query = select(Insats.partner_id, func.min(Insats.followup_week)).where(
            Insats.workspace_id.in_(ids), Insats.status.in_(("planerad", "pågår"))).group_by(Insats.partner_id)
        facts.followups.update(dict(session.execute(query).all()))
    return facts
