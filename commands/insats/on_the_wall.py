"""What the meeting decided, on the week page of the web view (commands/storbild/pages.py `WEEK_SECTIONS`):
the priorities of the week shown and the next and how many insatser are open, for everyone; the open insatser
themselves, overdue follow-ups first, like comments (never on a kiosk link: planned actions are not for the room)."""

from __future__ import annotations

from sqlmodel import Session

from commands.core.texts import t
from commands.core.weeks import Week
from commands.insats.common import line, names
from commands.insats.focus import priority_lines
from commands.insats.lines import insats_text
from commands.storbild.pages import WEEK_SECTIONS, PageSection
from storage.queries import insats as insats_queries

MAX_LINES = 40  # a wall is read from four metres: the rest are counted


def decisions_section(session: Session, workspace_id: int, week: Week) -> PageSection:
    """Priorities and open insatser as seen in `week` (a follow-up before it is overdue)."""
    found = insats_queries.insatser(session, workspace_id=workspace_id, open_only=True)
    areas, partners = names(session, workspace_id) if found else ({}, {})
    priorities = [str(p) for p in priority_lines(session, workspace_id, (week, week.shift(1)), areas or None)]
    open_lines = sorted((line(i, areas, partners, week) for i in found), key=lambda x: (not x.overdue, x.number))
    lines = [("⏰ " if x.overdue else "") + insats_text(x) for x in open_lines]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [t("notice.more", count=len(lines) - MAX_LINES)]
    if open_lines:  # the count for everyone; what is done, and where, only for the collaboration's members
        priorities.append(t("insats.wall.count", count=len(open_lines),
                            late=sum(1 for x in open_lines if x.overdue)))
    return PageSection("insatser", t("insats.wall.title"), tuple(priorities), t("insats.wall.none"), tuple(lines))


if decisions_section not in WEEK_SECTIONS:
    WEEK_SECTIONS.append(decisions_section)
