"""Area names are matched without case or diacritics, with "menade du …?" for near misses."""

from __future__ import annotations

import pytest

from commands.core.matching import fold, match_name

AREAS = ["Hässelby gård", "Hässelby strand", "Hässelby villastad", "Vällingby", "Grimsta", "Kälvesta"]


def test_fold() -> None:
    assert fold("  Hässelby   Gård ") == "hasselby gard"
    assert fold("Ä-Ö_å") == "a o a"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("hasselby gard", "Hässelby gård"),
        ("HÄSSELBY GÅRD", "Hässelby gård"),
        ("vallingby", "Vällingby"),
        ("vall", "Vällingby"),  # a unique beginning
        ("hass strand", "Hässelby strand"),  # each word's beginning
        ("kalvesta", "Kälvesta"),
    ],
)
def test_found(typed: str, found: str) -> None:
    assert match_name(typed, AREAS).found == found


def test_ambiguous_lists_the_candidates() -> None:
    result = match_name("hässelby", AREAS)
    assert result.found is None and result.ambiguous
    assert result.candidates == ("Hässelby gård", "Hässelby strand", "Hässelby villastad")


def test_typo_suggests() -> None:
    result = match_name("vallingbi", AREAS)
    assert result.found is None and not result.ambiguous
    assert result.candidates == ("Vällingby",)


def test_unknown_has_no_candidates() -> None:
    assert match_name("Rinkeby", AREAS).candidates == ()
    assert match_name("", AREAS).found is None
