"""The command core holds words, not a chat platform's syntax, and every surface can show every reply.

A Matrix or Teams adapter renders the same `Reply` values: so no Slack markup, mention syntax, slash prefix or
platform name may hide in `commands/`, and each surface must have a renderer for every `Reply` type.
"""

from __future__ import annotations

import ast
import json
import re
import typing
from pathlib import Path

import pytest

from bot.console.render import plain, render_text
from bot.files.chat_file import FILE_REPLIES
from bot.matrix import render as matrix_render
from bot.slack import views as slack_views
from bot.slack.blocks import render
from bot.slack.summary_blocks import note_text
from bot.slack.text import escape
from bot.teams import file_consent as teams_files
from bot.teams.render import render as teams_render
from commands.core import reply as reply_module
from commands.core.spans import Mention, Strong, Typed, from_data, join, mention, rich, to_data
from commands.core.texts import SV, t
from commands.registry import COMMANDS, FAMILIES

COMMANDS_DIR = Path(__file__).resolve().parent.parent / "commands"
SLACK_SYNTAX = ("<@", "<#", "<!", "&lt;", "&gt;", "&amp;")
MARKUP = re.compile(r"\*[^*\s][^*]*\*|`|(?<!\w)_[^_\s][^_]*_(?!\w)|~[^~\s][^~]*~")
FAMILY_NAMES = "|".join(name for f in FAMILIES for name in (f.name, *f.aliases))
SLASH_COMMAND = re.compile(rf"(?<![\w/.])/({FAMILY_NAMES})\b")
ANY_SLASH_COMMAND = re.compile(r"(?<![\w/.:<])/[a-zåäö]+")  # `/invite` too; URL paths only in operator texts
OPERATOR = ("cli.", "run.", "setupfile.", "yearfile.", "slack.cli.", "teams.cli.", "matrix.cli.")  # what the command
# line tells whoever runs the server
# What the command line tells the person who runs the Slack app (setting it up, Socket Mode, Slack ids in the
# set-up file): about the Slack adapter itself, never shown in a chat.
# A text that names a platform belongs to that platform (its key starts `slack.`, `matrix.`, `teams.`): its
# adapter's messages to the person running it, and the id rules of veckolage.toml. Only the set-up file's
# refusals of an id that fits no platform name them all.
PLATFORM_NAMES = {"Slack": "slack.", "Matrix": "matrix.", "Element": "matrix.", "Teams": "teams."}
EVERY_PLATFORM_TEXTS = {"setupfile.bad_id", "setupfile.bad_team"}


