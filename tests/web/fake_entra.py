"""A loopback Microsoft Entra ID for signing in to the web view: one tenant's OpenID configuration, its key set,
the authorize page and the token endpoint.

As strict as Entra: an unknown client, a redirect_uri other than the registered one, a response_type other than
`code` or a scope without `openid` is refused on the authorize page (no redirect); the token endpoint needs the
client's id and secret in the form, a code issued to that client, once, within ten minutes, and the same
redirect_uri. ID tokens are RS256 JWTs (v2.0: `tid`, `oid`, `name`, `nonce`) signed with a key made for the run.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.loopback_fake import LoopbackFake

KEY_ID = "fake-entra-key"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_FORGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeEntra(LoopbackFake):
    """One tenant: `register(...)` the app, `sign_in_as(oid, name)` the browser's account, then drive a browser."""

    tenant: str
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)  # client id → (secret, redirect_uri)
    account: tuple[str, str] | None = None  # (oid, name) signed in at Microsoft in the browser
    deny: bool = False  # the person cancels at Microsoft
    forge: bool = False  # sign ID tokens with a key Entra never published
    token_calls: list[dict] = field(default_factory=list)
    _codes: dict[str, dict] = field(default_factory=dict)

    @property
    def authority(self) -> str:
        return f"{self.url}/{self.tenant}"

    @property
    def token_url(self) -> str:
        """What TEAMS_TOKEN_URL is for this tenant."""
        return f"{self.authority}/oauth2/v2.0/token"

    def register(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = (secret, redirect_uri)

    def sign_in_as(self, oid: str, name: str = "Test Testsson") -> None:
        self.account = (oid, name)

    # --- HTTP ---

    def handle_GET(self, handler) -> None:
        parts = urlsplit(handler.path)
        base = f"/{self.tenant}"
        if parts.path == f"{base}/v2.0/.well-known/openid-configuration":
            self.send_json(handler, 200, {
                "issuer": f"{self.authority}/v2.0", "authorization_endpoint": f"{self.authority}/oauth2/v2.0/authorize",
                "token_endpoint": self.token_url, "jwks_uri": f"{self.authority}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token"], "id_token_signing_alg_values_supported": ["RS256"]})
        elif parts.path == f"{base}/discovery/v2.0/keys":
            key = json.loads(RSAAlgorithm.to_jwk(_KEY.public_key()))
            self.send_json(handler, 200, {"keys": [{**key, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        elif parts.path == f"{base}/oauth2/v2.0/authorize":
            self._authorize(handler, {k: v[0] for k, v in parse_qs(parts.query).items()})
        else:
            self.send_json(handler, 404, {"error": "not_found"})

    def _authorize(self, handler, query: dict) -> None:
        client = self.clients.get(query.get("client_id", ""))
        if client is None or query.get("redirect_uri") != client[1] or query.get("response_type") != "code" \
                or "openid" not in query.get("scope", "").split():
            self.send(handler, 400, b"<h1>AADSTS50011: the request is not valid for this application</h1>",
                       "text/html")
            return
        if self.deny or self.account is None:
            answer = {"error": "access_denied", "state": query.get("state", "")}
        else:
            code = secrets.token_urlsafe(24)
            self._codes[code] = {"client": query["client_id"], "redirect_uri": query["redirect_uri"],
                                 "nonce": query.get("nonce"), "account": self.account, "at": time.time()}
            answer = {"code": code, "state": query.get("state", "")}
        self.send(handler, 302, b"", "text/plain", {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"})

    def handle_POST(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        if urlsplit(handler.path).path != f"/{self.tenant}/oauth2/v2.0/token":
            self.send_json(handler, 404, {"error": "not_found"})
            return
        self.token_calls.append(form)
        client = self.clients.get(form.get("client_id", ""))
        grant = self._codes.pop(form.get("code", ""), None)
        if client is None or form.get("client_secret") != client[0]:
            self.send_json(handler, 401, {"error": "invalid_client"})
            return
        if form.get("grant_type") != "authorization_code" or grant is None or grant["client"] != form["client_id"] \
                or grant["redirect_uri"] != form.get("redirect_uri") or time.time() - grant["at"] > 600:
            self.send_json(handler, 400, {"error": "invalid_grant"})
            return
        now = int(time.time())
        oid, name = grant["account"]
        claims = {"iss": f"{self.authority}/v2.0", "aud": form["client_id"], "iat": now, "nbf": now,
                  "exp": now + 3600, "sub": uuid.uuid5(uuid.NAMESPACE_OID, oid).hex, "oid": oid, "tid": self.tenant,
                  "name": name, "ver": "2.0", **({"nonce": grant["nonce"]} if grant["nonce"] else {})}
        token = jwt.encode(claims, _FORGER if self.forge else _KEY, algorithm="RS256", headers={"kid": KEY_ID})
        self.send_json(handler, 200, {"token_type": "Bearer", "scope": "openid profile", "expires_in": 3600,
                                  "id_token": token, "access_token": secrets.token_urlsafe(32)})
