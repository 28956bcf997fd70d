"""How a platform's delivery says a call failed, so the one outbox loop (bot/jobs/outbox_worker.py) decides what
comes next the same way for every platform: `Permanent` (bot/jobs/deliveries.py) fails the row at once,
`RateLimited` holds the workspace's rows for the platform's wait without spending an attempt, `RetryLater`
spends an attempt and backs off."""

from __future__ import annotations


class RetryLater(Exception):
    """The platform did not answer or answered with a server error: try again with back-off."""

    def __init__(self, problem: str, seconds: float | None = None) -> None:
        super().__init__(problem)
        self.seconds = seconds


class RateLimited(Exception):
    """The platform asked us to wait `seconds` before calling `method` again; nothing was done."""

    def __init__(self, seconds: float, *, method: str, problem: str) -> None:
        super().__init__(problem)
        self.seconds, self.method, self.problem = seconds, method, problem
