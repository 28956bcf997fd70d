"""The bot's own token for the connector: one OAuth client-credentials call to TEAMS_TOKEN_URL, kept until
shortly before it expires.

The SDK's built-in client-secret login goes through MSAL, which refuses a plain-http authority and builds the
address from a login host and tenant; a sovereign cloud (or the loopback fake in tests) needs the address as a
setting, so this small call is handed to the SDK as its token source (`TokenCredentials`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import httpx

from bot.teams.settings import BOT_SCOPE, TeamsSettings
from commands.core.texts import t

EARLY = 300.0  # renew five minutes before the token expires


class TokenRefused(RuntimeError):
    """The token service said no (wrong id, secret or tenant): a Swedish message for the log."""


class ClientCredentialsToken:
    """An async token source for the SDK: `await source(scope, tenant_id)` → the bearer token."""

    def __init__(self, settings: TeamsSettings, *, monotonic: Callable[[], float] = time.monotonic,
                 timeout: float = 10.0) -> None:
        self.settings, self._monotonic, self._timeout = settings, monotonic, timeout
        self._cached: dict[str, tuple[str, float]] = {}
        self._lock = asyncio.Lock()
        self._thread_lock = threading.Lock()  # the delivery thread's calls (`get`)

    async def __call__(self, scope: str | list[str] | None = None, tenant_id: str | None = None) -> str:
        """A valid token for the scope (the Bot Framework's by default), fetched only when needed."""
        scope = (scope[0] if isinstance(scope, list) and scope else scope) or BOT_SCOPE
        async with self._lock:
            token, until = self._cached.get(scope, ("", 0.0))
            if token and self._monotonic() < until:
                return token
            token, lifetime = await self._fetch(scope)
            self._cached[scope] = (token, self._monotonic() + max(lifetime - EARLY, lifetime / 2))
            return token

    def get(self, scope: str = BOT_SCOPE) -> str:
        """The same token for synchronous callers (the outbox's delivery thread)."""
        with self._thread_lock:
            token, until = self._cached.get(scope, ("", 0.0))
            if token and self._monotonic() < until:
                return token
            with httpx.Client(timeout=self._timeout) as client:
                token, lifetime = self._read(client.post(self.settings.token_url, data=self._form(scope)))
            self._cached[scope] = (token, self._monotonic() + max(lifetime - EARLY, lifetime / 2))
            return token

    def _form(self, scope: str) -> dict:
        return {"grant_type": "client_credentials", "client_id": self.settings.client_id,
                "client_secret": self.settings.client_secret, "scope": scope}

    async def _fetch(self, scope: str) -> tuple[str, float]:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            return self._read(await client.post(self.settings.token_url, data=self._form(scope)))

    def _read(self, answer: httpx.Response) -> tuple[str, float]:
        if answer.status_code != 200:
            raise TokenRefused(t("teams.cli.token_refused", url=self.settings.token_url, status=answer.status_code))
        body = answer.json()
        return body["access_token"], float(body.get("expires_in", 3600))
