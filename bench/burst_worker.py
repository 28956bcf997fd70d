"""One delivery process of the burst benchmark: the production OutboxThread, each team with its own token.

`python bench/burst_worker.py DATABASE_URL SLACK_API_URL NAME`: prints "ready" once delivering and stops
on SIGTERM (finishing the delivery in hand).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(url: str, api_url: str, name: str) -> int:
    """Deliver until told to stop."""
    from slack_sdk import WebClient

    from bot.jobs.outbox_worker import Deliverer, OutboxThread
    from bot.slack.app import utc_now
    from storage.db import make_engine

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("veckolage").setLevel(logging.ERROR)  # 429s are counted by the fake, not logged here
    clients: dict[str, WebClient] = {}

    def client_for(team: str) -> WebClient:
        if team not in clients:
            clients[team] = WebClient(token=f"xoxb-{team}", base_url=api_url, timeout=10, retry_handlers=[])
        return clients[team]

    engine = make_engine(url, pool_size=2)
    deliverer = Deliverer(engine, None, clock=utc_now, client_for=client_for, worker_id=name)
    # No wake-up crosses processes: a short idle wait stands in for it (rows another process postponed).
    thread = OutboxThread(deliverer, idle_seconds=0.2).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    thread.stop(timeout=15)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
