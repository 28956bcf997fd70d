"""Sign in with Microsoft (Entra ID) for a collaboration on Teams: OpenID Connect's authorization code flow with
the Teams bot's own app registration, the ID token checked against the tenant's published keys.

The person is who the token's `oid` (their Entra object id, as veckolage.toml and Teams name them) says, in the
collaboration whose key is the token's `tid` (the tenant). The authority is the single tenant's, taken from
TEAMS_TOKEN_URL (`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`), so a sovereign cloud works
the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import jwt

from bot.web.signin import Identity, SignInFailed

SCOPES = "openid profile"
TOKEN_SUFFIX = "/oauth2/v2.0/token"


def authority_of(token_url: str) -> str:
    """The tenant's authority (`https://login.microsoftonline.com/<tenant>`) from its token endpoint."""
    return token_url.removesuffix(TOKEN_SUFFIX).rstrip("/")


@dataclass(frozen=True)
class EntraSignIn:
    """The OpenID Connect client: the app registration's credentials, the tenant's authority, our return address."""

    client_id: str
    client_secret: str
    authority: str
    redirect_uri: str
    provider: str = "teams"  # the texts and the start address (/storbild/logga-in/teams) are Teams'
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def _metadata(self) -> dict:
        """The tenant's OpenID configuration (read once; a failure is tried again at the next sign-in)."""
        with self._lock:
            if "metadata" not in self._cache:
                answer = httpx.get(f"{self.authority}/v2.0/.well-known/openid-configuration", timeout=5)
                answer.raise_for_status()
                found = answer.json()
                self._cache["metadata"] = found
                self._cache["keys"] = jwt.PyJWKClient(found["jwks_uri"], cache_keys=True, timeout=5)
            return self._cache["metadata"]

    def authorize_url(self, *, state: str, nonce: str) -> str:
        """Where the browser goes to sign in at Microsoft."""
        try:
            endpoint = self._metadata()["authorization_endpoint"]
        except (httpx.HTTPError, KeyError, ValueError):
            endpoint = f"{self.authority}/oauth2/v2.0/authorize"  # Entra's fixed address, if the metadata is away
        query = {"client_id": self.client_id, "response_type": "code", "redirect_uri": self.redirect_uri,
                 "response_mode": "query", "scope": SCOPES, "state": state, "nonce": nonce}
        return f"{endpoint}?{urlencode(query)}"

    def finish(self, *, code: str, nonce: str) -> Identity:
        """Exchange the code for tokens and check the ID token (signature, issuer, audience, expiry, nonce)."""
        try:
            metadata = self._metadata()
            answer = httpx.post(metadata["token_endpoint"], timeout=5, data={
                "grant_type": "authorization_code", "client_id": self.client_id, "client_secret": self.client_secret,
                "code": code, "redirect_uri": self.redirect_uri, "scope": SCOPES})
            if answer.status_code != 200:
                raise SignInFailed(f"the token endpoint answered HTTP {answer.status_code}")
            token = answer.json()["id_token"]
            key = self._cache["keys"].get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=self.client_id,
                                issuer=metadata["issuer"], options={"require": ["exp", "iat", "aud", "iss"]})
        except (httpx.HTTPError, KeyError, ValueError, jwt.PyJWTError) as error:
            raise SignInFailed(f"{type(error).__name__}: {error}") from error
        if claims.get("nonce") != nonce:
            raise SignInFailed("the ID token's nonce is not ours")
        tenant, person = claims.get("tid"), claims.get("oid")
        if not tenant or not person:
            raise SignInFailed("the ID token names no tenant or person")
        return Identity(str(tenant).lower(), str(person).lower(), claims.get("name"))
