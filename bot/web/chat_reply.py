"""A kiosk link made in the chat (`veckolage storbild`) shown with its signed address, for the asker only."""

from __future__ import annotations

from collections.abc import Callable

from bot.web.app import WebConfig, kiosk_url
from commands.reply import Notice
from commands.storbild.kiosk import KIOSK_USAGE, KioskLinkCreated
from commands.texts import t


def kiosk_presenter(config: WebConfig) -> Callable[[object], object]:
    """Turn a new kiosk link into a notice with its address; every other reply passes through."""

    def present(reply: object) -> object:
        if not isinstance(reply, KioskLinkCreated):
            return reply
        url = kiosk_url(config, reply)
        if url is None:
            return reply  # its own lines say the address is unknown
        usage = KIOSK_USAGE.split(" | ")[1].replace("<nr>", str(reply.link_id))
        return Notice("ok", reply.title, (t("storbild.link.url", url=url),
                                          t("storbild.link.expires", days=reply.days, when=reply.expires_text,
                                            usage=usage)))

    return present
