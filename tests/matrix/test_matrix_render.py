"""The grid on Matrix at the largest collaboration we design for (20 areas × 10 partners, long Swedish names,
full comments): one event the homeserver accepts (the Matrix spec caps an event at 65,536 bytes), a line per
area that names every partner's value."""

from __future__ import annotations

import json

from bot.matrix.render import render
from tests.teams.test_teams_render import wide_grid

EVENT_LIMIT = 65_536  # bytes of the whole event; the content must leave room for the envelope and signatures


def test_the_largest_grid_is_one_event_the_homeserver_accepts() -> None:
    content = render(wide_grid(20, 10)).content("m.text")
    size = len(json.dumps(content, ensure_ascii=False).encode("utf-8"))
    assert size < EVENT_LIMIT - 4_096, size
    body = content["body"]
    for area in range(20):
        assert f"Område {area} – Vällingby centrum och Råcksta gård" in body
    assert body.count("Part 9 ") == 20  # every area's line lists the tenth partner's value
