"""Retention for insatser: the free texts (what, place, result) are blanked like comments; weeks and status stay."""

from __future__ import annotations

INSATS_TEXTS = ("insats.new", "insats.done", "insats.cancel", "insats.change")
_FREE_FIELDS = ("vad", "plats", "resultat")


def insats_audit_blank(action: str, subject: str, value: str) -> str | None:
    """What an audit row about an insats keeps once its texts are old: statuses, weeks and partners, not texts."""
    if action == "insats.change":
        return None if subject.rsplit(" ", 1)[-1] in _FREE_FIELDS else value
    if action in ("insats.done", "insats.cancel"):
        return value if value in ("planerad", "pågår", "klar", "avbruten") else None
    return None  # insats.new: what is done
