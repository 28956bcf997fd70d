"""Rich reply text without any platform's markup: words, mentions, emphasis and commands as typed spans.

A line of reply text is either a plain `str` or a tuple of spans. Each surface renders the spans its own way
(Slack its mention markup, bold and `/lage`; the console `@U…` and `/lage`; Matrix pills and `!lage` later), so no
platform syntax is ever written into the core's text, and nothing a user typed can turn into a mention.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from string import Formatter
from typing import Literal

from commands.core.identity import MATRIX, person_platform, room_platform
from commands.core.texts import SV


@dataclass(frozen=True)
class Mention:
    """A person or a channel/room named in a reply, by the platform's own id."""

    kind: Literal["person", "channel"]
    id: str


@dataclass(frozen=True)
class Strong:
    """Words to emphasise (bold where the surface has it)."""

    text: str


@dataclass(frozen=True)
class Typed:
    """A command as the user types it, without the platform's prefix (`lage hjälp`); the surface adds `/` or `!`."""

    text: str


Span = str | Mention | Strong | Typed
Text = str | tuple[Span, ...]
"""Plain words, or a line of spans."""

SPAN_TYPES = (Mention, Strong, Typed)


def mention(user_id: str) -> Mention:
    """A mention of a person."""
    return Mention("person", user_id)


def channel_ref(channel_id: str) -> Mention:
    """A reference to a channel (a room on Matrix)."""
    return Mention("channel", channel_id)


def spans(text: Text | Span) -> tuple[Span, ...]:
    """Any reply text (or a single span) as a tuple of spans."""
    return (text,) if isinstance(text, (str, *SPAN_TYPES)) else text


def line(*parts: Text | Span) -> tuple[Span, ...]:
    """Spans and texts put together into one line, adjacent words merged."""
    out: list[Span] = []
    for part in parts:
        for span in ((part,) if isinstance(part, (str, *SPAN_TYPES)) else part):
            if isinstance(span, str) and out and isinstance(out[-1], str):
                out[-1] += span
            elif span != "":
                out.append(span)
    return tuple(out)


def join(separator: str, texts: list[Text] | tuple[Text | Span, ...], empty: str = "") -> Text:
    """Texts (or spans) joined by a separator; `empty` when there are none."""
    if not texts:
        return empty
    parts: list[Text | Span] = []
    for index, text in enumerate(texts):
        parts += [separator, text] if index else [text]
    return line(*parts)


def rich(key: str, /, **values: object) -> Text:
    """The catalogue text for a key with spans filled in where the values are spans or lines.

    Plain values are formatted as `t()` does; when no span ends up in it the result is a plain `str`."""
    if not any(isinstance(v, (tuple, *SPAN_TYPES)) for v in values.values()):
        return SV[key].format(**values)
    parts: list[Text | Span] = []
    for literal, name, spec, conversion in Formatter().parse(SV[key]):
        parts.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, (tuple, *SPAN_TYPES)):
            parts.append(value)
        else:
            parts.append(format(repr(value) if conversion == "r" else value, spec or ""))
    filled = line(*parts)
    return "".join(filled) if all(isinstance(span, str) for span in filled) else filled


def written(span: Mention) -> str:
    """A mention as plain text: `@id`/`#id`, or the id itself when it carries its own sigil (Matrix `@anna:server`,
    `!room:server`, `#alias:server`), so it is never written `@@anna:server`."""
    platform = person_platform(span.id) if span.kind == "person" else room_platform(span.id)
    if platform == MATRIX:
        return span.id
    return ("@" if span.kind == "person" else "#") + span.id


def plain(text: Text, prefix: str) -> str:
    """Text for surfaces without formatting: mentions as `@id`/`#id`, commands after the surface's prefix."""
    out = []
    for span in spans(text):
        if isinstance(span, Mention):
            out.append(written(span))
        elif isinstance(span, Typed):
            out.append(prefix + span.text)
        else:
            out.append(span if isinstance(span, str) else span.text)
    return "".join(out)

def to_data(text: Text) -> str | list:
    """Reply text as JSON-ready data, for text stored before it is delivered (outbox rows)."""
    if isinstance(text, str):
        return text
    return [span if isinstance(span, str) else {type(span).__name__.lower(): span.__dict__} for span in text]


def from_data(data: str | list) -> Text:
    """Reply text back from `to_data`."""
    if isinstance(data, str):
        return data
    kinds = {kind.__name__.lower(): kind for kind in SPAN_TYPES}
    return tuple(item if isinstance(item, str) else next(kinds[k](**v) for k, v in item.items()) for item in data)


def people_in(value: object) -> set[str]:
    """The ids of every person a reply mentions, at any depth (dataclasses, tuples, lists, dicts)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mention):
            if item.kind == "person":
                found.add(item.id)
        elif isinstance(item, str | int | float | bool | None):
            continue
        elif isinstance(item, tuple | list | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item))
    return found
