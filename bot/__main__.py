"""`python3 run.py bot [serve|console|migrate …]`: the only place that builds settings, engine and app."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dotenv import find_dotenv, load_dotenv
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as DatabaseTimeout

from bot.cli import entry, maintenance
from bot.cli.argparse_sv import swedish
from bot.cli.wiring import say
from bot.settings import Settings, SettingsError, load_settings
from bot.slack.identity import TokenRejected
from commands.core.texts import t
from commands.setup.file import SetupError
from storage.db import CommitUnknown

PROG = "python3 run.py bot"  # how a fresh clone runs it (run.py creates .venv and passes the arguments on)


def parser() -> argparse.ArgumentParser:
    """The command line, every word of it Swedish (argparse's own in `bot.cli.argparse_sv`)."""
    with swedish():
        p = argparse.ArgumentParser(prog=PROG, description=t("cli.help.description"))
        sub = p.add_subparsers(dest="mode", metavar=t("cli.args.metavar.mode"))

        def mode(name: str, key: str) -> argparse.ArgumentParser:
            return sub.add_parser(name, help=t(key), description=t(key))

        mode("socket", "slack.cli.help.socket")
        mode("serve", "cli.help.serve")
        mode("web", "cli.help.web")
        mode("matrix", "matrix.cli.help")
        console = mode("console", "cli.help.console")
        console.add_argument("--user", metavar=t("cli.args.metavar.user"), help=t("cli.help.console.user"))
        console.add_argument("--no-color", action="store_true", help=t("cli.help.console.no_color"))
        console.add_argument("--demo", action="store_true",
                             help=t("cli.help.console.demo"))
        export = mode("export", "cli.help.export")
        export.add_argument("--year", type=int, required=True, metavar=t("cli.args.metavar.year"),
                            help=t("cli.help.export.year"))
        export.add_argument("--format", choices=("csv", "xlsx", "png"), default="csv", help=t("cli.help.export.format"))
        export.add_argument("--out", metavar=t("cli.args.metavar.file"), help=t("cli.help.export.out"))
        export.add_argument("--demo", action="store_true", help=t("cli.help.export.demo"))
        purge = mode("purge", "cli.help.purge")
        purge.add_argument("--before", required=True, metavar=t("cli.args.metavar.date"), help=t("cli.help.purge.before"))
        cfg = mode("config", "cli.help.config")
        cfg.add_argument("action", choices=("export", "import"), help=t("cli.help.config.action"))
        cfg.add_argument("--out", metavar=t("cli.args.metavar.file"), help=t("cli.help.config.out"))
        load = mode("import", "cli.help.import")
        load.add_argument("file", metavar=t("cli.args.metavar.file"), help=t("cli.help.import.file"))
        load.add_argument("--year", type=int, required=True, metavar=t("cli.args.metavar.year"),
                          help=t("cli.help.import.year"))
        load.add_argument("--create-areas", action="store_true", help=t("cli.help.import.create_areas"))
        mode("migrate", "cli.help.migrate")
        mode("clock", "cli.help.clock")
        post = mode("post-summary", "cli.help.post_summary")
        post.add_argument("week", nargs="?", metavar=t("cli.args.metavar.week"), help=t("cli.help.post_summary.week"))
        mode("teams", "teams.cli.help")
        package = mode("teams-package", "teams.cli.help.package")
        package.add_argument("--out", metavar=t("cli.args.metavar.file"), help=t("teams.cli.help.package.out"))
        package.add_argument("--host", required=True, metavar=t("teams.cli.metavar.host"),
                             help=t("teams.cli.help.package.host"))
    return p


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; usage, help and errors in Swedish (exit code 2 on a mistake, as argparse does)."""
    with swedish():
        return parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen mode; every expected failure is a clear message and an exit code, never a traceback."""
    load_dotenv(find_dotenv(usecwd=True), override=False)  # the .env of where you run it, not of the code
    args = parse(argv)
    try:
        settings = load_settings(os.environ)
    except SettingsError as error:
        say(t("cli.bad_settings") + "\n" + "\n".join(f"  • {p}" for p in error.problems), sys.stderr)
        return 2
    mode = resolve_mode(args.mode, settings)
    quiet = mode in ("console", "unconfigured") and settings.log_level == "INFO"
    logging.basicConfig(level="WARNING" if quiet else settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return run(mode, args, settings)
    except SetupError as error:
        say(str(error), sys.stderr)
        return 2
    except (OperationalError, DatabaseTimeout) as error:
        detail = str(getattr(error, "orig", None) or error).strip()
        say(t("cli.database_down", url=settings.safe_database_url, error=detail), sys.stderr)
        return 2
    except CommitUnknown as error:
        say(t("cli.commit_unknown", url=settings.safe_database_url, error=error), sys.stderr)
        return 1
    except TokenRejected as error:
        say(t("slack.cli.token_rejected", name=error.name, code=error.code, where=t(f"cli.token_where.{error.name}")),
            sys.stderr)
        return 2
    except KeyboardInterrupt:
        say(t("cli.interrupted"), sys.stderr)
        return 130


def resolve_mode(mode: str | None, settings: Settings) -> str:
    """No mode given: Socket Mode with an app token, HTTP with a signing secret, else the guidance."""
    if mode is not None:
        return mode
    if settings.app_token and settings.bot_token:
        return "socket"
    if settings.bot_token and settings.signing_secret:
        return "serve"
    return "unconfigured"


def run(mode: str, args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch on the mode."""
    if mode == "unconfigured":
        return entry.unconfigured(settings)
    if mode == "migrate":
        return entry.migrate(settings)
    if mode == "matrix":
        from bot.matrix.entry import run_matrix

        return run_matrix(settings, os.environ)
    if mode == "post-summary":
        missing = settings.missing("post")
        if missing:
            say(t("slack.cli.missing_credentials", missing=", ".join(missing)), sys.stderr)
            return 2
        return maintenance.post_summary(settings, args.week)
    if mode == "console":
        return entry.console(settings, user=args.user, color=not args.no_color and sys.stdout.isatty(),
                             demo=args.demo)
    if mode == "web":
        return entry.web(settings)
    if mode == "teams":
        from bot.teams.serve import serve as serve_teams
        return serve_teams(settings)
    if mode == "teams-package":
        from bot.teams.package import write_package
        return write_package(os.environ, host=args.host, out=args.out)
    if mode == "purge":
        return maintenance.purge(settings, before=args.before)
    if mode == "config":
        return maintenance.config(settings, action=args.action, out=args.out)
    if mode == "export":
        return maintenance.export(settings, year=args.year, fmt=args.format, out=args.out, demo=args.demo)
    if mode == "import":
        return maintenance.import_file(settings, path=args.file, year=args.year, create_areas=args.create_areas)
    missing = settings.missing(mode)
    if missing:
        key = "cli.missing_signing_secret" if mode == "serve" else "slack.cli.missing_credentials"
        say(t(key, missing=", ".join(missing)), sys.stderr)
        return 2
    return {"socket": entry.socket, "serve": entry.serve, "clock": entry.clock}[mode](settings)


if __name__ == "__main__":
    sys.exit(main())
