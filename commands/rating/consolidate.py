"""Consolidation (PRODUCT.md): fastställd value, else the highest partner rating; ≥ 5 on a critical event."""

from __future__ import annotations

from collections.abc import Iterable

from commands.core.scale import HIGHEST

DISAGREEMENT_GAP = 2


def consolidate(ratings: Iterable[int], *, agreed: int | None, critical: bool = False) -> int | None:
    """The area-week's consolidated value; None when nobody has assessed it."""
    levels = list(ratings)
    value = agreed if agreed is not None else (max(levels) if levels else None)
    if critical:
        value = max(value or HIGHEST, HIGHEST)
    return value


def disagreement(ratings: Iterable[int]) -> bool:
    """True when partners are two or more levels apart."""
    levels = list(ratings)
    return bool(levels) and max(levels) - min(levels) >= DISAGREEMENT_GAP
