"""Reading a command's arguments the same way everywhere: a leading week, how far ahead it may reach, an area
by name (with suggestions), a level 1–5, the number of an event, insats or link."""

from __future__ import annotations

from collections.abc import Sequence

from commands.core.context import Caller, Token
from commands.core.matching import match_name, plain_int
from commands.core.refusals import InputError
from commands.core.scale import is_level
from commands.core.texts import t
from commands.core.weeks import Week, WeekError, parse_week
from storage.queries.directory import AreaRef


def take_week(tokens: list[Token], caller: Caller) -> tuple[Week | None, list[Token]]:
    """A leading week token, if there is one; raises WeekError for a week that does not exist."""
    if tokens:
        week = parse_week(tokens[0].text, current=caller.current_week)
        if week is not None:
            return week, tokens[1:]
    return None, tokens


# How far ahead a command may reach, in weeks, and the sentence that says so in its refusal.
REACH = {"rate": (1, "error.future_week.rate"), "agree": (1, "error.future_week.agree"),
         "grid": (1, "error.future_week.grid"), "publish": (1, "error.future_week.publish"),
         "plan": (52, "error.future_week.plan")}


def check_not_future(week: Week, caller: Caller, reach: str = "rate") -> None:
    """Reports (and what reads or agrees on them) reach at most one week ahead; planning about a year."""
    weeks, key = REACH[reach]
    last = caller.current_week.shift(weeks)
    if week > last:
        first = t("error.future_week" if weeks == 1 else "error.future_year", week=week.label.capitalize())
        raise WeekError(f"{first} {t(key, last=last.label)}")


def resolve_area(query: str, areas: Sequence[AreaRef]) -> AreaRef:
    """The area a user meant, or an InputError listing the areas or suggestions."""
    names = [a.name for a in areas]
    if not areas:
        raise InputError(t("error.no_areas"))
    if not query.strip():
        raise InputError(t("error.missing_area"), t("error.areas_are", names=", ".join(names)))
    found = match_name(query, names)
    if found.found:
        return next(a for a in areas if a.name == found.found)
    if found.candidates:
        key = "error.ambiguous_area" if found.ambiguous else "error.unknown_area"
        raise InputError(t(key, query=query), t("error.did_you_mean", names=_or_list(found.candidates)))
    raise InputError(t("error.unknown_area", query=query), t("error.areas_are", names=", ".join(names)))


def _or_list(names: tuple[str, ...]) -> str:
    quoted = [f"”{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" {t('error.or')} " + quoted[-1]


def parse_level(text: str, usage: str | None = None) -> int:
    """A level 1–5 or an InputError."""
    value = plain_int(text)
    if value is None or not is_level(value):
        raise InputError(t("error.bad_level", value=text), usage=usage)
    return value


def read_number(text: str | None) -> int | None:
    """The number of something listed (an event, an insats, a kiosk link), written `12` or `#12`; None when it
    is not a plain number."""
    return plain_int((text or "").lstrip("#"))
