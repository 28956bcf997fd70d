"""The web view's settings: checked with the others, named in Swedish, never half-applied."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from bot.web.config import web_config


def test_a_short_web_secret_and_a_bad_address_are_named_together() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"WEB_SECRET": "kort", "WEB_BASE_URL": "veckolage.kommun.se"})
    problems = raised.value.problems
    assert any("WEB_SECRET ska vara minst 32 tecken" in p for p in problems)
    assert any("WEB_BASE_URL ”veckolage.kommun.se” ska börja med https://" in p for p in problems)


def test_sign_in_uses_its_own_credentials_or_the_apps_and_needs_the_address() -> None:
    secret = "x" * 40
    settings = load_settings({"WEB_SECRET": secret, "WEB_BASE_URL": "https://v.kommun.se/",
                              "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"})
    config = web_config(settings)
    assert config.secure and config.signin.redirect_uri == "https://v.kommun.se/storbild/logga-in/klar"
    assert config.signin.client_id == "1.2"
    own = web_config(load_settings({"WEB_SECRET": secret, "WEB_BASE_URL": "https://v.kommun.se",
                                    "SIGNIN_CLIENT_ID": "9.9", "SIGNIN_CLIENT_SECRET": "t"}))
    assert own.signin.client_id == "9.9" and not load_settings({}).multi_workspace
    assert web_config(load_settings({"WEB_SECRET": secret, "SIGNIN_CLIENT_ID": "9.9",
                                     "SIGNIN_CLIENT_SECRET": "t"})).signin is None  # no address: no sign-in
