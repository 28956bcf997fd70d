"""Sign in with Slack: OpenID Connect through slack_sdk's own helpers, the ID token checked against Slack's keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

import jwt
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth import OpenIDConnectAuthorizeUrlGenerator

SCOPES = ("openid", "profile")
TEAM_CLAIM, USER_CLAIM = "https://slack.com/team_id", "https://slack.com/user_id"
log = logging.getLogger("veckolage.web.signin")


class SignInFailed(Exception):
    """Slack did not confirm who signed in; the reason is for the log, never shown raw to the person."""


@dataclass(frozen=True)
class Identity:
    """Who Slack says signed in."""

    team_id: str
    user_id: str
    name: str | None


@dataclass(frozen=True)
class SignIn:
    """The OpenID Connect client: the app's credentials, Slack's address (SLACK_API_URL) and our return address."""

    client_id: str
    client_secret: str
    api_url: str  # https://slack.com/api/ (or the fake's)
    redirect_uri: str
    provider: str = "slack"

    @property
    def issuer(self) -> str:
        """Slack's issuer: the API address's scheme and host (`https://slack.com`)."""
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def _keys(self) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(f"{self.issuer}/openid/connect/keys", cache_keys=True, timeout=5)

    def authorize_url(self, *, state: str, nonce: str) -> str:
        """Where the browser goes to sign in at Slack."""
        generator = OpenIDConnectAuthorizeUrlGenerator(
            client_id=self.client_id, redirect_uri=self.redirect_uri, scopes=list(SCOPES),
            authorization_url=f"{self.issuer}/openid/connect/authorize")
        return generator.generate(state=state, nonce=nonce)

    def finish(self, *, code: str, nonce: str) -> Identity:
        """Exchange the code, check the ID token (signature, issuer, audience, expiry, nonce), ask userInfo."""
        client = WebClient(base_url=self.api_url, timeout=5)
        try:
            answer = client.openid_connect_token(client_id=self.client_id, client_secret=self.client_secret,
                                                 code=code, redirect_uri=self.redirect_uri)
            claims = self._claims(answer["id_token"], nonce)
            info = client.openid_connect_userInfo(token=answer["access_token"])
        except (SlackApiError, SlackClientError, KeyError, jwt.PyJWTError) as error:
            raise SignInFailed(f"{type(error).__name__}: {error}") from error
        if info.get("sub") != claims.get("sub") or info.get(TEAM_CLAIM) != claims.get(TEAM_CLAIM):
            raise SignInFailed("userInfo does not match the ID token")
        team, user = claims.get(TEAM_CLAIM), claims.get(USER_CLAIM) or claims.get("sub")
        if not team or not user:
            raise SignInFailed("the ID token names no team or user")
        return Identity(team, user, claims.get("name"))

    def _claims(self, token: str, nonce: str) -> dict:
        key = self._keys.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=self.client_id, issuer=self.issuer,
                            options={"require": ["exp", "iat", "sub", "aud", "iss"]})
        if claims.get("nonce") != nonce:
            raise SignInFailed("the ID token's nonce is not ours")
        return claims
