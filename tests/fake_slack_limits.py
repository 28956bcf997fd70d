"""Slack's rate limits for the fake: per method and workspace (the tiers), and per channel for posts.

Slack counts each Web API method per workspace (app token) in tiers — Tier 3 is about 50 calls a
minute, with short bursts — and allows about one `chat.postMessage` per second per channel. Over a
limit it answers HTTP 429 with `Retry-After` in whole seconds. Each limit here is a GCRA (a token
bucket): `per_minute` on average, up to `burst` calls at once; so the least time `n` calls on one
key can take is `(n - burst) × 60 / per_minute` (`Limit.floor`), which is what a benchmark's floor
is made of.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limit:
    """At most `per_minute` calls a minute on average, `burst` of them back to back."""

    per_minute: float
    burst: int = 1

    @property
    def interval(self) -> float:
        """Seconds between calls at the average rate."""
        return 60.0 / self.per_minute

    def floor(self, calls: int) -> float:
        """The least time (s) from the first to the last of `calls` calls on one key."""
        return max(0, calls - self.burst) * self.interval


@dataclass
class RateLimits:
    """The fake's limits: `methods` per workspace token and method, `channel` per channel for chat.postMessage."""

    methods: dict[str, Limit] = field(default_factory=dict)
    channel: Limit | None = None
    clock: Callable[[], float] = time.monotonic  # tests pass their own, so nothing sleeps
    refused: list[Any] = field(default_factory=list)  # the calls answered 429, in order

    def __post_init__(self) -> None:
        self._next: dict[tuple[str, str], float] = {}  # key → theoretical arrival time of the next call
        self._lock = threading.Lock()

    def keys(self, method: str, token: str | None, channel: str | None) -> list[tuple[tuple[str, str], Limit]]:
        """The limits a call counts against."""
        found = []
        if method in self.methods:
            found.append(((token or "", method), self.methods[method]))
        if self.channel is not None and method == "chat.postMessage" and channel:
            found.append(((token or "", "#" + str(channel)), self.channel))
        return found

    def check(self, call: Any) -> int | None:
        """None when the call may go (and count it); else Slack's Retry-After in whole seconds."""
        keys = self.keys(call.method, call.token, call.args.get("channel"))
        with self._lock:
            now = self.clock()
            wait = max((self._wait(key, limit, now) for key, limit in keys), default=0.0)
            if wait > 0:
                self.refused.append(call)
                return max(1, math.ceil(wait))
            for key, limit in keys:
                self._next[key] = max(self._next.get(key, now), now) + limit.interval
        return None

    def _wait(self, key: tuple[str, str], limit: Limit, now: float) -> float:
        allowed_at = self._next.get(key, now) - (limit.burst - 1) * limit.interval
        return max(0.0, allowed_at - now)
