"""The maintenance commands of `python -m bot`: post-summary, export, import, config, purge."""

from __future__ import annotations

import sys
import time
from datetime import UTC
from pathlib import Path

from bot.cli.startup import prepare
from bot.cli.wiring import deliverer, oauth_for, say
from bot.settings import Settings
from bot.slack.app import utc_now
from commands.core.texts import t


def post_summary(settings: Settings, week_text: str | None) -> int:
    """Post (or refresh) a week's summary now and wait until Slack confirmed it."""
    from zoneinfo import ZoneInfo

    from bot.console.render import plain
    from commands.core.weeks import Week, WeekError, parse_week
    from commands.rhythm.summary import SummaryError, publish_summary, summary_key
    from storage import outbox
    from storage.db import session_scope
    from storage.models import Workspace

    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    with session_scope(ready.engine) as session:
        workspace = session.get(Workspace, ready.workspace_id)
        if not workspace.summary_channel:
            say(t("cli.no_summary_channel"), sys.stderr)
            return 2
        current = Week.of(utc_now().astimezone(ZoneInfo(workspace.timezone)).date())
        try:
            week = parse_week(week_text, current=current) if week_text else current.shift(-1)
        except WeekError as error:
            say(str(error), sys.stderr)
            return 2
        if week is None:
            say(t("cli.bad_week", text=week_text), sys.stderr)
            return 2
        try:
            say(plain(publish_summary(session, workspace, week, actor="cli", now=utc_now())))
        except SummaryError as error:
            say(str(error), sys.stderr)
            return 2
        key = summary_key(workspace, week)
    worker = deliverer(settings, ready.engine, oauth_for(settings, ready.engine))
    deadline = time.monotonic() + 60  # bounded: what is still pending stays in the outbox for the bot
    rounds_after = 0
    while time.monotonic() < deadline and rounds_after < 3:
        worker.run_once()
        with session_scope(ready.engine) as session:
            row = outbox.message(session, key=key)
        if row.status == outbox.FAILED:
            say(t("cli.summary_failed", error=row.last_error), sys.stderr)
            return 1
        if row.status == outbox.SENT:
            rounds_after += 1  # a little longer for the comment thread (one message a second per channel)
        time.sleep(1.1)
    if row.status == outbox.SENT:
        say(t("cli.summary_sent", channel=row.channel, ts=row.ts))
        return 0
    say(t("cli.summary_queued"))
    return 0


def config(settings: Settings, *, action: str, out: str | None) -> int:
    """`config export [--out FILE]` writes the database's set-up as TOML; `config import` applies the file."""
    from bot.cli.startup import apply_setup_file, remember_export
    from commands.setup.export import export_setup
    from storage.db import session_scope

    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    if action == "import":
        apply_setup_file(ready.engine, settings.config_path, now=utc_now())
        say(t("cli.config_imported", path=settings.config_path))
        return 0
    with session_scope(ready.engine) as session:
        text = export_setup(session, workspace_id=ready.workspace_id)
    target = out or settings.config_path
    if target == "-":
        sys.stdout.write(text)
        return 0
    Path(target).write_text(text, encoding="utf-8")
    if Path(target).resolve() == Path(settings.config_path).resolve():
        remember_export(ready.engine, ready.workspace_id, settings.config_path)
    say(t("cli.config_exported", path=target))
    return 0


def purge(settings: Settings, *, before: str) -> int:
    """`purge --before DATE`: blank comments and descriptions older than a date now; numbers stay."""
    from datetime import date, datetime, time

    from commands.admin.retention import purge as run_purge
    from storage.db import session_scope

    try:
        cutoff = datetime.combine(date.fromisoformat(before), time.min, tzinfo=UTC)
    except ValueError:
        say(t("cli.bad_date", text=before), sys.stderr)
        return 2
    today = utc_now().date()
    if cutoff.date() > today:  # would blank this week's comments and tonight's alerts without a question
        say(t("cli.purge_future", date=before, today=today.isoformat()), sys.stderr)
        return 2
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    with session_scope(ready.engine) as session:
        report = run_purge(session, workspace_id=ready.workspace_id, before=cutoff, now=utc_now(), actor="cli")
    say(t("cli.purged", date=before, comments=report.comments, descriptions=report.descriptions,
          audit=report.audit))
    return 0


def import_csv(ready, path: Path, *, year: int, create_areas: bool):
    from commands.year.import_csv import import_year, parse_year_csv
    from storage.db import session_scope

    file = parse_year_csv(path.read_text(encoding="utf-8-sig"), year=year)
    with session_scope(ready.engine) as session:
        return import_year(session, workspace_id=ready.workspace_id, file=file, create_areas=create_areas,
                           now=utc_now())


def import_file(settings: Settings, *, path: str, year: int, create_areas: bool) -> int:
    """`import FILE --year Y`: the whole file or nothing, values become fastställda."""
    from commands.year.import_csv import YearFileError

    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    try:
        report = import_csv(ready, Path(path), year=year, create_areas=create_areas)
    except FileNotFoundError:
        say(t("cli.no_file", path=path), sys.stderr)
        return 2
    except (YearFileError, UnicodeDecodeError) as error:
        say(t("cli.import_refused", path=path, error=error), sys.stderr)
        return 2
    say(t("cli.imported", year=year, changed=report.changed, unchanged=report.unchanged,
          created=", ".join(report.created_areas) or t("cli.imported.none")))
    return 0


def export(settings: Settings, *, year: int, fmt: str, out: str | None, demo: bool = False) -> int:
    """`export --year Y --format csv|xlsx|png [--out FILE] [--demo]`: says which database it reads."""
    from bot.cli.wiring import DEMO_DATABASE, demo_settings
    from bot.files.chat_file import export_bytes, save_export
    from commands.year.table import build_year_table
    from storage.db import session_scope

    if demo:
        settings = demo_settings(settings)
    say(t("cli.export.reading", year=year, database=settings.safe_database_url))
    demo_there = not demo and Path(DEMO_DATABASE.removeprefix("sqlite:///")).exists()
    if demo_there and not Path(settings.config_path).exists():  # only the console's demo has been run here
        say(t("cli.export.try_demo", year=year, format=fmt), sys.stderr)
        return 2
    ready = prepare(settings.database_url, settings.config_path, now=utc_now())
    with session_scope(ready.engine) as session:
        table = build_year_table(session, workspace_id=ready.workspace_id, year=year)
    if table.empty and demo_there:
        say(t("cli.export.try_demo", year=year, format=fmt))
    data, name = export_bytes(table, fmt)
    path = save_export(data, name, out)
    say(t("cli.exported", path=path, size=len(data)))
    return 0
