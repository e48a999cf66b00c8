"""Debian's chromium driven by Playwright's sync API in a thread of its own: one browser for a
test module, while the async tests serve the page on 127.0.0.1 in their own event loop. Nothing
leaves the machine: map tiles are answered locally by a stand-in tile or refused."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PIL import Image

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TILES = "https://tile.openstreetmap.org/**"


def tile_png() -> bytes:
    """A stand-in map tile: pale green, so a screenshot shows where tiles were drawn."""
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (214, 232, 206)).save(out, "PNG")
    return out.getvalue()


class BrowserThread:
    def __init__(self) -> None:
        if shutil.which(CHROMIUM) is None:
            raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="chromium")
        self.pool.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

    def _stop(self) -> None:
        self.browser.close()
        self.playwright.stop()

    def close(self) -> None:
        self.pool.submit(self._stop).result()
        self.pool.shutdown()

    def new_page(self, *, tiles: bool = True, javascript: bool = True, locale: str = "en-US"):
        """A page in a fresh context; map tiles answered by the stand-in, or refused. The page
        records console errors (CSP reports among them) and uncaught script errors."""
        context = self.browser.new_context(
            viewport={"width": 1200, "height": 900}, java_script_enabled=javascript, locale=locale
        )
        png = tile_png()
        if tiles:
            context.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=png))
        else:
            context.route(TILES, lambda route: route.abort())
        page = context.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        return page

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(self, *args)` in the browser's thread while this loop goes on serving."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, self, *args)
