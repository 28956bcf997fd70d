"""HTTP mode: a WSGI app (Slack at POST /slack/events, GET /healthz) served by gunicorn."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")  # answered by Bolt when OAuth is configured


def wsgi_app(app: App) -> Callable:
    """Route Slack requests to Bolt and answer the health check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        if (path == EVENTS_PATH and method == "POST") or (path in OAUTH_PATHS and app.oauth_flow and method == "GET"):
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found\n"]

    return application


def serve(build: Callable[[], Callable], *, host: str, port: int, threads: int = 8) -> None:
    """Run the WSGI app that `build` makes under gunicorn (one worker process, threads), built in the worker."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}", "workers": 1, "threads": threads, "worker_class": "gthread",
                "timeout": 30, "graceful_timeout": 10, "accesslog": None, "errorlog": "-", "loglevel": "info",
            }.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn ≥ 24: no shared socket in $HOME
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Callable:
            return build()

    Server().run()
