"""`python -m bot [serve|console|migrate]`: the only place that builds settings, engine and app."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dotenv import find_dotenv, load_dotenv
from sqlalchemy.exc import OperationalError

from bot import cli_text, entry, maintenance
from bot.entry import say
from bot.settings import Settings, SettingsError, load_settings
from commands.setup_file import SetupError


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m bot", description="Veckoläge – veckans lägesbild i Slack.")
    sub = p.add_subparsers(dest="mode")
    sub.add_parser("socket", help="Slack i Socket Mode (standard när SLACK_APP_TOKEN finns)")
    sub.add_parser("serve", help="HTTP-läge på $PORT: POST /slack/events, GET /healthz")
    console = sub.add_parser("console", help="lokal konsol mot samma databas")
    console.add_argument("--user", help="ditt Slack-användar-id (standard: första admin i veckolage.toml)")
    console.add_argument("--no-color", action="store_true", help="utan färger")
    console.add_argument("--demo", action="store_true",
                         help="demo: exemplets områden med Hässelby-Vällingbys riktiga år 2023 inläst")
    export = sub.add_parser("export", help="årstabellen som fil: csv, xlsx eller png")
    export.add_argument("--year", type=int, required=True, help="året, t.ex. 2023")
    export.add_argument("--format", choices=("csv", "xlsx", "png"), default="csv")
    export.add_argument("--out", help="filnamn (standard lagesbild-ÅR.FORMAT)")
    purge = sub.add_parser("purge", help="gallra kommentarer och beskrivningar äldre än ett datum nu")
    purge.add_argument("--before", required=True, help="datum ÅÅÅÅ-MM-DD")
    cfg = sub.add_parser("config", help="veckolage.toml ↔ databasen (databasen gäller efter första start)")
    cfg.add_argument("action", choices=("export", "import"), help="export: skriv filen; import: läs in filen")
    cfg.add_argument("--out", help="export till annan fil ('-' = skärmen)")
    load = sub.add_parser("import", help="läs in en historisk årstabell (CSV) som fastställda värden")
    load.add_argument("file", help="CSV: första kolumnen vecka, sedan en kolumn per område")
    load.add_argument("--year", type=int, required=True, help="året filen gäller")
    load.add_argument("--create-areas", action="store_true", help="lägg till områden som inte finns")
    sub.add_parser("migrate", help="uppgradera databasschemat (Alembic) till senaste")
    sub.add_parser("clock", help="veckorytmen: sammanfattning och påminnelser (en enda process)")
    post = sub.add_parser("post-summary", help="publicera (eller uppdatera) veckans sammanfattning nu")
    post.add_argument("week", nargs="?", help="vecka: v46, 46, 2026-W46 eller förra (standard: förra veckan)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the chosen mode; every expected failure is a clear message and an exit code, never a traceback."""
    load_dotenv(find_dotenv(usecwd=True), override=False)  # the .env of where you run it, not of the code
    args = parser().parse_args(argv)
    try:
        settings = load_settings(os.environ)
    except SettingsError as error:
        say("Felaktiga inställningar:\n" + "\n".join(f"  • {p}" for p in error.problems), sys.stderr)
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
    except OperationalError as error:
        say(cli_text.DATABASE_DOWN.format(url=settings.safe_database_url, error=str(error.orig).strip()),
            sys.stderr)
        return 2
    except KeyboardInterrupt:
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
    if mode == "post-summary":
        missing = settings.missing("post")
        if missing:
            say(cli_text.MISSING_CREDENTIALS.format(missing=", ".join(missing)), sys.stderr)
            return 2
        return maintenance.post_summary(settings, args.week)
    if mode == "console":
        return entry.console(settings, user=args.user, color=not args.no_color and sys.stdout.isatty(),
                             demo=args.demo)
    if mode == "purge":
        return maintenance.purge(settings, before=args.before)
    if mode == "config":
        return maintenance.config(settings, action=args.action, out=args.out)
    if mode == "export":
        return maintenance.export(settings, year=args.year, fmt=args.format, out=args.out)
    if mode == "import":
        return maintenance.import_file(settings, path=args.file, year=args.year, create_areas=args.create_areas)
    missing = settings.missing(mode)
    if missing:
        text = cli_text.MISSING_SIGNING_SECRET if mode == "serve" else cli_text.MISSING_CREDENTIALS
        say(text.format(missing=", ".join(missing)), sys.stderr)
        return 2
    return {"socket": entry.socket, "serve": entry.serve, "clock": entry.clock}[mode](settings)


if __name__ == "__main__":
    sys.exit(main())
