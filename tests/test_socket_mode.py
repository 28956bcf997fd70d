"""Socket Mode as a real process: `python -m bot socket` gets its websocket URL from the fake Slack's
`apps.connections.open` and connects to a loopback websocket server, which plays Slack: it says hello,
sends a slash command and reads the ack. The alert then goes out on its own."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import ServerConnection, serve

from tests.test_processes import alert_keys, fake, place, running  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e


class SocketModeSlack:
    """Slack's side of a Socket Mode connection on 127.0.0.1."""

    def __init__(self) -> None:
        self.acks: list[dict] = []
        self._seen = threading.Condition()
        self._connection: ServerConnection | None = None
        self._server = serve(self._session, "127.0.0.1", 0)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=test"

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                                    "connection_info": {"app_id": "A0TEST"}}))
        with self._seen:
            self._connection = connection
            self._seen.notify_all()
        for message in connection:
            with self._seen:
                self.acks.append(json.loads(message))
                self._seen.notify_all()

    def send(self, envelope: dict, timeout: float = 30) -> dict:
        """Send an envelope once the bot is connected; return the bot's ack for it."""
        with self._seen:
            assert self._seen.wait_for(lambda: self._connection is not None, timeout), "the bot never connected"
        self._connection.send(json.dumps(envelope))
        with self._seen:
            assert self._seen.wait_for(lambda: any(a.get("envelope_id") == envelope["envelope_id"]
                                                   for a in self.acks), timeout), "no ack"
            return next(a for a in self.acks if a.get("envelope_id") == envelope["envelope_id"])

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def socket_slack() -> Iterator[SocketModeSlack]:
    server = SocketModeSlack()
    yield server
    server.close()


def test_socket_mode_acks_a_report_and_the_alert_goes_out_on_its_own(place, fake, socket_slack) -> None:  # noqa: F811
    fake.respond_with("apps.connections.open", {"url": socket_slack.url})
    command = {"token": "unused", "team_id": "T0001", "team_domain": "test", "channel_id": "C0E2E",
               "channel_name": "test", "user_id": "U0POL1", "user_name": "u0pol1", "command": "/handelse",
               "text": "Vällingby skjutning via socket", "api_app_id": "A0TEST", "trigger_id": "T-socket",
               "response_url": fake.response_url()}
    with running("socket", place, fake, SLACK_APP_TOKEN="xapp-test"):
        ack = socket_slack.send({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                                 "payload": command})
        fake.wait_for(lambda f: alert_keys(f), timeout=20)
    assert "Händelse #1 registrerad" in json.dumps(ack.get("payload"), ensure_ascii=False)
    assert alert_keys(fake) == ["alert.post:1"]
    (opened,) = fake.calls_to("apps.connections.open")
    assert opened.token == "xapp-test"
