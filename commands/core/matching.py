"""Matching what users type against names: case- and diacritics-insensitive, with suggestions."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


def sanitize(text: str, *, keep_controls: bool = False) -> str:
    """What a person typed, as the core takes it: no private-use or unassigned characters (the renderer's
    mention markers are private-use, so typed text can never become a mention) and, unless kept (files),
    no control characters but line breaks."""
    dropped = {"Co", "Cs", "Cn"} if keep_controls else {"Cc", "Co", "Cs", "Cn"}
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in dropped)


def fold(text: str) -> str:
    """`Hässelby  Gård` → `hasselby gard`: no case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", stripped.casefold()).strip()


@functools.lru_cache(maxsize=256)
def _folded(names: tuple[str, ...]) -> dict[str, str]:
    """Folded name → name; the configured names are matched on every report, so fold them once."""
    return {fold(name): name for name in names}


@dataclass(frozen=True)
class NameMatch:
    """The outcome of matching: one name found, or candidates to offer the user."""

    found: str | None = None
    candidates: tuple[str, ...] = field(default_factory=tuple)  # "menade du …?" when nothing was found
    ambiguous: bool = False  # the text starts several names (rather than resembling some)


def match_name(query: str, names: Sequence[str]) -> NameMatch:
    """Exact (folded) match, else a unique prefix, else the closest names as suggestions."""
    wanted = fold(query)
    if not wanted:
        return NameMatch()
    folded = _folded(tuple(names))
    if wanted in folded:
        return NameMatch(found=folded[wanted])
    prefixed = [name for key, name in folded.items() if key.startswith(wanted) or _word_prefix(wanted, key)]
    if len(prefixed) == 1:
        return NameMatch(found=prefixed[0])
    if prefixed:
        return NameMatch(candidates=tuple(prefixed), ambiguous=True)
    close = difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.6)
    return NameMatch(candidates=tuple(folded[key] for key in close))


def _word_prefix(wanted: str, key: str) -> bool:
    """`hass g` matches `hasselby gard`: every typed word starts the name's word at that place."""
    typed, words = wanted.split(), key.split()
    return len(typed) == len(words) and all(word.startswith(part) for part, word in zip(typed, words, strict=True))


_PLAIN_NUMBER = re.compile(r"[0-9]{1,9}")


def plain_int(text: str) -> int | None:
    """A whole number written with ASCII digits (not `²` or `①`, not thousands of digits), else None."""
    return int(text) if _PLAIN_NUMBER.fullmatch(text) else None


def same_name(a: str, b: str) -> bool:
    """Two names people would call the same (case, diacritics and spacing aside)."""
    return fold(a) == fold(b)
