"""commands/ and storage/ know nothing about any chat platform, so each platform is an adapter, not a rewrite."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"slack_bolt", "slack_sdk", "nio", "microsoft_teams", "botbuilder", "mautrix"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_slack_or_the_bot() -> None:
    offenders = []
    for package in ("commands", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for name in imported_modules(path):
                if name.split(".")[0] in PLATFORMS | {"bot"}:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_storage_does_not_import_commands() -> None:
    offenders = [str(p) for p in (ROOT / "storage").rglob("*.py") if any(
        n.split(".")[0] == "commands" for n in imported_modules(p))]
    assert offenders == []


def test_sql_is_written_only_in_storage() -> None:
    """Handlers call query functions; no statement is built in commands/ or in an adapter's command path."""
    offenders = [f"{p.relative_to(ROOT)} imports {n}" for p in (ROOT / "commands").rglob("*.py")
                 for n in imported_modules(p) if n.split(".")[0] == "sqlalchemy"]
    assert offenders == []


def test_the_layout_has_no_import_cycle_between_cli_modules() -> None:
    """python -m bot's modes build on shared wiring; the maintenance commands never import the modes."""
    assert "bot.cli.entry" not in imported_modules(ROOT / "bot" / "cli" / "maintenance.py")
    assert "bot.cli.entry" not in imported_modules(ROOT / "bot" / "cli" / "wiring.py")
