"""Delivering the outbox to Slack: claim a row, read the current state, call Slack, record the outcome.

No Slack call happens inside a database transaction. When a post's answer is lost (a timeout, a
dropped connection, a 5xx or a garbled answer, a crash), the row remembers when that attempt started
(`attempted_at`); the retry waits until `confirm_window` has passed since then, looks for the message
in the channel in that window only (by its metadata key; one request per check, at most one a minute
per workspace, paging on the next check) and posts again only when it is not there.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.jobs import deliveries
from bot.jobs.deliveries import Permanent
from bot.jobs.delivery_errors import RateLimited, RetryLater
from bot.jobs.platform_scope import PlatformScope
from bot.slack.calls import LookingFurther, SlackCalls
from commands.core.identity import SLACK
from commands.core.texts import t
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage, Workspace

log = logging.getLogger("veckolage.outbox")
PACE = timedelta(seconds=1)
LEASE_MARGIN = timedelta(seconds=25)  # two Slack calls at the client's 10 s timeout, and some room
KINDS = ("alert.post", "alert.update", "alert.renotify", "summary.post", "summary.update", "summary.comments",
         "summary.note", "reminder.dm")


def methods(kind: str) -> tuple[str, ...]:
    """The Slack Web API methods a kind of row calls (each is rate-limited per workspace)."""
    if kind.startswith("reminder."):
        return ("conversations.open", "chat.postMessage")
    if kind.endswith(".update"):
        return ("chat.update",)
    return ("chat.postMessage",)



@dataclass
class Policy:
    """How long to keep trying: an outage of Slack's must not cost an alert, so a message is given up only
    after `max_attempts` AND `keep_trying` since it was queued (a day: any Slack incident on record)."""

    max_attempts: int = 10
    keep_trying: timedelta = timedelta(hours=24)
    base_delay: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=10)
    lease: timedelta = timedelta(seconds=60)
    # Slack shows a post it accepted within this time of our call, however late its answer; a post whose
    # answer was lost is looked for in [attempt - SKEW, attempt + confirm_window], and only after that.
    confirm_window: timedelta = timedelta(minutes=2)
    lookup_pace: timedelta = timedelta(minutes=1)  # conversations.history outside the Marketplace: 1 a minute

    def delay(self, attempts: int, retry_after: float | None) -> timedelta:
        """Exponential backoff, never sooner than Slack's Retry-After."""
        delay = min(self.base_delay * 2 ** max(attempts - 1, 0), self.max_delay)
        return max(delay, timedelta(seconds=retry_after or 0))


