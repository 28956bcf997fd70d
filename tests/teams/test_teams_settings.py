"""The Teams settings: public-cloud defaults, every missing or malformed value named in Swedish, never a
traceback; `python -m bot teams` as a real process on 127.0.0.1 answering a signed activity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError
from bot.teams.settings import PUBLIC_OPENID_METADATA_URL, load_teams_settings
from tests.teams.fake_bot_framework import FakeBotFramework
from tests.teams.teams_harness import CLIENT_ID, TENANT_ID, personal_message, teams_env, teams_process
from tests.test_e2e_serve import bot_env, free_port

GOOD = {"TEAMS_CLIENT_ID": CLIENT_ID, "TEAMS_CLIENT_SECRET": "hemlighet", "TEAMS_TENANT_ID": TENANT_ID}


def test_the_public_cloud_is_the_default_and_the_host_is_loopback() -> None:
    settings = load_teams_settings(GOOD)
    assert settings.openid_metadata_url == PUBLIC_OPENID_METADATA_URL
    assert settings.token_url == f"https://login.microsoftonline.com/{TENANT_ID}/oauth2/v2.0/token"
    assert settings.host == "127.0.0.1"
    assert load_teams_settings({**GOOD, "HOST": "0.0.0.0"}).host == "0.0.0.0"
    assert "hemlighet" not in repr(settings)


def test_every_missing_value_is_named_with_where_to_find_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_teams_settings({})
    [problem] = caught.value.problems
    assert problem.startswith("TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID saknas.")
    assert "Azure Bot" in problem and "Microsoft App ID" in problem


def test_malformed_values_are_each_named() -> None:
    with pytest.raises(SettingsError) as caught:
        load_teams_settings({**GOOD, "TEAMS_CLIENT_ID": "min-bot", "TEAMS_CLIENT_SECRET": "...",
                             "TEAMS_OPENID_METADATA_URL": "https://login.example.test/keys",
                             "TEAMS_TOKEN_URL": "login.example.test/token"})
    problems = caught.value.problems
    assert problems[0] == "TEAMS_CLIENT_ID ska vara ett GUID som 3f2c8a0e-5b9d-4c7e-8a1b-2c3d4e5f6a7b, inte ”min-bot”"
    assert problems[1].startswith("TEAMS_CLIENT_SECRET är fortfarande mallens platshållare")
    assert problems[2].startswith("TEAMS_OPENID_METADATA_URL ska sluta på /.well-known/openidconfiguration")
    assert problems[3] == "TEAMS_TOKEN_URL ska vara en http(s)-adress, inte ”login.example.test/token”"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL)


def test_python_m_bot_teams_without_settings_explains_in_swedish(tmp_path) -> None:
    done = _run(["teams"], tmp_path, bot_env(DATABASE_URL=f"sqlite:///{tmp_path / 'v.db'}"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Felaktiga inställningar:" in done.stderr and "TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID saknas" in done.stderr


@pytest.mark.e2e
def test_python_m_bot_teams_serves_on_loopback_and_answers(tmp_path) -> None:
    import httpx

    with teams_process(tmp_path) as (fake, port):
        listening = Path("/proc/net/tcp").read_text().split("\n")
        assert any(f"0100007F:{port:04X}" in line for line in listening)  # bound to 127.0.0.1, not 0.0.0.0
        activity = personal_message(fake, "lage Finnsta 3")
        unsigned = httpx.post(f"http://127.0.0.1:{port}/api/messages", json=activity, timeout=30)
        assert unsigned.status_code == 401
        signed = httpx.post(f"http://127.0.0.1:{port}/api/messages", json=activity, timeout=30,
                            headers={"Authorization": f"Bearer {fake.token_for()}"})
        assert signed.status_code in (200, 201)
        assert "Sparat: Finnsta 3 Oroande läge för Polisen" in fake.sent[-1].text()


def test_a_secret_the_token_service_refuses_stops_the_start_in_swedish(tmp_path) -> None:
    fake = FakeBotFramework(CLIENT_ID).start()
    try:
        env = teams_env(tmp_path, fake, port=free_port(), secret="fel-hemlighet")
        done = _run(["teams"], tmp_path, env)
    finally:
        fake.stop()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"Teams token-tjänst ({fake.token_url}) nekade bottens inloggning (HTTP 401)" in done.stderr
