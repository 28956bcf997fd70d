"""argparse speaking Swedish: its own words (usage, headings, errors) come from the catalogue.

argparse looks its messages up through the module's `_` and `ngettext` (gettext); while our parser is
built and run they answer from `commands/core/texts.py`. A message not listed stays as argparse wrote it.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from commands.core.texts import t

MESSAGES = {  # argparse's message id → catalogue key
    "usage: ": "cli.args.usage",
    "positional arguments": "cli.args.positionals",
    "options": "cli.args.options",
    "show this help message and exit": "cli.args.help",
    "%(prog)s: error: %(message)s\n": "cli.args.error",
    "argument %(argument_name)s: %(message)s": "cli.args.argument",
    "the following arguments are required: %s": "cli.args.required",
    "unrecognized arguments: %s": "cli.args.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.args.choice",
    "invalid %(type)s value: %(value)r": "cli.args.value",
    "expected one argument": "cli.args.one",
    "expected at most one argument": "cli.args.at_most_one",
    "expected at least one argument": "cli.args.at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.args.ambiguous",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "cli.args.unknown_mode",
    "one of the arguments %s is required": "cli.args.one_of",
    "not allowed with argument %s": "cli.args.not_with",
    "ignored explicit argument %r": "cli.args.ignored",
    "unexpected option string: %s": "cli.args.unexpected",
}


def _gettext(message: str) -> str:
    key = MESSAGES.get(message)
    return t(key) if key else message


def _ngettext(singular: str, plural: str, count: int) -> str:
    if singular == "expected %s argument":
        return t("cli.args.expected_n")
    return singular if count == 1 else plural


@contextlib.contextmanager
def swedish() -> Iterator[None]:
    """argparse's messages in Swedish for the duration (building, parsing, help and errors)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved
