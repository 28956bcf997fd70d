"""Who Slack says the bot is (auth.test), asked at start-up without letting a Slack outage stop the service.

A rejected token is the one start-up answer that stops a process: nothing can ever be delivered with
it. Slack answering 429 or 5xx, slowly or not at all is an outage: the service starts anyway (reports
are stored and their messages queued in the outbox) and a background thread keeps asking until Slack
answers, saying in the log what it waits for.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.core.texts import t

log = logging.getLogger("veckolage.slack")
START_TIMEOUT = 5.0  # seconds one auth.test may take before we call Slack unreachable for now
RETRY_DELAYS = (2.0, 5.0, 10.0, 30.0, 60.0)  # then every minute
REJECTED = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                      "not_allowed_token_type"})


class TokenRejected(Exception):
    """Slack refused a token itself; `code` is Slack's error code (e.g. invalid_auth), `name` the variable."""

    def __init__(self, code: str, name: str = "SLACK_BOT_TOKEN") -> None:
        super().__init__(code)
        self.code, self.name = code, name


@dataclass(frozen=True)
class Identity:
    """The bot as auth.test describes it."""

    team_id: str | None
    team: str | None
    user_id: str | None
    bot_id: str | None


def refusal(error: SlackApiError, name: str = "SLACK_BOT_TOKEN") -> str:
    """Why Slack said no, as a reason to wait; raises TokenRejected when it refused the token itself."""
    data = error.response.data if isinstance(error.response.data, dict) else {}
    code = str(data.get("error") or "")
    status = error.response.status_code
    if status == 200 and code in REJECTED:
        raise TokenRejected(code, name) from None
    if status == 429:
        headers = {key.lower(): value for key, value in (error.response.headers or {}).items()}
        return t("slack.wait.ratelimited", seconds=headers.get("retry-after", "?"))
    return t("slack.wait.status", status=status, code=code[:60] or "–")


def ask_slack(token: str, api_url: str, *, timeout: float = START_TIMEOUT) -> Identity | str:
    """One auth.test: the identity, or (a string) why Slack could not answer now. Raises TokenRejected."""
    client = WebClient(token=token, base_url=api_url, timeout=timeout, retry_handlers=[])
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        return refusal(error)
    except Exception as error:  # noqa: BLE001 - timeouts, refused or dropped connections, DNS: Slack is not there
        return t("slack.wait.unreachable", error=type(error).__name__)
    return Identity(answer.get("team_id"), answer.get("team"), answer.get("user_id"), answer.get("bot_id"))


class SlackIdentity:
    """The bot token and, once Slack has answered, who it belongs to; Bolt's `authorize` for one workspace.

    Requests are authorized from the token alone, so a report is accepted (stored, its messages queued)
    even while Slack does not answer auth.test."""

    def __init__(self, token: str, api_url: str, identity: Identity | None = None) -> None:
        self.token, self.api_url, self.identity = token, api_url, identity
        self.answered = threading.Event()
        if identity is not None:
            self.answered.set()

    def authorizer(self) -> Callable[..., AuthorizeResult]:
        """Bolt's authorize (a plain function: Bolt passes arguments by their names): the bot token for
        the request's team, with the bot's ids once Slack has told them."""

        def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            known = self.identity
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id or (known and known.team_id),
                                   team=known and known.team, bot_token=self.token,
                                   bot_user_id=known and known.user_id, bot_id=known and known.bot_id)

        return authorize

    def keep_asking(self, *, delays: tuple[float, ...] = RETRY_DELAYS,
                    on_answer: Callable[[], None] = lambda: None) -> threading.Thread:
        """Ask auth.test again in a daemon thread until Slack answers; log what it waits for."""

        def run() -> None:
            attempt = 0
            while True:
                delay = delays[min(attempt, len(delays) - 1)]
                attempt += 1
                if self.answered.wait(delay):
                    return
                try:
                    answer = ask_slack(self.token, self.api_url)
                except TokenRejected as error:
                    log.error(t("slack.rejected_later", code=error.code))
                    return
                if isinstance(answer, Identity):
                    self.identity = answer
                    self.answered.set()
                    log.info(t("slack.back", team=answer.team or answer.team_id or "?"))
                    on_answer()
                    return
                log.warning(t("slack.still_waiting", reason=answer,
                              seconds=int(delays[min(attempt, len(delays) - 1)])))

        thread = threading.Thread(target=run, name="veckolage-slack-identity", daemon=True)
        thread.start()
        return thread


def first_contact(token: str, api_url: str) -> SlackIdentity:
    """At start-up: ask Slack once. A rejected token raises TokenRejected; no answer is logged and
    the identity is left to `keep_asking`."""
    answer = ask_slack(token, api_url)
    if isinstance(answer, Identity):
        return SlackIdentity(token, api_url, answer)
    log.warning(t("slack.waiting", reason=answer))
    return SlackIdentity(token, api_url)


def connect_socket(connect: Callable[[], None], *, delays: tuple[float, ...] = RETRY_DELAYS,
                   stop: threading.Event | None = None) -> None:
    """Open the Socket Mode connection, waiting out a Slack outage (the clock and outbox keep running);
    a rejected SLACK_APP_TOKEN raises TokenRejected."""
    stop = stop or threading.Event()
    attempt = 0
    while True:
        try:
            connect()
            return
        except SlackApiError as error:
            reason = refusal(error, "SLACK_APP_TOKEN")
        except Exception as error:  # noqa: BLE001 - refused, dropped, timed out: Slack is not there
            reason = t("slack.wait.unreachable", error=type(error).__name__)
        delay = delays[min(attempt, len(delays) - 1)]
        attempt += 1
        log.warning(t("slack.socket_waiting", reason=reason, seconds=int(delay)))
        if stop.wait(delay):
            return
