"""One Settings object from the environment, checked once; every problem reported together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from commands.core.matching import plain_int
from commands.core.texts import t

DEFAULT_API_URL = "https://slack.com/api/"
REQUIRED = {
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "serve": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    "clock": ("SLACK_BOT_TOKEN",),
    "post": ("SLACK_BOT_TOKEN",),
}
PREFIXES = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}


class SettingsError(ValueError):
    """Missing or malformed settings, all of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from the environment (and .env)."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None  # with client_secret: many workspaces through OAuth (HTTP mode)
    client_secret: str | None = None
    slack_api_url: str = DEFAULT_API_URL
    database_url: str = "sqlite:///veckolage.db"
    config_path: str = "veckolage.toml"
    port: int = 3000
    host: str = "0.0.0.0"
    log_level: str = "INFO"
    web_secret: str | None = None  # signs the web view's session cookies and kiosk links (bot/web/)
    web_base_url: str | None = None  # the web view's public address, e.g. https://veckolage.kommun.se
    signin_client_id: str | None = None  # Sign in with Slack; defaults to SLACK_CLIENT_ID
    signin_client_secret: str | None = None
    teams_signin: tuple[str, str, str] | None = None  # Sign in with Microsoft: client id, secret, token URL

    def missing(self, mode: str) -> list[str]:
        """The variables a mode (socket, serve) needs and does not have."""
        values = {"SLACK_BOT_TOKEN": self.bot_token, "SLACK_APP_TOKEN": self.app_token,
                  "SLACK_SIGNING_SECRET": self.signing_secret}
        required = REQUIRED[mode]
        if self.multi_workspace:  # tokens come from the installations instead of SLACK_BOT_TOKEN
            required = tuple(name for name in required if name != "SLACK_BOT_TOKEN")
        return [name for name in required if not values[name]]

    @property
    def multi_workspace(self) -> bool:
        """OAuth install for many workspaces (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set)."""
        return bool(self.client_id and self.client_secret)

    @property
    def safe_database_url(self) -> str:
        """The database URL without its password, for messages and logs."""
        return _redact(self.database_url)

    def __repr__(self) -> str:  # never print secrets, not even in a traceback
        return f"Settings(api={self.slack_api_url!r}, database={self.safe_database_url!r}, config={self.config_path!r})"


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
    return url


def _database_problem(url: str) -> str | None:
    """None for a usable SQLite or PostgreSQL URL, else what is wrong (without the password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a non-numeric port raises here
    except (ArgumentError, ValueError):
        return t("cli.settings.database_url", url=_redact(url), example=t("cli.settings.database_example"))
    if parsed.get_backend_name() not in ("sqlite", "postgres", "postgresql"):
        return t("cli.settings.database_backend", backend=parsed.get_backend_name())
    return None


def load_settings(env: Mapping[str, str]) -> Settings:
    """Read and check the environment; raises SettingsError naming every bad variable."""
    problems = []
    get = lambda name: (env.get(name) or "").strip() or None  # noqa: E731
    for name, prefix in PREFIXES.items():
        value = get(name)
        if value and not value.startswith(prefix):
            problems.append(t("cli.settings.prefix", name=name, prefix=prefix))
        elif value and ("..." in value or "…" in value):  # .env copied from .env.example and not filled in
            problems.append(t("cli.settings.placeholder", name=name, value=value,
                              where=t(f"cli.token_where.{name}")))
    api_url = get("SLACK_API_URL") or DEFAULT_API_URL
    if not api_url.startswith(("https://", "http://")):
        problems.append(t("cli.settings.api_url", url=api_url))
    if not api_url.endswith("/"):
        api_url += "/"
    database_url = get("DATABASE_URL") or "sqlite:///veckolage.db"
    problem = _database_problem(database_url)
    if problem:
        problems.append(problem)
    port_text = get("PORT") or "3000"
    port = plain_int(port_text) or 0
    port = port if 0 < port < 65536 else 0
    if not port:
        problems.append(t("cli.settings.port", port=port_text))
    web_secret, web_base_url = get("WEB_SECRET"), (get("WEB_BASE_URL") or "").rstrip("/") or None
    if web_secret and len(web_secret) < 32:
        problems.append(t("storbild.settings.secret"))
    if web_base_url and not web_base_url.startswith(("https://", "http://")):
        problems.append(t("storbild.settings.base_url", url=web_base_url))
    if problems:
        raise SettingsError(problems)
    return Settings(
        bot_token=get("SLACK_BOT_TOKEN"),
        signing_secret=get("SLACK_SIGNING_SECRET"),
        app_token=get("SLACK_APP_TOKEN"),
        client_id=get("SLACK_CLIENT_ID"),
        client_secret=get("SLACK_CLIENT_SECRET"),
        slack_api_url=api_url,
        database_url=database_url,
        config_path=get("VECKOLAGE_CONFIG") or "veckolage.toml",
        port=port,
        host=get("HOST") or "0.0.0.0",
        log_level=(get("LOG_LEVEL") or "INFO").upper(),
        web_secret=web_secret,
        web_base_url=web_base_url,
        signin_client_id=get("SIGNIN_CLIENT_ID") or get("SLACK_CLIENT_ID"),
        signin_client_secret=get("SIGNIN_CLIENT_SECRET") or get("SLACK_CLIENT_SECRET"),
        teams_signin=_teams_signin(get),
    )


def _teams_signin(get) -> tuple[str, str, str] | None:
    """The Teams bot's app registration, for signing in to the web view with Microsoft (None without one)."""
    client_id, secret, tenant = get("TEAMS_CLIENT_ID"), get("TEAMS_CLIENT_SECRET"), get("TEAMS_TENANT_ID")
    if not (client_id and secret and tenant):
        return None
    return client_id, secret, get("TEAMS_TOKEN_URL") or f"https://login.microsoftonline.com/{tenant.lower()}/oauth2/v2.0/token"
