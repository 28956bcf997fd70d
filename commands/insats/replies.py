"""The insats feature's replies: plain values every chat surface renders its own way."""

from __future__ import annotations

from dataclasses import dataclass

from commands.core.spans import Text


@dataclass(frozen=True)
class InsatsLine:
    """One insats as listed: `#3 Vällingby (torget): trygghetsvandring – Polisen, v48–v51 · pågår`."""

    number: int
    area: str
    place: str | None
    what: str | None  # None once blanked by retention
    partner: str
    weeks: str
    status: str
    followup: str
    overdue: bool = False
    result: str | None = None


@dataclass(frozen=True)
class InsatsList:
    """A list of insatser under a title, with a note when some were left out."""

    title: Text
    lines: tuple[InsatsLine, ...]
    empty: Text = ""
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class InsatsForm:
    """Ask the surface to show the insats form (a modal in Slack), pre-filled with an area when known."""

    areas: tuple[tuple[int, str], ...]
    partners: tuple[tuple[int, str], ...]
    partner_id: int | None  # the caller's own partner, pre-selected
    area_id: int | None = None
    start: str = ""  # the week the form suggests, as typed (`v48`)


@dataclass(frozen=True)
class QuarterArea:
    """One area's quarter: weeks at 4–5, weeks with a critical event, insatser done and open."""

    area: str
    assessed: int
    high_weeks: int
    critical_weeks: int
    done: int
    open: int


@dataclass(frozen=True)
class QuarterReport:
    """`veckolage kvartal`: the quarter per area, the three most burdened areas, its insatser."""

    year: int
    quarter: int
    first: str  # `v40`
    last: str  # `v53`
    weeks: int
    areas: tuple[QuarterArea, ...]
    burdened: tuple[QuarterArea, ...]
    done: tuple[InsatsLine, ...]
    open: tuple[InsatsLine, ...]

    @property
    def name(self) -> str:
        """`2026-Q4`."""
        return f"{self.year}-Q{self.quarter}"


@dataclass(frozen=True)
class QuarterExport:
    """A coordinator asked for the quarter as an XLSX file, delivered to them directly."""

    report: QuarterReport
    user_id: str


@dataclass(frozen=True)
class Decisions:
    """The meeting's decisions as a week sees them: priorities, open insatser, overdue follow-ups, risk dates."""

    top: tuple[Text, ...]  # short lines for the top of a grid or summary
    per_area: tuple[str, ...] = ()  # `Vällingby: #3 trygghetsvandring (Polisen, v48–v51), …`
    overdue: tuple[InsatsLine, ...] = ()
