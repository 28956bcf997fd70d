"""The Matrix settings: missing or wrong values get clear Swedish guidance and never a traceback, and
`python -m bot matrix` runs the bot with its outbox and clock against the real homeserver."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.matrix.settings import load_matrix_settings
from bot.settings import SettingsError
from commands.core.texts import t
from tests.matrix.conftest import PEOPLE, setup_toml
from tests.matrix.element import Element
from tests.test_e2e_serve import bot_env
from tests.test_processes import Process

CHECKOUT = Path(__file__).resolve().parents[2]
GOOD = {"MATRIX_HOMESERVER": "https://matrix.kommun.se/", "MATRIX_USER_ID": "@veckolage:kommun.se",
        "MATRIX_ACCESS_TOKEN": "syt_abc", "HOME": "/home/bot"}


def test_good_settings_are_read_whole() -> None:
    settings = load_matrix_settings({**GOOD, "MATRIX_DEVICE_ID": "VECKOLAGE"})
    assert (settings.homeserver, settings.user_id, settings.device_id) == (
        "https://matrix.kommun.se", "@veckolage:kommun.se", "VECKOLAGE")
    assert settings.server_name == "kommun.se"
    assert settings.store_path == "/home/bot/.local/state/veckolage/matrix"  # never inside the checkout
    assert "syt_abc" not in repr(settings)


def test_missing_settings_are_named_with_how_to_get_them() -> None:
    with pytest.raises(SettingsError) as error:
        load_matrix_settings({"MATRIX_USER_ID": "@veckolage:kommun.se"})
    text = error.value.problems[0]
    assert "MATRIX_HOMESERVER, MATRIX_ACCESS_TOKEN (eller MATRIX_PASSWORD) saknas" in text
    assert "Bjud in boten till samverkans rum" in text


def test_wrong_values_are_each_named() -> None:
    with pytest.raises(SettingsError) as error:
        load_matrix_settings({**GOOD, "MATRIX_HOMESERVER": "matrix.kommun.se", "MATRIX_USER_ID": "veckolage",
                              "MATRIX_ACCESS_TOKEN": "syt_..."})
    assert error.value.problems == [
        t("matrix.settings.placeholder", name="MATRIX_ACCESS_TOKEN", value="syt_..."),
        t("matrix.settings.homeserver", value="matrix.kommun.se"),
        t("matrix.settings.user_id", value="veckolage"),
    ]


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "matrix"], cwd=tmp_path, capture_output=True, text=True,
                          env=bot_env(**env), timeout=120, stdin=subprocess.DEVNULL)


def test_the_command_line_explains_missing_settings(tmp_path) -> None:
    env = {k: "" for k in os.environ if k.startswith("MATRIX_")}
    done = run_bot(tmp_path, **env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Veckoläge kan inte ansluta till Matrix ännu: MATRIX_HOMESERVER" in done.stderr


@pytest.mark.e2e
def test_a_token_the_homeserver_rejects_stops_the_start(tmp_path, synapse) -> None:
    (tmp_path / "veckolage.toml").write_text('coordinators = ["@anna:test.local"]\nareas = ["Råby"]\n')
    done = run_bot(tmp_path, MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID="@veckolage:test.local",
                   MATRIX_ACCESS_TOKEN="syt_not_a_token", MATRIX_STORE_PATH=str(tmp_path / "store"),
                   DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"Hemservern {synapse.url} avvisar MATRIX_ACCESS_TOKEN (M_UNKNOWN_TOKEN)" in done.stderr


@pytest.mark.e2e
def test_python_m_bot_matrix_answers_and_delivers(tmp_path, synapse, accounts) -> None:
    """The Procfile's `matrix:` process: commands answered, the alert delivered by its own outbox thread."""
    ids = {name: accounts[name][0] for name in PEOPLE}
    bot_id = accounts["veckolage"][0]
    anna, per = Element(synapse.url, *accounts["anna"]), Element(synapse.url, *accounts["per"])
    try:
        room = anna.create_room(invite=(bot_id, ids["per"]))
        alerts = anna.create_room(invite=(bot_id,))
        per.join(room)
        (tmp_path / "veckolage.toml").write_text(setup_toml(ids, room, alerts))
        process = Process("matrix", tmp_path, bot_env(
            MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=bot_id, MATRIX_ACCESS_TOKEN=accounts["veckolage"][1],
            MATRIX_STORE_PATH=str(tmp_path / "store"), DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}"))
        try:
            process.wait_for_line(t("matrix.started", homeserver=synapse.url, user=bot_id))
            anna.joined(alerts, bot_id)
            command = per.send(room, "!handelse Råby sprängning skott mot fönster")
            assert per.reply_to(room, command, bot_id)["content"]["body"].startswith("✅ ")
            alert = anna.message_from(alerts, bot_id, "Kritisk händelse: Sprängning i Råby")
            assert "skott mot fönster" in alert["content"]["body"]
            assert (tmp_path / "store").is_dir() and not str(tmp_path / "store").startswith(str(CHECKOUT))
        finally:
            process.stop()
    finally:
        anna.close()
        per.close()
