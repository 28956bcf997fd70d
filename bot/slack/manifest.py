"""The command registry as Slack knows it: slash commands with their usage hints, for manifest.json.

The registry (commands/registry.py) says what a command is; what only Slack needs lives here: the slash in
front, the hint Slack shows while typing, and whether Slack should turn mentions into ids for the command.
"""

from __future__ import annotations

from commands.registry import FAMILIES

PREFIX = "/"
HINTS = {
    "lage": "[vecka] <område> <1-5> [kommentar]",
    "veckolage": "[vecka] | fastställ … | prioritera … | kvartal … | år | trend … | export … | publicera | hjälp",
    "handelse": "[vecka] <område> <typ> [när] [beskrivning] | lista | ändra | återkalla | hjälp",
    "insats": "<område> [(plats)] <vad> [partner] [v48–v51] | lista | klar | ändra | avbryt | hjälp",
    "lagesadmin": "visa | område … | partner … | medlem … | samordnare … | kanal … | schema … | logg … | hjälp",
}
ESCAPED = frozenset({"lagesadmin"})  # Slack sends <@U…> and <#C…> for mentions (the admin command needs the ids)


def slash(usage: str) -> str:
    """A command or usage as Slack users type it: `lage hjälp` → `/lage hjälp`."""
    return PREFIX + usage


def family(command: str) -> str:
    """The registry's family for a slash command Slack sent (`/händelse` → `händelse`)."""
    return command.removeprefix(PREFIX)


def slash_commands() -> list[dict]:
    """manifest.json's `features.slash_commands`: every family and alias, in the registry's order."""
    return [{"command": slash(name), "description": f.description, "usage_hint": HINTS[f.name],
             "should_escape": f.name in ESCAPED} for f in FAMILIES for name in (f.name, *f.aliases)]