def string_constants(path: Path) -> list[str]:
    """Every string literal in a module's code (docstrings aside: they explain, and users never read them)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", sorted(COMMANDS_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(COMMANDS_DIR)))
def test_no_slack_syntax_in_the_core(path: Path) -> None:
    strings = string_constants(path)
    assert [s for s in strings if any(syntax in s for syntax in SLACK_SYNTAX)] == []
    assert [s for s in strings if SLASH_COMMAND.search(s)] == []
    if path.name != "texts.py":  # the catalogue is checked key by key below
        assert [s for s in strings if "Slack" in s] == []


@pytest.mark.parametrize("key", sorted(SV))
def test_the_catalogue_holds_words_not_markup(key: str) -> None:
    text = SV[key]
    assert not MARKUP.search(text), text
    assert not any(syntax in text for syntax in SLACK_SYNTAX), text
    assert not SLASH_COMMAND.search(text), text
    assert key.startswith(OPERATOR) or not ANY_SLASH_COMMAND.search(text), text
    named = [name for name, prefix in PLATFORM_NAMES.items() if name in text and not key.startswith(prefix)]
    assert not named or key in EVERY_PLATFORM_TEXTS, (key, named)


def test_usages_name_the_command_without_a_prefix() -> None:
    usages = [c.usage for c in COMMANDS]
    modules = [".".join(("commands", *p.relative_to(COMMANDS_DIR).with_suffix("").parts))
               for p in COMMANDS_DIR.rglob("*.py") if p.name != "__init__.py"]
    usages += [value for module in modules for name, value in vars(__import__(module, fromlist=["_"])).items()
        if name.endswith("USAGE") and isinstance(value, str)]
    assert len(usages) > 40
    assert [u for u in usages if u.split()[0] not in {f.name for f in FAMILIES}] == []


def test_a_mention_is_a_typed_value_each_surface_renders() -> None:
    matrix, teams = "@samordnare.est:matrix.hasselby-vallingby.stockholm.se", "29:1a2b3c-teams-user"
    text = rich("admin.member.added", user=mention(matrix), partner="Polisen <!channel>")
    assert Mention("person", matrix) in text  # the id as it is, whatever the platform's shape
    slack = escape(rich("admin.show.roles", coordinators=join(", ", [mention("U0COORD"), mention(teams)]),
                        admins="–"))
    assert "<@U0COORD>, <@29:1a2b3c-teams-user>" in slack
    assert "&lt;!channel&gt;" in escape(text) and "<!channel>" not in escape(text)
    assert plain(text) == SV["admin.member.added"].format(user=matrix, partner="Polisen <!channel>")
    channel = rich("admin.channel.set", which="larm", channel=Mention("channel", "C0ALERTS"))
    assert escape(channel).startswith("Kanal för larm: <#C0ALERTS>.") and plain(channel).startswith("Kanal för larm: #C0ALERTS.")


def test_an_id_that_carries_its_own_sigil_is_written_once() -> None:
    people = join(", ", [mention("@anna:kommun.se"), mention("U0COORD"), mention("29:1a2b3c-teams-user")])
    assert plain(rich("admin.show.roles", coordinators=people, admins="–")) == SV["admin.show.roles"].format(
        coordinators="@anna:kommun.se, @U0COORD, @29:1a2b3c-teams-user", admins="–")
    rooms = [Mention("channel", room) for room in ("!abc:kommun.se", "#lagesbild:kommun.se", "C0ALERTS")]
    assert [plain(rich("admin.channel.set", which="larm", channel=room)) for room in rooms] == [
        SV["admin.channel.set"].format(which="larm", channel=written)
        for written in ("!abc:kommun.se", "#lagesbild:kommun.se", "#C0ALERTS")]


def test_emphasis_and_commands_are_rendered_by_the_surface() -> None:
    line = rich("reminders.off", command=Typed("lage påminnelser på"))
    assert escape(line) == "Påminnelser avstängda för dig. Slå på igen med /lage påminnelser på."
    assert plain(line) == escape(line)
    assert escape(Strong("A & B")) == "*A &amp; B*" and plain(Strong("A & B")) == "A & B"


def test_text_stored_in_the_outbox_comes_back_the_same() -> None:
    text = rich("change.published", user=mention("U0COORD"))
    assert from_data(to_data(text)) == text and from_data(to_data("vanlig text")) == "vanlig text"
    assert note_text(to_data(text)) == escape(rich("summary.updated", change=text))
    assert "<@U0COORD>" in note_text(json.loads(json.dumps(to_data(text))))
    legacy = "på begäran av \ue000U0COORD\ue001"  # a note queued before the update
    assert note_text(legacy) == escape(t("summary.updated", change="på begäran av U0COORD"))


REPLY_TYPES = typing.get_args(reply_module.Reply)


@pytest.mark.parametrize("kind", REPLY_TYPES, ids=lambda t: t.__name__)
def test_slack_shows_every_reply(kind) -> None:
    assert kind in render.registry or kind in slack_views.SHOWN_IN_A_MODAL, (
        f"Slack has no rendering for {kind.__name__}: register one in bot/slack/blocks.py or bot/slack/views.py")


@pytest.mark.parametrize("kind", REPLY_TYPES, ids=lambda t: t.__name__)
def test_the_console_shows_every_reply(kind) -> None:
    assert kind in render_text.registry or kind in FILE_REPLIES, (
        f"the console has no rendering for {kind.__name__}: register one in bot/console/render.py")



@pytest.mark.parametrize("kind", REPLY_TYPES, ids=lambda t: t.__name__)
def test_teams_shows_every_reply(kind) -> None:
    assert kind in teams_render.registry or kind in teams_files.OFFERED, (
        f"Teams has no rendering for {kind.__name__}: register one in bot/teams/render.py")


@pytest.mark.parametrize("kind", REPLY_TYPES, ids=lambda t: t.__name__)
def test_matrix_shows_every_reply(kind) -> None:
    assert kind in matrix_render.render.registry, (
        f"Matrix has no rendering for {kind.__name__}: register one in bot/matrix/render.py")
