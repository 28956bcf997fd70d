"""The Teams app package: manifest.json and two icons in a zip, built by `python -m bot teams-package`, with the
bot's command list mapped from the registry (so it cannot drift, like the Slack manifest)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

from PIL import Image

from bot.teams.package import DESCRIPTION_LIMIT, TITLE_LIMIT, package
from commands.registry import FAMILIES
from tests.teams.teams_harness import CLIENT_ID, TENANT_ID
from tests.test_e2e_serve import bot_env


def _read(data: bytes) -> tuple[dict, Image.Image, Image.Image]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        return (manifest, Image.open(io.BytesIO(archive.read("color.png"))),
                Image.open(io.BytesIO(archive.read("outline.png"))))


def test_the_command_list_is_the_registry() -> None:
    manifest, _, _ = _read(package(CLIENT_ID, "veckolage.kommun.se"))
    [bot] = manifest["bots"]
    [commands] = bot["commandLists"]
    assert [(c["title"], c["description"]) for c in commands["commands"]] == [(f.name, f.description) for f in FAMILIES]
    assert all(len(c["title"]) <= TITLE_LIMIT and len(c["description"]) <= DESCRIPTION_LIMIT
               for c in commands["commands"])
    assert len(commands["commands"]) <= 10  # Teams shows at most ten per list


def test_the_manifest_names_the_bot_and_its_host() -> None:
    manifest, color, outline = _read(package(CLIENT_ID, "veckolage.kommun.se"))
    assert manifest["id"] == CLIENT_ID and manifest["bots"][0]["botId"] == CLIENT_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["validDomains"] == ["veckolage.kommun.se"]
    assert manifest["developer"]["websiteUrl"] == "https://veckolage.kommun.se"
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert color.size == (192, 192) and outline.size == (32, 32) and outline.mode == "RGBA"
    pixels = {outline.getpixel((x, y)) for x in range(32) for y in range(32)}
    assert pixels <= {(0, 0, 0, 0), (255, 255, 255, 255)}  # white on transparent, as Teams requires


def test_python_m_bot_teams_package_writes_the_zip(tmp_path) -> None:
    env = bot_env(TEAMS_CLIENT_ID=CLIENT_ID, TEAMS_CLIENT_SECRET="hemlighet", TEAMS_TENANT_ID=TENANT_ID,
                  DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}")
    done = subprocess.run([sys.executable, "-m", "bot", "teams-package", "--host", "https://veckolage.kommun.se/",
                           "--out", "app.zip"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"Klart: app.zip ({len(FAMILIES)} kommandon)" in done.stdout
    manifest, _, _ = _read((tmp_path / "app.zip").read_bytes())
    assert manifest["validDomains"] == ["veckolage.kommun.se"]
