"""One way to refuse: every command says no with a `Notice` of kind "error" built here, with the lines to read
and, where it helps, the usage that would have worked and the week it was about."""

from __future__ import annotations

from commands.core.reply import Notice
from commands.core.spans import Text
from commands.core.texts import t
from commands.core.weeks import Week, WeekError


class InputError(Exception):
    """Bad input: the Swedish lines to show, and the usage that would have worked (if the raiser knows it)."""

    def __init__(self, *lines: Text, usage: str | None = None) -> None:
        super().__init__(lines[0])
        self.lines = lines
        self.usage = usage


def refusal(*lines: Text, usage: str | None = None, week: Week | None = None) -> Notice:
    """The refusal: a title, the lines that say why, and optionally the usage and the week."""
    return Notice("error", t("error.title"), lines, usage=usage, week=week)


def input_refusal(error: InputError | WeekError, *, usage: str | None = None, week: Week | None = None) -> Notice:
    """The refusal for bad input, with the raiser's usage or else the command's."""
    if isinstance(error, InputError):
        return refusal(*error.lines, usage=error.usage or usage, week=week)
    return refusal(str(error), usage=usage, week=week)


def unknown_user_refusal() -> Notice:
    """The refusal for someone who is not in the collaboration at all."""
    return refusal(t("error.unknown_user"), t("error.unknown_user.hint"))


def not_member_refusal(week: Week | None = None) -> Notice:
    """The refusal for someone who reports for no partner organisation."""
    return refusal(t("error.not_member"), t("error.not_member.hint"), week=week)
