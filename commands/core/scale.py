"""The 1–5 lägesbild scale (Stockholm lägesbild, Tabell 1): data, not code, so it can be replaced."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One step of the scale with how every surface shows it."""

    number: int
    name: str
    meaning: str
    emoji: str
    hex: str
    ansi: str  # background colour for terminals (256-colour code)
    marker: str = ""  # an extra sign beside the number, so the top level never relies on colour


SCALE: tuple[Level, ...] = (
    Level(1, "Normalt läge", "inga eller enstaka lindriga händelser", "🟩", "#2e9e44", "48;5;34"),
    Level(2, "Avvikande läge", "flera lindriga eller enstaka oroande händelser", "🟨", "#f2c200", "48;5;220"),
    Level(3, "Oroande läge", "flera oroande eller enstaka allvarliga händelser", "🟧", "#f07d00", "48;5;208"),
    Level(4, "Allvarligt läge", "flera allvarliga händelser", "🟥", "#d7191c", "48;5;160"),
    Level(5, "Kritiskt läge", "t.ex. skjutningar och sprängningar", "🟪", "#5b1a8c", "48;5;54", "‼"),
)
MISSING_EMOJI = "⬜"
MISSING_MARK = "–"
LOWEST, HIGHEST = SCALE[0].number, SCALE[-1].number


def level(number: int) -> Level:
    """The scale step for a number; raises ValueError outside the scale."""
    for step in SCALE:
        if step.number == number:
            return step
    raise ValueError(f"level {number} is not on the scale")


def is_level(number: int) -> bool:
    """True when the number is a step of the scale."""
    return LOWEST <= number <= HIGHEST
