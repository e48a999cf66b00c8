"""The dependency rules of DESIGN.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(folder: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


@pytest.mark.parametrize(
    "folder,forbidden",
    [
        ("handlers", ("aiogram", "twilio", "aiohttp", "bot")),
        ("storage", ("bot", "handlers", "jobs", "aiogram", "twilio", "aiohttp")),
    ],
)
def test_layer_does_not_import(folder: str, forbidden: tuple[str, ...]) -> None:
    leaks = [
        f"{where}: {module}"
        for where, module in imported_modules(folder)
        if module.split(".")[0] in forbidden
    ]
    assert not leaks, leaks
