"""The dependency rules of DESIGN.md, checked on the source of bot/, handlers/, jobs/ and
storage/: no import cycle of any kind, nothing reaches up (storage < handlers < jobs < bot), and
no channel library below bot/. The checker itself is tried on small trees made for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import problems

ROOT = Path(__file__).resolve().parent.parent


def test_the_project_keeps_its_layers_and_has_no_cycle() -> None:
    found = problems(ROOT)
    assert not found, "\n".join(found)


def tree(root: Path, files: dict[str, str]) -> Path:
    """A project of empty packages (one per layer) plus `files`."""
    for layer in ("storage", "handlers", "jobs", "bot"):
        (root / layer).mkdir(parents=True, exist_ok=True)
        (root / layer / "__init__.py").touch()
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    files = {
        "storage/models.py": "import sqlalchemy\n",
        "handlers/types.py": "from storage.models import User\n",
        "handlers/engine.py": "from handlers import types\nfrom . import types as again\n",
        "jobs/handover.py": "from handlers.engine import run\nfrom storage import models\n",
        "bot/app.py": "import aiogram\nfrom jobs import handover\nfrom handlers.engine import run\n",
    }
    assert problems(tree(tmp_path, files)) == []


def test_a_job_importing_the_bot_is_reported(tmp_path: Path) -> None:
    files = {"bot/app.py": "class App: ...\n", "jobs/digest.py": "\n\nfrom bot.app import App\n"}
    assert problems(tree(tmp_path, files)) == ["jobs.digest:3 imports bot.app: jobs may not import bot"]


@pytest.mark.parametrize(
    "source",
    [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import App\n",
        "def build():\n    import bot.app\n",
        "from ..bot import app\n",
    ],
    ids=["type-checking", "function-level", "relative"],
)
def test_reaching_up_is_reported_wherever_the_import_stands(tmp_path: Path, source: str) -> None:
    found = problems(tree(tmp_path, {"bot/app.py": "", "storage/db.py": source}))
    assert len(found) == 1 and "storage.db" in found[0] and "storage may not import bot" in found[0]


def test_a_cycle_between_two_handlers_modules_is_reported(tmp_path: Path) -> None:
    files = {
        "handlers/context.py": "from handlers.router import Router\n",
        "handlers/router.py": "from handlers.context import Ctx\n",
    }
    assert problems(tree(tmp_path, files)) == [
        "import cycle: handlers.context -> handlers.router -> handlers.context"
    ]


@pytest.mark.parametrize(
    "closing",
    [
        "def later():\n    from handlers import context\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from handlers.context import Ctx\n",
        "from .context import Ctx\n",
    ],
    ids=["function-level", "type-checking", "relative"],
)
def test_a_cycle_is_reported_however_it_is_closed(tmp_path: Path, closing: str) -> None:
    files = {
        "handlers/context.py": "from handlers.places import place_name\n",
        "handlers/places.py": "from handlers.router import Router\n",
        "handlers/router.py": closing,
    }
    assert problems(tree(tmp_path, files)) == [
        "import cycle: handlers.context -> handlers.places -> handlers.router -> handlers.context"
    ]


@pytest.mark.parametrize("library", ["aiogram", "twilio.rest", "aiohttp.web"])
def test_a_channel_library_below_the_bot_is_reported(tmp_path: Path, library: str) -> None:
    files = {"handlers/start.py": f"import {library}\n", "storage/db.py": f"from {library} import x\n"}
    found = sorted(problems(tree(tmp_path, files)))
    assert found == [
        f"handlers.start:1 imports {library}: a channel library, for bot/ alone",
        f"storage.db:1 imports {library}: a channel library, for bot/ alone",
    ]


def test_a_package_may_import_its_submodules_while_they_import_each_other(tmp_path: Path) -> None:
    files = {
        "handlers/reports/__init__.py": "from handlers.reports import draft, send\n",
        "handlers/reports/draft.py": "REPORT = 'report'\n",
        "handlers/reports/send.py": "from handlers.reports.draft import REPORT\nfrom .draft import REPORT\n",
    }
    assert problems(tree(tmp_path, files)) == []


def test_a_submodule_importing_its_packages_init_is_a_cycle(tmp_path: Path) -> None:
    files = {
        "handlers/reports/__init__.py": "from handlers.reports.send import send\nFLOW = 'report'\n",
        "handlers/reports/send.py": "from handlers.reports import FLOW\n",
    }
    assert problems(tree(tmp_path, files)) == [
        "import cycle: handlers.reports -> handlers.reports.send -> handlers.reports"
    ]
