"""The Teams app package: manifest.json and two icons in a zip, the bot's commands mapped from the registry.

Upload it in Teams (Apps → Manage your apps → Upload an app) and add it to the collaboration's team. The
command list is what Teams suggests while typing to the bot; it is the registry's families, checked by a test.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

from PIL import Image, ImageDraw

from commands.core.scale import SCALE
from commands.core.texts import t
from commands.registry import FAMILIES

MANIFEST_SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.19"
APP_VERSION = "1.0.0"
SCOPES = ["personal", "team", "groupChat"]
TITLE_LIMIT, DESCRIPTION_LIMIT = 32, 128  # Teams' limits for a command's title and description


def commands() -> list[dict]:
    """The command list Teams shows: every family of the registry with its description."""
    return [{"title": f.name, "description": f.description[:DESCRIPTION_LIMIT]} for f in FAMILIES]


def manifest(client_id: str, host: str) -> dict:
    """manifest.json for the bot with this client id, reached at https://<host>/api/messages."""
    site = f"https://{host}"
    return {
        "$schema": MANIFEST_SCHEMA, "manifestVersion": MANIFEST_VERSION, "version": APP_VERSION, "id": client_id,
        "developer": {"name": "Veckoläge", "websiteUrl": site, "privacyUrl": f"{site}/integritet",
                      "termsOfUseUrl": f"{site}/villkor"},
        "name": {"short": "Veckoläge", "full": "Veckoläge – veckans lägesbild"},
        "description": {"short": "Veckans lägesbild för samverkan mot brott",
                        "full": "Varje samverkanspart bedömer varje område 1–5 för veckan; alla ser den samlade "
                                "lägesbilden, kritiska händelser larmar direkt och måndagens sammanfattning "
                                "kommer av sig själv."},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#5B1A8C",
        "bots": [{"botId": client_id, "scopes": SCOPES, "supportsFiles": True, "isNotificationOnly": False,
                  "commandLists": [{"scopes": SCOPES, "commands": commands()}]}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def color_icon() -> bytes:
    """192×192: the scale's five colours as bars, green at the bottom."""
    image = Image.new("RGB", (192, 192), "#ffffff")
    draw = ImageDraw.Draw(image)
    for index, step in enumerate(SCALE):
        top = 192 - (index + 1) * 36 - 6
        draw.rectangle((16 + index * 8, top, 176 - index * 8, top + 28), fill=step.hex)
    return _png(image)


def outline_icon() -> bytes:
    """32×32: white bars on transparent, as Teams requires of the outline icon."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for index in range(5):
        top = 32 - (index + 1) * 6
        draw.rectangle((3 + index, top, 28 - index, top + 3), fill=(255, 255, 255, 255))
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def package(client_id: str, host: str) -> bytes:
    """The zip Teams takes: manifest.json and the two icons at its root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(client_id, host), ensure_ascii=False, indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return out.getvalue()


def write_package(env: Mapping[str, str], *, host: str, out: str | None = None) -> int:
    """`python -m bot teams-package --host …`: check the settings, write the zip, say where it is."""
    from bot.cli.entry import say
    from bot.teams.serve import teams_settings_or_guidance

    settings = teams_settings_or_guidance(env)
    if settings is None:
        return 2
    host = host.removeprefix("https://").removeprefix("http://").split("/")[0]
    path = Path(out or "veckolage-teams.zip")
    path.write_bytes(package(settings.client_id, host))
    say(t("teams.cli.package.written", path=path, commands=len(commands())), sys.stdout)
    return 0
