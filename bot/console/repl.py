"""The local console: the same commands on the same database, read from stdin (a pipe works too)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from sqlalchemy.engine import Engine

from bot.console.outbox import snapshot, take_back, tell
from bot.console.render import PREFIX, render_text, year_text
from bot.files.chat_file import FILE_REPLIES, chat_file, save_export
from commands.core.context import Invocation
from commands.core.reply import YearRequest
from commands.core.texts import t
from commands.registry import FAMILIES, canonical, dispatch, help_reply
from commands.year.table import build_year_table
from storage.db import session_scope

log = logging.getLogger("veckolage.console")
QUIT = {"avsluta", "sluta", "exit", "quit", "q"}


def run_console(
    engine: Engine, *, workspace_id: int, user_id: str, stdin: TextIO, stdout: TextIO,
    clock: Callable[[], datetime], color: bool, interactive: bool,
) -> int:
    """Read commands until end of input or `avsluta`; print each reply."""
    stdout.write(t("cli.console.banner", user=user_id, grid=PREFIX + "veckolage", help=PREFIX + "lage hjälp"))
    while True:
        if interactive:
            stdout.write(t("cli.console.prompt"))
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.removeprefix(PREFIX).lower()
        if word in QUIT:
            break
        inv = Invocation(workspace_id, user_id, clock(), "console")
        try:
            with session_scope(engine) as session:
                before = snapshot(session, workspace_id)
                if canonical(word) in {f.name for f in FAMILIES}:
                    reply = dispatch(word, rest, inv, session)
                else:
                    stdout.write(t("cli.console.unknown_command", word=word))
                    reply = help_reply("lage", inv, session)
                reply = tell(reply, take_back(session, workspace_id, before))  # nothing for a later start to send
                if isinstance(reply, YearRequest):
                    table = build_year_table(session, workspace_id=workspace_id, year=reply.year)
            if not isinstance(reply, FILE_REPLIES):  # the console writes these itself: the table, or a file
                stdout.write(render_text(reply, color=color) + "\n\n")
            elif isinstance(reply, YearRequest):
                stdout.write(year_text(table, color=color) + "\n\n")
            else:
                made = chat_file(engine, reply, workspace_id)
                stdout.write(t("cli.exported", path=save_export(made.data, made.name), size=len(made.data)) + "\n\n")
        except Exception:  # one bad line must not end the session; nothing was saved (rolled back)
            log.exception("Console command failed: %s", line)
            stdout.write(t("error.internal") + "\n\n")
        stdout.flush()
    return 0

