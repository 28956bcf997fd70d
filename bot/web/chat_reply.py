"""A kiosk link (`veckolage storbild`) or a sign-in link (`veckolage webb`) made in the chat, shown with its
signed address, for the asker only."""

from __future__ import annotations

from collections.abc import Callable

from bot.web.config import WebConfig, kiosk_url
from commands.core.reply import Notice
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.storbild.kiosk import SecretLink
from commands.storbild.signin_link import SignInLinkCreated


def kiosk_presenter(config: WebConfig) -> Callable[[object], object]:
    """Turn a new kiosk or sign-in link into a notice with its address; every other reply passes through."""

    def present(reply: object) -> object:
        if not isinstance(reply, SecretLink):
            return reply
        url = kiosk_url(config, reply)
        if url is None:
            return reply  # its own lines say the address is unknown
        if isinstance(reply, SignInLinkCreated):
            return Notice("ok", reply.title, (t("storbild.signin_link.url", url=url),
                                              t("storbild.signin_link.expires", when=reply.expires_text)))
        revoke = Typed(f"veckolage storbild återkalla {reply.link_id}")
        return Notice("ok", reply.title, (t("storbild.link.url", url=url),
                                          rich("storbild.link.expires", days=reply.days, when=reply.expires_text,
                                               usage=revoke)))

    return present
