"""Every command refuses the same way (commands/core/refusals.py), and the usage it shows is its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HAND_WRITTEN = re.compile(r"""Notice\(\s*(kind\s*=\s*)?["']error["']""")


def test_no_refusal_is_written_by_hand() -> None:
    offenders = [str(p.relative_to(ROOT)) for package in ("bot", "commands") for p in (ROOT / package).rglob("*.py")
                 if p.name != "refusals.py" and HAND_WRITTEN.search(p.read_text())]
    assert offenders == []


def test_input_error_is_defined_once() -> None:
    defined = [p for package in ("bot", "commands") for p in (ROOT / package).rglob("*.py")
               if re.search(r"^class InputError\b", p.read_text(), re.M)]
    assert [p.relative_to(ROOT).as_posix() for p in defined] == ["commands/core/refusals.py"]


@pytest.mark.parametrize(("family", "text", "usage"), [
    ("veckolage", "Atlantis", "veckolage [vecka]"),
    ("handelse", "lista Atlantis", "handelse lista"),
    ("lage", "Atlantis 3", "lage [vecka] <område> <1-5> [kommentar]"),
])
def test_an_unknown_area_is_refused_with_the_commands_own_usage(chat, family, text, usage) -> None:
    reply = chat("U0POL1", f"/{family} {text}")
    assert reply.tone == "error"
    assert "Atlantis" in " ".join(map(str, reply.lines))
    assert reply.usage and reply.usage.startswith(usage)
