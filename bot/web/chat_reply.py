"""A kiosk link made in the chat (`veckolage storbild`) shown with its signed address, for the asker only."""

from __future__ import annotations

from collections.abc import Callable

from bot.web.config import WebConfig, kiosk_url
from commands.core.reply import Notice
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.storbild.kiosk import KioskLinkCreated


def kiosk_presenter(config: WebConfig) -> Callable[[object], object]:
    """Turn a new kiosk link into a notice with its address; every other reply passes through."""

    def present(reply: object) -> object:
        if not isinstance(reply, KioskLinkCreated):
            return reply
        url = kiosk_url(config, reply)
        if url is None:
            return reply  # its own lines say the address is unknown
        revoke = Typed(f"veckolage storbild återkalla {reply.link_id}")
        return Notice("ok", reply.title, (t("storbild.link.url", url=url),
                                          rich("storbild.link.expires", days=reply.days, when=reply.expires_text,
                                               usage=revoke)))

    return present
