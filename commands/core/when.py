"""When an event happened: what users type (`22:15`, `kl. 21.30`, `igår 22:15`, `2026-11-20 22:15`, `lördag`) and how
we show it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from commands.core.matching import fold
from commands.core.texts import t
from commands.core.weeks import MONTHS

WEEKDAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
_DAY_WORDS = {"mandag": 0, "tisdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lordag": 5, "sondag": 6}
_CLOCK = re.compile(r"^(?:kl\.?)?(\d{1,2})[:.](\d{2})$")
_KL = ("kl", "kl.")
_TIME_LIKE = re.compile(r"^(?:kl\.?)?(?:\d{1,2}:\d{1,3}|\d{1,2}\.\d{2})$")  # what must be a time if anything
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}/\d{1,2}$")  # what must be a date if anything
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def show(moment: datetime) -> str:
    """`lör 21 nov 22:15` (local time)."""
    return f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment:%H:%M}"


def _clock(token: str) -> time | None:
    match = _CLOCK.match(token.casefold())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _day(token: str, today: date) -> date | None:
    word = fold(token)
    if word in ("idag", "i dag"):
        return today
    if word in ("igar", "i gar"):
        return today - timedelta(days=1)
    if word in _DAY_WORDS:
        return today - timedelta(days=(today.weekday() - _DAY_WORDS[word]) % 7)
    iso = _ISO_DATE.match(token)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        short = _DAY_MONTH.match(token)
        if short:
            candidate = date(today.year, int(short.group(2)), int(short.group(1)))
            return candidate if candidate <= today else candidate.replace(year=today.year - 1)
    except ValueError:
        return None
    return None


class WhenError(ValueError):
    """A word that looks like a date or a time but is none (`25:00`, `2026-13-45`); the message is Swedish."""


def _refuse(word: str) -> WhenError:
    return WhenError(t("event.error.bad_when", word=word))


def parse_when(tokens: list[str], now_local: datetime) -> tuple[datetime | None, int]:
    """A leading date and/or time among the tokens (`igår kl. 21.30`): (local datetime, tokens used) or
    (None, 0); raises WhenError for a word that looks like a date or a time but is none."""
    if not tokens:
        return None, 0
    day = _day(tokens[0], now_local.date())
    if day is None and _DATE_LIKE.match(tokens[0]):
        raise _refuse(tokens[0])
    used = 0 if day is None else 1
    at = None
    if used < len(tokens) and tokens[used].casefold() in _KL:
        if used + 1 == len(tokens) or _clock(tokens[used + 1]) is None:
            raise _refuse(" ".join(tokens[used:used + 2]))
        used += 1
    if used < len(tokens):
        at = _clock(tokens[used])
        if at is None and _TIME_LIKE.match(tokens[used].casefold()):
            raise _refuse(tokens[used])
        used += at is not None
    if day is None and at is None:
        return None, 0
    moment = datetime.combine(day or now_local.date(), at or time(0, 0), tzinfo=now_local.tzinfo)
    if at is None and day == now_local.date():
        moment = now_local
    return moment, used
