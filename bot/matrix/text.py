"""Reply text as a Matrix message: a plain `body` (notifications, clients without HTML) and an HTML
`formatted_body`, built line by line together.

Everything a user typed is HTML-escaped; `@room` in it is broken with a word joiner, and every message names
whom it mentions in `m.mentions` (never the room), so nothing the bot posts pings a whole room. Mentions are
pills (links to matrix.to), commands are written with `!`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from commands.core.identity import MATRIX, person_platform
from commands.core.spans import Mention, Strong, Text, Typed, spans

PREFIX = "!"  # Matrix bots are spoken to with `!command`
WORD_JOINER = "\u2060"
MAX_LINES_BYTES = 48_000  # well under the 64 KiB an event may have, body and HTML together


def defuse(text: str) -> str:
    """`@room` typed by someone, shown but not acted on."""
    return text.replace("@room", f"@{WORD_JOINER}room")


def escape(text: str) -> str:
    """User text for the HTML body."""
    return html.escape(defuse(text), quote=True)


def pill(target: str) -> str:
    """A link Element shows as a pill: a person or a room by its id."""
    return f'<a href="https://matrix.to/#/{html.escape(target, quote=True)}">{html.escape(target)}</a>'


def body(text: Text) -> str:
    """Reply text as plain text: mentions by id, commands with `!`."""
    out = []
    for span in spans(text):
        if isinstance(span, Mention):
            out.append(span.id)
        elif isinstance(span, Typed):
            out.append(PREFIX + span.text)
        else:
            out.append(defuse(span if isinstance(span, str) else span.text))
    return "".join(out)


def rich(text: Text) -> str:
    """Reply text as HTML: pills, <strong>, <code>!…</code>, everything else escaped."""
    out = []
    for span in spans(text):
        if isinstance(span, Mention):
            out.append(pill(span.id) if span.id[:1] in "@!#" else escape(span.id))
        elif isinstance(span, Strong):
            out.append(f"<strong>{escape(span.text)}</strong>")
        elif isinstance(span, Typed):
            out.append(f"<code>{escape(PREFIX + span.text)}</code>")
        else:
            out.append(escape(span))
    return "".join(out)


def people(text: Text) -> list[str]:
    """The Matrix people a text mentions."""
    return [s.id for s in spans(text) if isinstance(s, Mention) and s.kind == "person"
            and person_platform(s.id) == MATRIX]


@dataclass
class Doc:
    """A message being written: lines of plain text and HTML side by side, and whom it mentions."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)

    def add(self, text: Text, *, strong: bool = False, lead: str = "", indent: bool = False) -> Doc:
        """A line of reply text (bold when `strong`), after a `lead` such as an emoji or a bullet."""
        plain, markup = body(text), rich(text)
        if strong:
            markup = f"<strong>{markup}</strong>"
        prefix = "    " if indent else ""
        self.lines.append((f"{prefix}{lead}{plain}", f"{'&nbsp;' * 4 if indent else ''}{html.escape(lead)}{markup}"))
        self.mentions += [p for p in people(text) if p not in self.mentions]
        return self

    def code(self, command: str, lead: str = "") -> Doc:
        """A command as the user types it (`!lage …`)."""
        self.lines.append((f"{lead}{PREFIX}{command}", f"{escape(lead)}<code>{escape(PREFIX + command)}</code>"))
        return self

    def raw(self, plain: str, markup: str) -> Doc:
        """A line already written in both forms (markup built from escaped parts only)."""
        self.lines.append((plain, markup))
        return self

    def blank(self) -> Doc:
        """An empty line between parts."""
        if self.lines and self.lines[-1] != ("", ""):
            self.lines.append(("", ""))
        return self

    def size(self) -> int:
        """Bytes of text so far (body and HTML)."""
        return sum(len(a.encode()) + len(b.encode()) + 5 for a, b in self.lines)

    def content(self, msgtype: str = "m.notice") -> dict:
        """The event content: body, HTML and the mentions (never `room`)."""
        lines = self.lines[:-1] if self.lines and self.lines[-1] == ("", "") else self.lines
        return {"msgtype": msgtype, "body": "\n".join(a for a, _ in lines),
                "format": "org.matrix.custom.html", "formatted_body": "<br>".join(b for _, b in lines),
                "m.mentions": {"user_ids": list(self.mentions)}}