def retry_after(headers) -> float | None:
    """Slack's Retry-After in any spelling of the header: seconds, or an HTTP date."""
    value = next((str(v[0] if isinstance(v, list) else v) for k, v in (headers or {}).items()
                  if k.lower() == "retry-after"), None)
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        try:
            return (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None


def outbox_client(token: str | None, base_url: str) -> WebClient:
    """A client without hidden retries: the outbox decides when to try again."""
    return WebClient(token=token, base_url=base_url, timeout=10, retry_handlers=[])


class Deliverer(SlackCalls):
    """Delivers due outbox rows; safe to run in several threads or processes at once."""

    PLATFORM = SLACK  # whose collaborations it delivers (bot/jobs/platform_scope.py)

    def __init__(self, engine: Engine, client: WebClient | None, *, clock: Callable[[], datetime],
                 policy: Policy | None = None, worker_id: str | None = None,
                 client_for: Callable[[str], WebClient] | None = None, batch: int = 10) -> None:
        """`client` for a single workspace, or `client_for(team id)` when every workspace has its own token."""
        self.engine, self.client, self.clock = engine, client, clock
        self.client_for = client_for
        self.policy = policy or Policy()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._last_post: dict[str, datetime] = {}  # Slack allows about one message per second per channel
        self._last_lookup: dict[int, datetime] = {}  # conversations.history per workspace (1 a minute)
        self._holds: dict[tuple[int, str], datetime] = {}  # (workspace, method) → next call, for this batch
        self._spacing: dict[tuple[int, str], float] = {}  # (workspace, method) → Slack's pace (s), from a 429
        self._dms: dict[tuple[str | None, str], str] = {}  # (token, user) → DM channel
        self._known_dm: str | None = None  # the reminder row's DM channel, kept from an earlier attempt
        self._opened_dm: str | None = None  # the DM channel this attempt opened
        self.batch = batch
        self.scope = PlatformScope(self.PLATFORM)  # another platform's collaborations are left alone
        self._now = clock()
        self._row: tuple[int, int] = (0, 0)  # (row id, workspace id) being delivered
        self._unsure: datetime | None = None  # when a post of it that may have landed started
        self._cursor: str | None = None  # where its lookup goes on

    def run_once(self, now: datetime | None = None) -> int:
        """Claim a batch of due rows and deliver them; returns how many this worker tried (rows it held back
        for pacing or a rate limit go back unsent and do not count).

        With `now` given (tests) every row is delivered at that moment; otherwise each row at the clock's
        time when its turn comes, and rows whose lease is about to run out go back unsent."""
        start = now or self.clock()
        self._holds.clear()  # rows claimed from here on were claimed after any hold, which moved them already
        with session_scope(self.engine) as session:
            ids = outbox.claim_due(session, worker=self.worker_id, now=start, lease=self.policy.lease,
                                   limit=self.batch, skip=self.scope.skip(session, start))
        expires = start + max(self.policy.lease - LEASE_MARGIN, self.policy.lease / 2)
        tried = 0
        for index, row_id in enumerate(ids):
            at = now or self.clock()
            if at >= expires:  # another worker may take them over from now: give them back untouched
                with session_scope(self.engine) as session:
                    for rest in ids[index:]:
                        outbox.release(session, row_id=rest, worker=self.worker_id, due_at=at)
                break
            tried += self._deliver(row_id, at)
        return tried

    def _held(self, workspace_id: int, kind: str, now: datetime) -> datetime | None:
        """Until when this row must wait after a 429 in this batch for a method it uses in its workspace."""
        until = [self._holds.get((workspace_id, method)) for method in methods(kind)]
        latest = max((u for u in until if u is not None), default=None)
        return latest if latest is not None and latest > now else None

    def _deliver(self, row_id: int, now: datetime) -> bool:
        """Deliver one claimed row; False when it went back unsent to wait for its pace."""
        self._now = now
        with session_scope(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            attempts, key, generation, workspace_id = row.attempts, row.key, row.generation, row.workspace_id
            self._row = (row_id, workspace_id)
            self._unsure, self._cursor = row.attempted_at, row.lookup_cursor
            self._known_dm = row.channel if row.kind.startswith("reminder.") else None
            self._opened_dm = None
            wait = self._held(workspace_id, row.kind, now)
            free_at = self._last_post.get(row.channel or "", now - PACE) + PACE
            if self._unsure is not None:  # an earlier post may have landed: not before it can be looked for
                looked = self._last_lookup.get(workspace_id, now - self.policy.lookup_pace)
                free_at = max(free_at, self._unsure + self.policy.confirm_window, looked + self.policy.lookup_pace)
            if wait is not None or free_at > now:  # Slack asked this workspace to wait, or the channel's pace
                due = max(wait or now, free_at)
                for method in methods(row.kind):  # the next row held by the same limit waits one pace longer
                    if self._holds.get((workspace_id, method)) == due and (workspace_id, method) in self._spacing:
                        self._holds[(workspace_id, method)] += timedelta(seconds=self._spacing[(workspace_id, method)])
                outbox.release(session, row_id=row_id, worker=self.worker_id, due_at=due)
                return False
            if self._unsure is None:  # from now on a post of it may be in Slack; a crash leaves this behind
                outbox.attempting(session, row_id=row_id, worker=self.worker_id, now=now)
            try:
                if self.client_for is not None:  # one token per workspace (OAuth installs)
                    try:
                        self.client = self.client_for(session.get(Workspace, row.workspace_id).key)
                    except LookupError as error:
                        raise Permanent(str(error)) from error
                action = self.prepare(session, row)
            except Permanent as error:
                action = None
                problem = str(error)
        if action is None:
            self._fail(row_id, key, problem)
            return True
        self._call(row_id, key, attempts, generation, workspace_id, action, now)
        return True

    def prepare(self, session, row: OutboxMessage) -> deliveries.Action:
        """The platform's call for a row, built from the current state (Slack here; another platform's
        deliverer overrides this and `record`, and raises bot.jobs.delivery_errors for what went wrong)."""
        return deliveries.prepare(session, row, self)

    def record(self, session, row: OutboxMessage, outcome: deliveries.Outcome, now: datetime) -> None:
        """After the platform confirmed: remember where it landed and queue follow-ups."""
        deliveries.record(session, row, outcome, now)

    def _call(self, row_id: int, key: str, attempts: int, generation: int, workspace_id: int,
              action: deliveries.Action, now: datetime) -> None:
        """Make the Slack call and record what came of it."""
        try:
            outcome = action(self._unsure is not None)
        except RateLimited as error:
            return self._rate_limited(row_id, workspace_id, error.method, error.problem, now, error.seconds)
        except RetryLater as error:
            return self._retry(row_id, attempts, now, str(error), error.seconds)
        except LookingFurther:
            return self._retry(row_id, attempts, now, t("outbox.looking"), self.policy.lookup_pace.total_seconds(),
                               spent=False)
        except SlackApiError as error:
            status = error.response.status_code
            code = error.response.get("error") if isinstance(error.response.data, dict) else None
            if code is None or str(code).startswith("Received a response in a non-JSON format"):
                # a garbled answer (slack_sdk's wording, e.g. Slack's HTML error page): nobody refused, so try again
                return self._retry(row_id, attempts, now, t("outbox.not_json", status=status),
                                   retry_after(error.response.headers))
            seconds = retry_after(error.response.headers)
            if status == 429 and seconds is not None:
                method = str(error.response.api_url or "").rstrip("/").rsplit("/", 1)[-1]
                return self._rate_limited(row_id, workspace_id, method, f"HTTP 429 {code or ''}".strip(), now,
                                          seconds)
            if status == 429 or status >= 500:
                return self._retry(row_id, attempts, now, f"HTTP {status} {code or ''}".strip(),
                                   retry_after(error.response.headers))
            return self._fail(row_id, key, t("outbox.refused", code=code or status))
        except Permanent as error:
            return self._fail(row_id, key, str(error))
        except (TimeoutError, OSError, ValueError) as error:  # network, timeouts, malformed answers
            return self._retry(row_id, attempts, now, f"{type(error).__name__}: {error}", None)
        with session_scope(self.engine) as session:
            self.record(session, session.get(OutboxMessage, row_id), outcome, now)
            outbox.finish(session, row_id=row_id, generation=generation, worker=self.worker_id, now=now,
                          channel=outcome.channel, ts=outcome.ts)

    def _retry(self, row_id: int, attempts: int, now: datetime, error: str, seconds: float | None,
               spent: bool = True) -> None:
        with session_scope(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            if spent and attempts >= self.policy.max_attempts and now - row.created_at >= self.policy.keep_trying:
                log.error("OUTBOX GAVE UP after %s attempts: %s (%s)", attempts, row.key, error)
                outbox.fail(session, row_id=row_id, worker=self.worker_id, error=error)
                return
            due = now + (self.policy.delay(attempts, seconds) if spent else timedelta(seconds=seconds or 0))
            if self._unsure is not None:  # a post that may have landed: look for it only once Slack shows it
                due = max(due, self._unsure + self.policy.confirm_window)
            log.warning("Outbox %s not delivered (%s); attempt %s, next at %s", row.key, error, attempts, due)
            outbox.retry(session, row_id=row_id, worker=self.worker_id, due_at=due, error=error,
                         attempted_at=self._unsure, lookup_cursor=self._cursor, spent=spent)

    def _rate_limited(self, row_id: int, workspace_id: int, method: str, problem: str, now: datetime,
                      seconds: float) -> None:
        """A 429 with Retry-After: Slack did nothing, so no attempt is spent; this row and the workspace's
        other rows that use the same method wait (here and, through the database, in every process).
        Other workspaces go on."""
        until = max(now, self.clock()) + timedelta(seconds=seconds)  # counted from Slack's answer
        # Asked again at once, Slack's wait is its pace for this method: the rows behind it follow at that pace.
        spacing = self._spacing[(workspace_id, method)] = max(self._spacing.get((workspace_id, method), 0), seconds)
        kinds = tuple(k for k in KINDS if method in methods(k)) or None  # another method: hold them all
        log.info("Outbox row %s not delivered (%s): workspace %s waits %s s with %s", row_id, problem, workspace_id,
                 seconds, method)
        with session_scope(self.engine) as session:
            self._holds[(workspace_id, method)] = outbox.hold(
                session, workspace_id=workspace_id, until=until + timedelta(seconds=spacing), kinds=kinds,
                spacing=timedelta(seconds=spacing))
            outbox.release(session, row_id=row_id, worker=self.worker_id, due_at=until, error=problem,
                           channel=self._opened_dm,  # the next attempt posts there without opening it again
                           unsure=(self._unsure, self._cursor))  # a 429 refused this post; an earlier one may stand

    def _fail(self, row_id: int, key: str, error: str) -> None:
        log.error("OUTBOX FAILED for good: %s (%s)", key, error)
        with session_scope(self.engine) as session:
            outbox.fail(session, row_id=row_id, worker=self.worker_id, error=error)


class OutboxThread:
    """Runs a Deliverer in the background: at once when woken after a commit, else when rows fall due."""

    def __init__(self, deliverer: Deliverer, *, idle_seconds: float = 30.0) -> None:
        self.deliverer, self.idle_seconds = deliverer, idle_seconds
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="veckolage-outbox", daemon=True)

    def start(self) -> OutboxThread:
        """Start delivering (pending rows from before a restart go out first)."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Something was just committed: deliver now."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current delivery and stop."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliverer.run_once()
                with session_scope(self.deliverer.engine) as session:
                    upcoming = outbox.next_due(session)
            except Exception:  # keep delivering whatever happened to one round (logged)
                log.exception("Outbox round failed")
                upcoming = None
            wait = self.idle_seconds
            if upcoming is not None:
                wait = max(0.0, min(wait, (upcoming - self.deliverer.clock()).total_seconds()))
            self._wake.wait(wait)
            self._wake.clear()
