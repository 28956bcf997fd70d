"""Event types (händelsetyper): Swedish names, aliases and severity — data, not code."""

from __future__ import annotations

from dataclasses import dataclass

from commands.core.matching import NameMatch, fold, match_name


@dataclass(frozen=True)
class EventType:
    """A kind of event; critical ones alert the alert channel at once."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    critical: bool = False
    emoji: str = "•"


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("skjutning", "Skjutning", ("skottlossning", "skott"), True, "🚨"),
    EventType("sprangning", "Sprängning", ("detonation", "explosion", "smäll"), True, "🚨"),
    EventType("brandattentat", "Brandattentat", ("anlagd brand", "bilbrand", "mordbrand"), True, "🚨"),
    EventType("stenkastning", "Stenkastning", (), False, "⚠️"),
    EventType("hot", "Hot", ("hot om våld",), False, "⚠️"),
    EventType("ran", "Rån", ("personrån",), False, "⚠️"),
    EventType("misshandel", "Misshandel", ("våld",), False, "⚠️"),
    EventType("skadegorelse", "Skadegörelse", ("klotter", "vandalism"), False, "•"),
    EventType("oppen_droghandel", "Öppen droghandel", ("droghandel", "langning"), False, "⚠️"),
    EventType("annat", "Annat", ("övrigt",), False, "•"),
)
_BY_KEY = {t.key: t for t in EVENT_TYPES}


def event_type(key: str) -> EventType:
    """The type with this key."""
    return _BY_KEY[key]


def _names() -> dict[str, EventType]:
    names = {}
    for kind in EVENT_TYPES:
        for name in (kind.name, *kind.aliases):
            names[name] = kind
    return names


def match_event_type(text: str) -> tuple[EventType | None, NameMatch]:
    """The type a user meant by name or alias (no case, no diacritics), or suggestions."""
    names = _names()
    exact = {fold(name): kind for name, kind in names.items()}
    if fold(text) in exact:
        return exact[fold(text)], NameMatch(found=exact[fold(text)].name)
    found = match_name(text, list(names))
    if found.found:
        return names[found.found], found
    return None, found


def type_names() -> str:
    """All type names for help and error messages, critical ones marked."""
    return ", ".join(f"{t.name.lower()}{' (kritisk)' if t.critical else ''}" for t in EVENT_TYPES)
