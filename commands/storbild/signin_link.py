"""`veckolage webb`: a personal, one-time link that signs the asker in to the web view within ten minutes.

For a collaboration whose chat platform has no sign-in of its own for the web (Matrix), and for anyone who
wants the lägesbild in a browser without signing in again: the chat has already said who they are. The link
reaches the asker alone (an ephemeral reply, a 1:1 chat, a direct chat), its random part is kept only as a hash,
and it works once; the web page asks for a press before it signs in, so a link preview spends nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.core.context import Invocation, load_caller
from commands.core.refusals import refusal, unknown_user_refusal
from commands.core.reply import Notice
from commands.core.texts import t
from commands.core.when import show
from commands.storbild.kiosk import SecretLink, nonce_hash
from storage import queries, signin_links

SIGNIN_USAGE = "veckolage webb"
LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class SignInLinkCreated(SecretLink):
    """A new sign-in link for the asker."""


def signin_link_command(args: str, inv: Invocation, session: Session) -> Notice:
    """`webb`: a sign-in link for the asker (members, coordinators and admins)."""
    caller = load_caller(session, inv)
    if not caller.known:
        return unknown_user_refusal()
    if args.strip():
        return refusal(t("error.unknown_subcommand", word=args.split()[0][:30]), usage=SIGNIN_USAGE)
    nonce = secrets.token_urlsafe(18)
    expires = inv.now + LIFETIME
    link = signin_links.create_link(session, workspace_id=caller.workspace.id, user_id=inv.user_id,
                                    nonce_hash=nonce_hash(nonce), now=inv.now, expires_at=expires)
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action="signin.link",
                  subject=f"signin:{link.id}")
    return SignInLinkCreated("ok", t("storbild.signin_link.title"), (t("storbild.signin_link.no_address"),),
                             link_id=link.id, workspace_id=caller.workspace.id, nonce=nonce, expires_at=expires,
                             expires_text=show(expires.astimezone(ZoneInfo(caller.workspace.timezone))))
