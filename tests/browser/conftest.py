"""Browser fixtures: the backend and the demo shop on loopback, and a real Chromium (Playwright)."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import dataclasses
import io
import logging
import os
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from shareback.app import create_app
from shareback.bootstrap import bootstrap
from shareback.settings import Secrets, Settings
from shareback.shop.app import ShopConfig, create_shop_app
from shareback.storage import open_store
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from support import LiveServer, free_port

from .browser_support import Demo

CHROMIUM = os.environ.get("SHAREBACK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def host_site(pages: dict[str, str]) -> Starlette:
    async def show_page(request: Request) -> Response:
        page = pages.get(request.url.path)
        if page is None:
            return HTMLResponse("no such page", status_code=404)
        return HTMLResponse(page)

    return Starlette(routes=[Route("/{path:path}", show_page)])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: once the session's sync_playwright has started, an asyncio loop
    stays running on the main thread, and every later asyncio.run() would fail."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: run scripts/install-test-deps (apt-get install chromium)")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def demo(database_url: str, request: pytest.FixtureRequest) -> Iterator[Demo]:
    """Backend and shop exactly as `shareback demo` wires them, each on its own free port.

    (Pages fulfilled by page.route would not do as host pages: Chromium treats them as
    public and blocks their requests to the loopback backend, Local Network Access.)
    """
    backend_port, shop_port, host_port = free_port(), free_port(), free_port()
    backend, shop = f"http://127.0.0.1:{backend_port}", f"http://127.0.0.1:{shop_port}"
    host = f"http://127.0.0.1:{host_port}"
    settings = Settings(
        database_url=database_url,
        public_url=backend,
        landing_url=f"{shop}/",
        allowed_origins=(shop, host),
        shop_name="Brandpunt Koffie",
        webhook_secrets=("whsec_" + base64.b64encode(os.urandom(32)).decode(),),
        allow_http_endpoints=True,  # the receivers and callbacks are plain http:// on loopback
    )

    async def prepare() -> Secrets:
        store = await open_store(settings.database_url)
        try:
            return await bootstrap(store, settings)
        finally:
            await store.close()

    # Playwright's sync API keeps an event loop running on this thread: bootstrap on another.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        secrets = pool.submit(lambda: asyncio.run(prepare())).result()
    shop_app = create_shop_app(
        ShopConfig(
            backend_url=backend,
            webhook_secret=secrets.webhook_secret,
            identity_secret=secrets.identity_secret,
        )
    )
    backend_server = LiveServer(create_app(settings), port=backend_port)
    shop_server = LiveServer(shop_app, port=shop_port)
    host_pages: dict[str, str] = {}
    host_server = LiveServer(host_site(host_pages), port=host_port)
    with server_log() as log, contextlib.ExitStack() as running:
        request.node.stash[SERVER_LOG] = log
        for server in (backend_server, shop_server, host_server):
            try:
                running.enter_context(server)
            except RuntimeError as exc:
                pytest.fail(f"{exc}; the servers' log:\n{log.getvalue()}")
        yield Demo(backend, shop, dataclasses.replace(settings), secrets, host, host_pages)


SERVER_LOG = pytest.StashKey[io.StringIO]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing browser test shows what the backend and the shop logged meanwhile."""
    report = yield
    log = item.stash.get(SERVER_LOG, None)
    if report.failed and log is not None and log.getvalue():
        report.sections.append(("servers' log", log.getvalue()))
    return report


@contextlib.contextmanager
def server_log() -> Iterator[io.StringIO]:
    """Collects what uvicorn, the backend and the shop log (errors, tracebacks) while it is open."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # uvicorn's loggers (tracebacks go to uvicorn.error) do not propagate to the root logger.
    loggers = [logging.getLogger(name) for name in ("", "uvicorn")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield buffer
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Makes more contexts (the friend's browser, English, high-DPI for screenshots), closed after."""
    made: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        settings: dict[str, object] = {
            "locale": "nl-NL",
            "viewport": {"width": 1280, "height": 900},
        }
        settings.update(options)
        ctx = browser.new_context(**settings)  # type: ignore[arg-type]
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()
