"""A real Synapse homeserver on 127.0.0.1 for the Matrix tests: a process of its own (AGPL: run, never imported).

Minimal configuration (docs: PLATFORMS.md): the client listener only, SQLite, no federation key servers,
presence off, a registration shared secret for creating users, rate limits raised except where a test
lowers them itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVER_NAME = "test.local"
SECRET = "veckolage-test-registration-secret"
_LIMIT = {"per_second": 10000, "burst_count": 10000}


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config(directory: Path, port: int) -> str:
    """homeserver.yaml (JSON is YAML) for a throwaway server in `directory`."""
    return json.dumps({
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                       "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "log_config": str(directory / "log.yaml"),
        "report_stats": False,
        "trusted_key_servers": [],
        "federation_domain_whitelist": [],  # never reach out: people on other servers are ids in the set-up only
        "suppress_key_server_warning": True,
        "presence": {"enabled": False},
        "enable_registration": False,
        "registration_shared_secret": SECRET,
        "macaroon_secret_key": "veckolage-test-macaroon",
        "form_secret": "veckolage-test-form",
        "enable_metrics": False,
        "url_preview_enabled": False,
        "rc_message": _LIMIT, "rc_registration": _LIMIT, "rc_joins": {"local": _LIMIT, "remote": _LIMIT},
        "rc_login": {"address": _LIMIT, "account": _LIMIT, "failed_attempts": _LIMIT},
        "rc_admin_redaction": _LIMIT, "rc_invites": {"per_room": _LIMIT, "per_user": _LIMIT, "per_issuer": _LIMIT},
        "rc_3pid_validation": _LIMIT, "rc_joins_per_room": _LIMIT, "rc_presence": {"per_user": _LIMIT},
        "rc_delayed_event_mgmt": _LIMIT, "rc_room_creation": _LIMIT, "rc_reports": _LIMIT,
        "rc_media_create": _LIMIT, "rc_key_requests": _LIMIT,
    })


LOG_YAML = """version: 1
formatters: {plain: {format: '%(asctime)s %(levelname)s %(name)s %(message)s'}}
handlers: {file: {class: logging.FileHandler, formatter: plain, filename: 'LOGFILE'}}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
"""


@dataclass
class Synapse:
    """A running homeserver: its URL, and users made through the shared-secret registration."""

    url: str
    directory: Path
    process: subprocess.Popen

    @staticmethod
    def password(user_id: str) -> str:
        """A registered user's password (a login makes a new device: a client with its own encryption keys)."""
        return f"pw-{user_id[1:].split(':', 1)[0]}"

    def register(self, localpart: str, *, admin: bool = False) -> tuple[str, str]:
        """A new user (user id, access token) through /_synapse/admin/v1/register."""
        nonce = self._call("GET", "/_synapse/admin/v1/register")["nonce"]
        password = f"pw-{localpart}"
        mac = hmac.new(SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        answer = self._call("POST", "/_synapse/admin/v1/register", {
            "nonce": nonce, "username": localpart, "password": password, "admin": admin, "mac": mac.hexdigest()})
        return answer["user_id"], answer["access_token"]

    def _call(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def stop(self) -> None:
        """Stop the server process (its own process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def start(directory: Path, *, timeout: float = 60.0) -> Synapse:
    """Generate keys, start Synapse and wait until its client API answers."""
    port = free_port()
    path = directory / "homeserver.yaml"
    path.write_text(config(directory, port))
    (directory / "log.yaml").write_text(LOG_YAML.replace("LOGFILE", str(directory / "homeserver.log")))
    base = [sys.executable, "-m", "synapse.app.homeserver", "--config-path", str(path)]
    subprocess.run([*base, "--generate-keys"], check=True, cwd=directory, capture_output=True, timeout=120)
    output = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(base, cwd=directory, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    server = Synapse(f"http://127.0.0.1:{port}", directory, process)
    deadline = time.monotonic() + timeout
    while True:  # the server's readiness is only observable by asking it; each try is a real request
        try:
            server._call("GET", "/_matrix/client/versions")
            return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                log = (directory / "stdout.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"Synapse did not start:\n{log}") from None
            time.sleep(0.1)
