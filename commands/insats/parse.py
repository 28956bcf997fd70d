"""Reading `insats <område> [(plats)] <vad> [ansvarig partner] [vecka[–vecka]]`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from commands.core.arguments import resolve_area
from commands.core.context import Token
from commands.core.matching import fold, match_name
from commands.core.refusals import InputError
from commands.core.texts import t
from commands.core.weeks import Week, WeekError, parse_week
from storage.queries.directory import AreaRef

USAGE = "insats <område> [(plats)] <vad> [ansvarig partner] [vecka[–vecka]]"
_RANGE = re.compile(r"^(.+?)[–—-]{1,2}(.+)$")
_WEEKISH = re.compile(r"^(?:v\.?|vecka|\d{4}-?w)\d{1,2}$", re.IGNORECASE)


@dataclass(frozen=True)
class Proposal:
    """What the text of an `insats` command says."""

    area: AreaRef
    place: str | None
    what: str
    partner: str | None  # a partner name as typed (matched later), None: the caller's own
    start: Week | None
    end: Week | None


def week_range(text: str, current: Week) -> tuple[Week, Week | None] | None:
    """`v48`, `v48–v51`, `v48-52`, `2026-W48–2027-W02`: (start, end); None when the word is no week.
    A single week written with `v` or as `2026-W48`, so a bare number stays part of the description."""
    ranged = _RANGE.match(text)
    if ranged and _WEEKISH.match(ranged.group(1)):
        start = parse_week(ranged.group(1), current=current)
        end_text = ranged.group(2)
        if end_text.isdigit() or _WEEKISH.match(end_text):
            end = parse_week(end_text if not end_text.isdigit() else f"v{end_text}", current=start)
            if start is not None and end is not None:
                if end < start:
                    raise WeekError(t("insats.error.end_before_start", start=start.short, end=end.short))
                return start, end
    if _WEEKISH.match(text):
        week = parse_week(text, current=current)
        return (week, None) if week is not None else None
    return None


def split_partner(args: str, tokens: list[Token], partners: Sequence[tuple[str, str | None]]) -> tuple[str | None, int]:
    """A partner's name (or short name) ending the text, exactly as configured up to case and diacritics:
    (the partner's name, how many words it took)."""
    wanted = {fold(name): name for name, _ in partners}
    wanted.update({fold(short): name for name, short in partners if short})
    for width in range(min(8, len(tokens) - 2), 0, -1):  # area and description come first
        text = fold(args[tokens[-width].start:tokens[-1].end])
        if text in wanted:
            return wanted[text], width
    return None, 0


def split_area(args: str, tokens: list[Token], areas: Sequence[AreaRef]) -> tuple[AreaRef, int]:
    """The longest area name the text starts with (`Vällingby centrum – torget` before `Vällingby`)."""
    names = [a.name for a in areas]
    most = max((len(fold(n).split()) for n in names), default=0)
    for i in range(min(len(tokens) - 1, most), 0, -1):
        query = args[tokens[0].start:tokens[i - 1].end]
        if match_name(query, names).found:
            return resolve_area(query, areas), i
    try:
        resolve_area(args[tokens[0].start:tokens[0].end] if tokens else "", areas)  # raises with the list
    except InputError as error:
        raise InputError(*error.lines, usage=USAGE) from None
    raise InputError(t("insats.error.missing_what"), usage=USAGE)


def split_place(args: str, tokens: list[Token]) -> tuple[str | None, int]:
    """`(torget vid T-banan)` right after the area: the place and how many words it took."""
    if not tokens or not tokens[0].text.startswith("("):
        return None, 0
    for i, token in enumerate(tokens):
        if token.text.endswith(")"):
            place = args[tokens[0].start + 1:token.end - 1].strip()
            if not place:
                raise InputError(t("insats.error.place_empty"), usage=USAGE)
            return place, i + 1
    raise InputError(t("insats.error.place_open"), usage=USAGE)


def parse_proposal(args: str, tokens: list[Token], *, areas: Sequence[AreaRef],
                   partners: Sequence[tuple[str, str | None]], current: Week) -> Proposal:
    """The whole command text; raises InputError or WeekError with a Swedish message."""
    start = end = None
    if tokens:
        weeks = week_range(tokens[-1].text, current)
        if weeks is not None:
            (start, end), tokens = (weeks[0], weeks[1] or weeks[0]), tokens[:-1]  # one week: that week only
    partner, width = split_partner(args, tokens, partners)
    tokens = tokens[:len(tokens) - width]
    if not tokens:
        raise InputError(t("error.missing_area"), usage=USAGE)
    area, used = split_area(args, tokens, areas)
    place, taken = split_place(args, tokens[used:])
    rest = tokens[used + taken:]
    if not rest:
        raise InputError(t("insats.error.missing_what"), usage=USAGE)
    what = " ".join(args[rest[0].start:rest[-1].end].split())
    return Proposal(area, place, what, partner, start, end)
