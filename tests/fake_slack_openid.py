"""Sign in with Slack in the fake Slack: the authorize page, openid.connect.token / userInfo and the key set.

As strict as Slack: an unknown client or a redirect_uri other than the registered one is refused on the
authorize page (no redirect); the token call needs the client's id and secret (HTTP Basic), a code issued to
that client, once, within ten minutes, and the same redirect_uri; ID tokens are RS256 JWTs signed with a key
made for the test run, published at /openid/connect/keys.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "fake-slack-test-key"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # one test key per run


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    team: str
    user: str
    name: str
    issued: float
    used: bool = False


class FakeOpenID:
    """The OpenID Connect part of the fake Slack (owned by FakeSlack, which routes to it)."""

    def __init__(self) -> None:
        self.clients: dict[str, tuple[str, str]] = {}  # client_id → (secret, the one registered redirect_uri)
        self.signed_in: tuple[str, str, str] | None = None  # (team, user, name) of the browser's Slack session
        self.deny = False  # the person presses Cancel instead of Allow
        self.issuer_override: str | None = None
        self.forge = False  # sign ID tokens with a key Slack never published
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def register(self, client_id: str, secret: str, redirect_uri: str) -> None:
        """The Slack app's credentials and its registered redirect URL."""
        self.clients[client_id] = (secret, redirect_uri)

    def sign_in_as(self, team: str, user: str, name: str = "Test Testsson") -> None:
        """Who is signed in to Slack in the browser (Slack's authorize page acts for them)."""
        self.signed_in = (team, user, name)

    def answer(self, method: str, args: dict[str, Any], headers: dict[str, str], root: str,
               ) -> tuple[int, str, str, dict[str, str]]:
        """(status, body, content type, extra headers) for an /openid/ page or an openid.* API method."""
        if method == "/openid/connect/keys":
            jwk = json.loads(RSAAlgorithm.to_jwk(_KEY.public_key()))
            return 200, json.dumps({"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}), "application/json", {}
        if method.startswith("/openid/connect/authorize"):
            return self._authorize(args)
        if method == "openid.connect.token":
            return 200, json.dumps(self._token(args, headers, root)), "application/json", {}
        if method == "openid.connect.userInfo":
            return 200, json.dumps(self._user_info(args, headers)), "application/json", {}
        return 404, "not found", "text/plain", {}

    def _authorize(self, args: dict[str, Any]) -> tuple[int, str, str, dict[str, str]]:
        client = self.clients.get(args.get("client_id", ""))
        if client is None:
            return 400, "<h1>Invalid client_id parameter</h1>", "text/html", {}
        if args.get("redirect_uri") != client[1]:
            return 400, "<h1>redirect_uri did not match any configured URIs</h1>", "text/html", {}
        scopes = set(str(args.get("scope", "")).split(","))
        if args.get("response_type") != "code" or "openid" not in scopes or not args.get("state"):
            return 400, "<h1>Invalid request</h1>", "text/html", {}
        back = {"state": args["state"]}
        if self.deny or self.signed_in is None:
            back["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(16)
            team, user, name = self.signed_in
            with self._lock:
                self._grants[code] = _Grant(args["client_id"], args["redirect_uri"], args.get("nonce"), team, user,
                                            name, time.time())
            back["code"] = code
        return 302, "", "text/plain", {"Location": f"{client[1]}?{urlencode(back)}"}

    def _token(self, args: dict[str, Any], headers: dict[str, str], root: str) -> dict[str, Any]:
        auth = headers.get("authorization", "")
        try:
            client_id, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)
        except ValueError:
            client_id, secret = args.get("client_id", ""), args.get("client_secret", "")
        if client_id not in self.clients:
            return {"ok": False, "error": "invalid_client_id"}
        if self.clients[client_id][0] != secret:
            return {"ok": False, "error": "bad_client_secret"}
        with self._lock:
            grant = self._grants.get(args.get("code", ""))
            if grant is None or grant.used or grant.client_id != client_id or time.time() - grant.issued > 600:
                return {"ok": False, "error": "invalid_code"}
            if args.get("redirect_uri") != grant.redirect_uri:
                return {"ok": False, "error": "bad_redirect_uri"}
            grant.used = True
            access = f"xoxp-{secrets.token_hex(8)}"
            self._tokens[access] = grant
        now = int(time.time())
        claims = {"iss": self.issuer_override or root, "sub": grant.user, "aud": client_id, "exp": now + 3600,
                  "iat": now, "auth_time": now, "https://slack.com/user_id": grant.user,
                  "https://slack.com/team_id": grant.team, "name": grant.name}
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.forge else _KEY
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
        return {"ok": True, "access_token": access, "token_type": "Bearer", "id_token": token}

    def _user_info(self, args: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else args.get("token", "")
        grant = self._tokens.get(token)
        if grant is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "sub": grant.user, "https://slack.com/user_id": grant.user,
                "https://slack.com/team_id": grant.team, "name": grant.name}
