"""HTTP mode: a WSGI app (Slack at POST /slack/events, GET /healthz) served by gunicorn."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse

from bot.slack import request_gate

EVENTS_PATH = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")  # answered by Bolt when OAuth is configured
WEB_PREFIX = "/storbild"  # the web view (bot/web/)
log = logging.getLogger("veckolage.http")


def wsgi_app(app: App, web: Callable | None = None) -> Callable:
    """Route Slack requests to Bolt, the web view's paths (/storbild…) to `web`, and answer the health check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    secret = app._signing_secret  # noqa: SLF001 - Bolt keeps it; our door checks it before Bolt parses

    def events(environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Size, signature and shape first (bot/slack/request_gate.py); only then does Bolt see the request."""
        outcome, size = request_gate.check(environ, secret)
        if isinstance(outcome, request_gate.Refusal):
            log.info(request_gate.summary(environ, outcome, size))
            start_response(f"{outcome.status} {HTTPStatus(outcome.status).phrase}",
                           [("Content-Type", "application/json")])
            return [json.dumps({"error": outcome.reason}).encode()]
        request = WsgiHttpRequest(environ)
        answer = app.dispatch(BoltRequest(body=outcome.text, query=request.query_string,
                                          headers=request.get_headers()))
        response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        if path == EVENTS_PATH and method == "POST":
            return events(environ, start_response)
        if path in OAUTH_PATHS and app.oauth_flow and method == "GET":
            return slack(environ, start_response)
        if web is not None and (path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")):
            return web(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found\n"]

    return application


def web_only_app(web: Callable) -> Callable:
    """The web view alone (/storbild…) and the health check: for a collaboration on Teams or Matrix."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        if path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/"):
            return web(environ, start_response)
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
