"""A loopback Bot Framework for tests: OpenID metadata and a key set with a test RSA key, a token endpoint,
and the connector (send, reply, update, create a 1:1 conversation) recording what the bot sends.

It runs in a thread of its own: the Teams SDK fetches signing keys synchronously, from inside its event loop.
`token_for(...)` signs an inbound activity's token the way the Bot Framework does (issuer, audience = the
bot's client id, the activity's serviceurl claim), so requests go through the SDK's real validation;
`fail_next(status)` makes the connector answer 429/412/502/504 to the next calls.

It also plays the person's OneDrive for files: `upload_session(name)` is what Teams puts in a fileConsent/invoke
when the person accepts (an upload address on this fake), and the fake takes a PUT there as an upload session
does: the whole file in one request with a matching Content-Range, no Authorization header (the address is its
own authorisation), at most 60 MiB, once; `fail_next_upload(status)` makes it answer an error.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.loopback_fake import LoopbackFake

ISSUER = "https://api.botframework.com"  # the public cloud's issuer of connector tokens
KEY_ID = "veckolage-test-key"
TEST_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # a forger's key
# The bot's own token for the connector: a JWT, as Microsoft's are (the SDK reads its claims).
BOT_TOKEN = jwt.encode({"aud": "https://api.botframework.com", "iss": "https://login.example.test/tenant/",
                        "exp": int(time.time()) + 86_400}, TEST_KEY, algorithm="RS256")
_ACTIVITY = re.compile(r"^(?P<base>.*)/v3/conversations/(?P<conversation>[^/?]+)/activities(?:/(?P<activity>[^/?]+))?$")
_CREATE = re.compile(r"^(?P<base>.*)/v3/conversations$")
_UPLOAD = re.compile(r"^/upload/(?P<session>[0-9a-f]{32})$")
_RANGE = re.compile(r"^bytes (?P<first>\d+)-(?P<last>\d+)/(?P<total>\d+)$")
MAX_FRAGMENT = 60 * 1024 * 1024  # OneDrive: at most 60 MiB in one request of an upload session


@dataclass
class Sent:
    """One call the bot made to the connector."""

    method: str  # "send", "reply", "update", "create"
    conversation_id: str
    activity_id: str | None
    body: dict
    service_path: str  # the serviceUrl's path the call used (`/emea`)
    new_id: str | None = None  # the id the connector gave a new activity

    def attachments(self, content_type: str) -> list[dict]:
        """The activity's attachments of one type (a file consent card, a file info card)."""
        return [a for a in self.body.get("attachments") or [] if a.get("contentType") == content_type]

    def cards(self) -> list[dict]:
        """The Adaptive Cards the activity carried."""
        return [a["content"] for a in self.body.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    def texts(self) -> list[str]:
        """Every paragraph of the activity's cards, as a person reads it: a RichTextBlock's runs joined, a
        TextBlock's text (in order, tables row by row)."""
        out: list[str] = []

        def walk(node) -> None:
            if isinstance(node, dict):
                if node.get("type") == "RichTextBlock":
                    out.append("".join(run.get("text", "") for run in node.get("inlines", [])))
                    return
                if node.get("type") == "TextBlock":
                    out.append(node.get("text", ""))
                    return
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
        walk(self.cards())
        return out

    def text(self) -> str:
        """All the card text, a paragraph a line."""
        return "\n".join(self.texts())


@dataclass
class FakeBotFramework(LoopbackFake):
    """The fake: start() it, point TEAMS_OPENID_METADATA_URL, TEAMS_TOKEN_URL and serviceUrl at it."""

    client_id: str
    client_secret: str = "test-secret"
    sent: list[Sent] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    failures: list[tuple[int, float | None]] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)  # upload session → its uploadInfo
    uploads: dict[str, bytes] = field(default_factory=dict)  # file name → the bytes saved in "OneDrive"
    upload_failures: list[int] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.url}/tenant/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        return f"{self.url}/emea/"  # a path, as Teams' own (https://smba.trafficmanager.net/emea/)

    def fail_next(self, status: int, count: int = 1, retry_after: float | None = None) -> None:
        """The next `count` connector calls answer `status` (429, 412, 502, 504 …)."""
        self.failures += [(status, retry_after)] * count

    def fail_next_upload(self, status: int) -> None:
        """The next PUT to an upload session answers `status` (and saves nothing)."""
        self.upload_failures.append(status)

    def upload_session(self, name: str) -> dict:
        """A new upload session in the person's OneDrive, as the uploadInfo of an accepted fileConsent/invoke."""
        session = uuid.uuid4().hex
        info = {"contentUrl": f"{self.url}/files/{name}", "name": name, "uploadUrl": f"{self.url}/upload/{session}",
                "uniqueId": str(uuid.uuid4()).upper(), "fileType": name.rsplit(".", 1)[-1], "etag": "1"}
        self.sessions[session] = info
        return info

    def token_for(self, *, audience: str | None = None, service_url: str | None = None, key=TEST_KEY,
                  issuer: str = ISSUER, lifetime: int = 3600, kid: str = KEY_ID) -> str:
        """A connector token for an inbound activity, signed like the Bot Framework's."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience or self.client_id, "serviceurl": service_url or self.service_url,
                  "iat": now - 10, "nbf": now - 10, "exp": now + lifetime}
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def sent_by(self, method: str) -> list[Sent]:
        return [s for s in self.sent if s.method == method]

    def wait_for(self, condition, timeout: float = 30) -> bool:
        """Wait until `condition(sent)` holds (for a process that delivers in a thread of its own)."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(list(self.sent)), timeout)

    def _record(self, sent: Sent) -> None:
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()

    # --- HTTP ---

    def handle_GET(self, handler) -> None:
        if handler.path == "/v1/.well-known/openidconfiguration":
            self.send_json(handler, 200, {"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/.well-known/keys",
                                      "id_token_signing_alg_values_supported": ["RS256"]})
        elif handler.path == "/v1/.well-known/keys":
            key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(TEST_KEY.public_key()))
            self.send_json(handler, 200, {"keys": [{**key, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        else:
            self.send_json(handler, 404, {"error": "not found"})

    def handle_POST(self, handler) -> None:
        self._write(handler, "POST")

    def handle_PUT(self, handler) -> None:
        self._write(handler, "PUT")

    def _write(self, handler, verb: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        path = handler.path.split("?")[0]
        if match := _UPLOAD.match(path):
            self._upload(handler, verb, match["session"], raw)
            return
        if path == "/tenant/oauth2/v2.0/token":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            self.token_requests.append(form)
            if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
                self.send_json(handler, 401, {"error": "invalid_client"})
            else:
                self.send_json(handler, 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": BOT_TOKEN})
            return
        if handler.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            self.send_json(handler, 401, {"error": {"code": "Unauthorized"}})
            return
        if self.failures:
            status, retry_after = self.failures.pop(0)
            self.send_json(handler, status, {"error": {"code": "Throttled" if status == 429 else "ServiceError"}},
                       {"Retry-After": str(retry_after)} if retry_after is not None else None)
            return
        body = json.loads(raw or b"{}")
        if match := _CREATE.match(path):
            conversation = f"a:1on1-{uuid.uuid4().hex[:12]}"
            self._record(Sent("create", conversation, None, body, match["base"]))
            self.send_json(handler, 201, {"id": conversation})
            return
        match = _ACTIVITY.match(path)
        if not match:
            self.send_json(handler, 404, {"error": {"code": "NotFound"}})
            return
        if problem := _mention_problem(body):  # Teams refuses a card whose mention it cannot place
            self.send_json(handler, 400, {"error": {"code": "BadArgument", "message": problem}})
            return
        conversation, activity = unquote(match["conversation"]), match["activity"] and unquote(match["activity"])
        method = "update" if verb == "PUT" else "reply" if activity else "send"
        new_id = activity if method == "update" else f"act-{next(self._ids)}"
        self._record(Sent(method, conversation, activity, body, match["base"], new_id))
        self.send_json(handler, 200 if method == "update" else 201, {"id": new_id})

    def _upload(self, handler, verb: str, session: str, raw: bytes) -> None:
        """A PUT to an upload session, checked as OneDrive checks one (the whole file in one fragment)."""
        info = self.sessions.get(session)
        if verb != "PUT" or info is None:
            self.send_json(handler, 404 if info is None else 405, {"error": {"code": "itemNotFound"}})
            return
        if handler.headers.get("Authorization"):  # the address is pre-authenticated; a token is refused
            self.send_json(handler, 401, {"error": {"code": "unauthenticated"}})
            return
        byte_range = _RANGE.match(handler.headers.get("Content-Range") or "")
        if byte_range is None or int(byte_range["first"]) != 0 or int(byte_range["last"]) + 1 != len(raw) \
                or int(byte_range["total"]) != len(raw) or len(raw) == 0:
            self.send_json(handler, 400, {"error": {"code": "invalidRange"}})
            return
        if len(raw) > MAX_FRAGMENT:
            self.send_json(handler, 413, {"error": {"code": "requestTooLarge"}})
            return
        if self.upload_failures:
            self.send_json(handler, self.upload_failures.pop(0), {"error": {"code": "serviceNotAvailable"}})
            return
        del self.sessions[session]  # an upload session takes one file, once
        self.uploads[info["name"]] = raw
        with self._changed:
            self._changed.notify_all()
        self.send_json(handler, 201, {"id": info["uniqueId"], "name": info["name"], "size": len(raw), "file": {}})


def _mention_problem(activity: dict) -> str | None:
    """What is wrong with an Adaptive Card's mentions: each entity needs a person's id and a name, and its
    `<at>` text must stand in one of the card's TextBlocks (the only element Teams looks for mentions in)."""
    for attachment in activity.get("attachments") or []:
        content = attachment.get("content") or {}
        entities = (content.get("msteams") or {}).get("entities") if isinstance(content, dict) else None
        if not entities:
            continue
        texts = _text_blocks(content.get("body"))
        for entity in entities:
            mentioned = entity.get("mentioned") or {}
            if entity.get("type") != "mention" or not mentioned.get("id") or not mentioned.get("name"):
                return "a mention needs mentioned.id and mentioned.name"
            if not entity.get("text", "").startswith("<at>") or not any(entity["text"] in text for text in texts):
                return f"the mention {entity.get('text')!r} is in no TextBlock"
    return None


def _text_blocks(node) -> list[str]:
    """The text of every TextBlock under a node."""
    if isinstance(node, list):
        return [text for item in node for text in _text_blocks(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node.get("text", ""))] if node.get("type") == "TextBlock" else []
    return own + [text for value in node.values() for text in _text_blocks(value)]
