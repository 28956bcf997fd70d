"""The Teams settings from the environment, checked once; every problem reported together, in Swedish."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.settings import SettingsError
from commands.core.texts import t

PUBLIC_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
PUBLIC_LOGIN = "https://login.microsoftonline.com"
BOT_SCOPE = "https://api.botframework.com/.default"
METADATA_SUFFIX = "/.well-known/openidconfiguration"  # the SDK derives the key set's address from it
_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


@dataclass(frozen=True)
class TeamsSettings:
    """What the Teams process reads from the environment (and .env)."""

    client_id: str
    client_secret: str
    tenant_id: str
    openid_metadata_url: str = PUBLIC_OPENID_METADATA_URL
    token_url: str = ""
    host: str = "127.0.0.1"

    def __repr__(self) -> str:  # never print the secret, not even in a traceback
        return f"TeamsSettings(client_id={self.client_id!r}, tenant_id={self.tenant_id!r})"


def public_token_url(tenant_id: str) -> str:
    """Where a single-tenant bot of Microsoft's public cloud gets its tokens."""
    return f"{PUBLIC_LOGIN}/{tenant_id}/oauth2/v2.0/token"


def _url_problem(name: str, url: str) -> str | None:
    if not url.startswith(("https://", "http://")) or len(url) < 12 or " " in url:
        return t("teams.cli.settings.url", name=name, url=url)
    return None


def load_teams_settings(env: Mapping[str, str]) -> TeamsSettings:
    """Read and check the TEAMS_* variables; raises SettingsError naming every missing or bad one."""
    get = lambda name: (env.get(name) or "").strip()  # noqa: E731
    problems: list[str] = []
    missing = [name for name in ("TEAMS_CLIENT_ID", "TEAMS_CLIENT_SECRET", "TEAMS_TENANT_ID") if not get(name)]
    if missing:
        problems.append(t("teams.cli.settings.missing", names=", ".join(missing)))
    for name in ("TEAMS_CLIENT_ID", "TEAMS_TENANT_ID"):
        value = get(name)
        if value and not _GUID.fullmatch(value):
            problems.append(t("teams.cli.settings.guid", name=name, value=value[:60]))
    if "..." in get("TEAMS_CLIENT_SECRET") or "…" in get("TEAMS_CLIENT_SECRET"):
        problems.append(t("teams.cli.settings.placeholder", name="TEAMS_CLIENT_SECRET"))
    metadata = get("TEAMS_OPENID_METADATA_URL") or PUBLIC_OPENID_METADATA_URL
    problem = _url_problem("TEAMS_OPENID_METADATA_URL", metadata)
    if problem is None and not metadata.endswith(METADATA_SUFFIX):
        problem = t("teams.cli.settings.metadata_suffix", url=metadata, suffix=METADATA_SUFFIX)
    token_url = get("TEAMS_TOKEN_URL") or public_token_url(get("TEAMS_TENANT_ID").lower())
    problems += [p for p in (problem, _url_problem("TEAMS_TOKEN_URL", token_url)) if p]
    if problems:
        raise SettingsError(problems)
    return TeamsSettings(client_id=get("TEAMS_CLIENT_ID"), client_secret=get("TEAMS_CLIENT_SECRET"),
                         tenant_id=get("TEAMS_TENANT_ID").lower(), openid_metadata_url=metadata,
                         token_url=token_url, host=get("HOST") or "127.0.0.1")
