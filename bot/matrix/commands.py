"""Running what a Matrix user typed: one command through the registry, several rating lines all or nothing,
and `!kvittera <nr>`. Everything inside one transaction, committed before anything is sent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from bot.matrix.inbound import Typed
from commands.core.arguments import read_number
from commands.core.context import Invocation, load_caller
from commands.core.refusals import refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import line
from commands.core.texts import t
from commands.events.manage import acknowledge
from commands.rating.rate import USAGE as RATE_USAGE
from storage import queries
from storage.db import session_scope

MAX_LINES = 40  # a collaboration has at most 40 areas


class _Refused(Exception):
    """A line of a multi-line rating failed: roll every line back."""

    def __init__(self, reply: Notice) -> None:
        self.reply = reply


def shared_rooms(engine: Engine, team: str) -> tuple[int | None, set[str]]:
    """The collaboration's id and its own rooms (summary and alert): never taken for a direct chat, even when
    only two are in one."""
    with session_scope(engine) as session:
        row = queries.workspace_for(session, key=team)
        return (row.id, {row.summary_channel, row.alert_channel} - {None}) if row else (None, set())


def not_set_up() -> Notice:
    """No collaboration answers for this homeserver."""
    return refusal(t("error.workspace"))


def run(engine: Engine, typed: Typed, *, team: str, user: str, room: str, event_id: str,
        now: Callable[[], object], dispatch: Callable) -> Reply:
    """The reply to a typed command (committed when it changed something)."""
    try:
        with session_scope(engine) as session:
            workspace = queries.workspace_for(session, key=team)
            if workspace is None:
                return not_set_up()
            inv = Invocation(workspace.id, user, now(), room, f"matrix:{event_id}", workspace)
            if typed.family == "kvittera":
                number = read_number(typed.text) or 0
                if not number:
                    return refusal(t("matrix.kvittera.bad_number"), usage=t("matrix.kvittera.usage"))
                return acknowledge(number, inv, session)
            if typed.family == "lage" and typed.more:
                return _several(session, inv, typed, dispatch)
            return dispatch(typed.family, typed.text, inv, session)
    except _Refused as refused:
        return refused.reply


def _several(session, inv: Invocation, typed: Typed, dispatch: Callable) -> Reply:
    """`!lage [vecka]` and a rating per line: every line saved, or none (the errors with their line numbers)."""
    first = typed.text.split()
    week = typed.text if len(first) == 1 else ""  # one word on the first line: the week of every line
    lines = ([] if len(first) <= 1 else [typed.text]) + list(typed.more)
    if len(lines) > MAX_LINES:
        return refusal(t("matrix.multi.too_many", limit=MAX_LINES), usage=RATE_USAGE)
    replies = [dispatch("lage", f"{week} {text}".strip(), inv, session) for text in lines]
    failed = [(number, reply) for number, reply in enumerate(replies, start=1)
              if not isinstance(reply, Notice) or reply.tone == "error"]
    if failed:
        problems = tuple(line(t("matrix.multi.line", line=number, problem=""), *_problem(reply))
                         for number, reply in failed)
        raise _Refused(refusal(t("matrix.multi.refused", count=len(failed), total=len(lines)), *problems,
                              usage=RATE_USAGE))
    caller = load_caller(session, inv)
    return Notice("ok", t("matrix.multi.saved", count=len(lines), partner=caller.partner.name,
                          week=replies[0].week.label if replies[0].week else ""),
                  tuple(reply.title for reply in replies))


def _problem(reply: Reply) -> tuple:
    """What went wrong on a line, in a few words: the refusal's first line, else its title."""
    if isinstance(reply, Notice):
        text = reply.lines[0] if reply.lines else reply.title
        return (text,) if isinstance(text, str) else text
    return (t("error.title"),)
