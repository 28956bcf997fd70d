"""The Matrix settings from the environment, checked once; every problem named together, in Swedish."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.settings import SettingsError
from commands.core.identity import MATRIX, person
from commands.core.texts import t

REQUIRED = ("MATRIX_HOMESERVER", "MATRIX_USER_ID")


def default_store_path(env: Mapping[str, str]) -> str:
    """Where the sync position (and, later, encryption keys) is kept: the user's state directory, never
    the checkout."""
    home = (env.get("HOME") or "").strip() or str(Path.home())
    base = (env.get("XDG_STATE_HOME") or "").strip() or str(Path(home) / ".local" / "state")
    return str(Path(base) / "veckolage" / "matrix")


@dataclass(frozen=True)
class MatrixSettings:
    """How to reach the homeserver and as whom."""

    homeserver: str
    user_id: str
    access_token: str | None
    password: str | None
    device_id: str | None
    store_path: str

    @property
    def server_name(self) -> str:
        """The bot's server name (`kommun.se` of `@veckolage:kommun.se`): the collaboration's team key."""
        return self.user_id.split(":", 1)[1]

    def __repr__(self) -> str:  # never print secrets, not even in a traceback
        return f"MatrixSettings(homeserver={self.homeserver!r}, user={self.user_id!r})"


def load_matrix_settings(env: Mapping[str, str]) -> MatrixSettings:
    """Read and check the MATRIX_* variables; raises SettingsError naming every missing or wrong one."""
    get = lambda name: (env.get(name) or "").strip() or None  # noqa: E731
    missing = [name for name in REQUIRED if not get(name)]
    if not (get("MATRIX_ACCESS_TOKEN") or get("MATRIX_PASSWORD")):
        missing.append("MATRIX_ACCESS_TOKEN (eller MATRIX_PASSWORD)")
    if missing:
        raise SettingsError([t("matrix.settings.missing", missing=", ".join(missing))])
    problems = []
    for name in ("MATRIX_HOMESERVER", "MATRIX_USER_ID", "MATRIX_ACCESS_TOKEN", "MATRIX_PASSWORD"):
        value = get(name) or ""
        if "..." in value or "…" in value:  # .env copied from .env.example and not filled in
            problems.append(t("matrix.settings.placeholder", name=name, value=value))
    homeserver = get("MATRIX_HOMESERVER").rstrip("/")
    if not homeserver.startswith(("https://", "http://")) or len(homeserver.split("://", 1)[1]) < 1:
        problems.append(t("matrix.settings.homeserver", value=homeserver))
    user = person(get("MATRIX_USER_ID"))
    if user is None or user.platform != MATRIX:
        problems.append(t("matrix.settings.user_id", value=get("MATRIX_USER_ID")))
    store = get("MATRIX_STORE_PATH") or default_store_path(env)
    if os.path.exists(store) and not os.path.isdir(store):
        problems.append(t("matrix.settings.store_path", value=store))
    if problems:
        raise SettingsError(problems)
    return MatrixSettings(homeserver=homeserver, user_id=user.id, access_token=get("MATRIX_ACCESS_TOKEN"),
                          password=get("MATRIX_PASSWORD"), device_id=get("MATRIX_DEVICE_ID"), store_path=store)
