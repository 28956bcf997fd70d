"""What Slack refuses in a message or a view, checked in one place (the fake Slack and the size tests use it).

Slack counts text in UTF-16 code units. `msg_blocks_too_long` (slackapi/bolt-js issues 2509 and 2867)
is undocumented: about 12,000 units of block text; the rest is Block Kit's documented limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
SECTION_TEXT, HEADER_TEXT = 3000, 150
MESSAGE_TEXT = 12000
MESSAGE_BUDGET = 11000  # what our messages aim for: Slack's limit is undocumented, so stay below it
TABLE_ROWS, TABLE_CELLS = 100, 20
CONTEXT_ELEMENTS = 10


def units(text: str) -> int:
    """The length of a text as Slack counts it: UTF-16 code units (an emoji like 🟧 is two)."""
    return len(text.encode("utf-16-le")) // 2


def texts(node: object) -> Iterator[str]:
    """Every `text` string inside blocks: sections, fields, context elements, table cells, buttons."""
    if isinstance(node, list):
        for item in node:
            yield from texts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)


def block_units(blocks: list[dict]) -> int:
    """The block text of a message, in UTF-16 units."""
    return sum(units(text) for text in texts(blocks))


def _ids(node: object, key: str) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _ids(item, key)
    elif isinstance(node, dict):
        if isinstance(node.get(key), str):
            yield node[key]
        for value in node.values():
            yield from _ids(value, key)


def problems(blocks: list[dict] | None, *, view: bool = False) -> list[tuple[str, str]]:
    """(Slack's error code, what is wrong) for every limit the blocks break; empty when Slack would accept them."""
    blocks = blocks or []
    found: list[tuple[str, str]] = []
    limit = VIEW_BLOCKS if view else MESSAGE_BLOCKS
    if len(blocks) > limit:
        found.append(("invalid_blocks", f"{len(blocks)} blocks, at most {limit}"))
    tables = [b for b in blocks if b.get("type") == "table"]
    if tables and view:
        found.append(("invalid_blocks", "a table block in a view (tables are for messages)"))
    if len(tables) > 1:
        found.append(("invalid_blocks", f"{len(tables)} table blocks, at most 1"))
    for index, block in enumerate(blocks):
        kind, text = block.get("type"), (block.get("text") or {}).get("text", "")
        if kind == "section" and units(text) > SECTION_TEXT:
            found.append(("invalid_blocks", f"block {index}: section text of {units(text)}, at most {SECTION_TEXT}"))
        if kind == "header" and units(text) > HEADER_TEXT:
            found.append(("invalid_blocks", f"block {index}: header of {units(text)}, at most {HEADER_TEXT}"))
        if kind == "context" and len(block.get("elements", [])) > CONTEXT_ELEMENTS:
            found.append(("invalid_blocks", f"block {index}: context with more than {CONTEXT_ELEMENTS} elements"))
        if kind == "table":
            rows = block.get("rows", [])
            if len(rows) > TABLE_ROWS or any(len(row) > TABLE_CELLS for row in rows):
                found.append(("invalid_blocks", f"block {index}: table over {TABLE_ROWS} rows × {TABLE_CELLS} cells"))
    for key in ("block_id", "action_id"):
        twice = sorted(name for name, count in Counter(_ids(blocks, key)).items() if count > 1)
        if twice:
            found.append(("invalid_blocks", f"duplicate {key}: {', '.join(twice)}"))
    total = block_units(blocks)
    if not view and total > MESSAGE_TEXT:
        found.append(("msg_blocks_too_long", f"{total} UTF-16 units of block text, at most {MESSAGE_TEXT}"))
    return found
