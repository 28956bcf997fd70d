"""Replies: plain values that each chat surface renders its own way. All text here is unescaped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from commands.core.spans import Text
from commands.core.weeks import Week

Tone = Literal["ok", "error", "info"]


@dataclass(frozen=True)
class Notice:
    """A short answer: a title, some lines, and the right usage when the input was wrong."""

    tone: Tone
    title: Text
    lines: tuple[Text, ...] = ()
    usage: str | None = None  # a command's usage without the platform's prefix (`lage [vecka] <område> …`)
    week: Week | None = None


@dataclass(frozen=True)
class HelpEntry:
    """One command in the help list."""

    usage: str
    summary: str


@dataclass(frozen=True)
class HelpReply:
    """The usage of a command family, from the registry."""

    title: str
    entries: tuple[HelpEntry, ...]
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One partner's rating of one area (level None: not reported)."""

    level: int | None
    comment: str | None = None


@dataclass(frozen=True)
class AreaRow:
    """One area of the week grid with its consolidated value."""

    area: str
    cells: tuple[Cell, ...]
    value: int | None
    agreed: bool
    previous: int | None
    disagreement: bool
    critical: bool = False
    agreed_level: int | None = None  # the fastställd value; below `value` when a critical event lifted it

    @property
    def lifted(self) -> bool:
        """A critical event lifts the area above its fastställd value (show both)."""
        return self.agreed_level is not None and self.value != self.agreed_level

    @property
    def change(self) -> int:
        """+1 rose, -1 fell, 0 same or unknown since last week."""
        if self.value is None or self.previous is None or self.value == self.previous:
            return 0
        return 1 if self.value > self.previous else -1


@dataclass(frozen=True)
class MissingReport:
    """A partner that has not rated every area."""

    partner: str
    missing: int
    total: int


@dataclass(frozen=True)
class Comment:
    """A partner's comment on an area, shown under the grid."""

    area: str
    partner: str
    text: str


@dataclass(frozen=True)
class WeekGrid:
    """The consolidated week grid: areas × partners."""

    week: Week
    partners: tuple[str, ...]
    rows: tuple[AreaRow, ...]
    missing: tuple[MissingReport, ...]
    comments: tuple[Comment, ...] = field(default_factory=tuple)
    events: tuple[EventLine, ...] = field(default_factory=tuple)
    warnings: tuple[Text, ...] = field(default_factory=tuple)
    heads: tuple[str, ...] = field(default_factory=tuple)  # column heads: partners' short names, else names
    imported: bool = False  # values from an imported year table, no partner reports: nobody is "missing"
    focus: tuple[Text, ...] = field(default_factory=tuple)  # the meeting's priorities and open insatser, on top

    def head(self, index: int) -> str:
        """A partner's column head (its short name when it has one)."""
        return self.heads[index] if index < len(self.heads) else self.partners[index]


@dataclass(frozen=True)
class FormArea:
    """One area in the rating form, pre-filled with what the organisation already said."""

    area_id: int
    area: str
    level: int | None
    comment: str | None


@dataclass(frozen=True)
class RatingForm:
    """Ask the surface to show the rating form (a modal in Slack)."""

    week: Week
    partner: str
    areas: tuple[FormArea, ...]



@dataclass(frozen=True)
class FieldErrors:
    """Form input that cannot be saved, per (area id, "level" or "comment"); nothing was written."""

    errors: dict[tuple[int, str], Text]




@dataclass(frozen=True)
class EventLine:
    """One event as listed under the grid and by `/handelse lista`."""

    number: int
    type_name: str
    emoji: str
    critical: bool
    area: str
    when: str
    partner: str
    description: str | None
    status: Text


@dataclass(frozen=True)
class EventList:
    """The events of a week."""

    week: Week
    events: tuple[EventLine, ...]
    warnings: tuple[Text, ...] = ()


@dataclass(frozen=True)
class EventForm:
    """Ask the surface to show the event form (a modal in Slack)."""

    areas: tuple[tuple[int, str], ...]
    types: tuple[tuple[str, str], ...]
    now_local: datetime
    partner: str



@dataclass(frozen=True)
class YearRequest:
    """The year table was asked for; the surface renders it (a picture in Slack) off the request path."""

    year: int
    channel_id: str | None  # one of the collaboration's channels, or None: to the asker's DM


@dataclass(frozen=True)
class ExportRequest:
    """A coordinator asked for the year table as a file, delivered to them directly."""

    year: int
    format: str
    user_id: str


@dataclass(frozen=True)
class TrendPoint:
    """One week of an area's trend, with the collaboration's average that week."""

    week: Week
    value: int | None
    average: float | None


@dataclass(frozen=True)
class Trend:
    """An area's last N weeks."""

    area: str
    points: tuple[TrendPoint, ...]

    @property
    def mean(self) -> float | None:
        """The area's mean over the weeks it was assessed."""
        values = [p.value for p in self.points if p.value is not None]
        return sum(values) / len(values) if values else None

    @property
    def collaboration_mean(self) -> float | None:
        """The mean of the weekly averages over the same weeks as `mean`: those the area was assessed."""
        values = [p.average for p in self.points if p.value is not None and p.average is not None]
        return sum(values) / len(values) if values else None




@dataclass(frozen=True)
class FileReply:
    """A ready file for the asker only (a DM in Slack, a file on disk in the console)."""

    filename: str
    content: str
    user_id: str
    comment: str


from commands.insats.replies import InsatsForm, InsatsList, QuarterExport, QuarterReport  # noqa: E402

Reply = (Notice | HelpReply | WeekGrid | RatingForm | FieldErrors | EventList | EventForm | YearRequest
         | ExportRequest | Trend | FileReply | InsatsList | InsatsForm | QuarterReport | QuarterExport)
