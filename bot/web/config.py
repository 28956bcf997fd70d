"""The web view's settings (from Settings) and the address of a kiosk link."""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.signin import SignIn
from bot.web.signin_entra import EntraSignIn, authority_of
from bot.web.signing import kiosk_token
from commands.storbild.kiosk import SecretLink
from commands.storbild.signin_link import SignInLinkCreated

PREFIX = "/storbild"


@dataclass(frozen=True)
class WebConfig:
    """The secret that signs cookies and links, the public address, and sign-in (None when not set up)."""

    secret: str | None
    base_url: str | None
    signin: SignIn | EntraSignIn | None

    @property
    def secure(self) -> bool:
        """Cookies are Secure when the public address is https."""
        return bool(self.base_url and self.base_url.startswith("https://"))


def web_config(settings) -> WebConfig:
    """The web view's part of Settings."""
    signin, back = None, f"{settings.web_base_url}{PREFIX}/logga-in/klar"
    if settings.signin_client_id and settings.signin_client_secret and settings.web_base_url:
        signin = SignIn(settings.signin_client_id, settings.signin_client_secret, settings.slack_api_url, back)
    elif settings.teams_signin and settings.web_base_url:  # a collaboration on Teams: its app registration
        client_id, secret, token_url = settings.teams_signin
        signin = EntraSignIn(client_id, secret, authority_of(token_url), back)
    return WebConfig(settings.web_secret, settings.web_base_url, signin)


def kiosk_url(config: WebConfig, link: SecretLink, origin: str | None = None) -> str | None:
    """A kiosk link's (or a sign-in link's) full address; None when neither WEB_BASE_URL nor a request says
    where we are."""
    base = config.base_url or origin
    if not base or not config.secret:
        return None
    signin = isinstance(link, SignInLinkCreated)
    token = kiosk_token(config.secret, link_id=link.link_id, expires=link.expires_at, nonce=link.nonce,
                        purpose="signin" if signin else "kiosk")
    return f"{base}{PREFIX}/{'in' if signin else 'k'}/{token}"
