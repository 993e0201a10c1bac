"""Pytest plugin for the browser tests: a real (headless) Chromium driven by Playwright's sync
API against pytest-django's `live_server`.

Fixtures:
  browser     one Chromium for the whole session
  page        a fresh context and page per test, with `base_url` set to the live server, so
              `page.goto("/accounts/login/")` works
  new_page    new_page() -> another page in its own context (a second person, its own cookies)
  screenshot  screenshot(name, page=None) saves test-artifacts/screenshots/<name>.png

A test that fails leaves a full-page screenshot in test-artifacts/screenshots/failed/.

Browser tests are marked `@pytest.mark.browser` and `@pytest.mark.django_db(transaction=True)`
(the live server runs in another thread and must see the test's data).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, and the tests also use the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("LICENSEDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def screenshot_dir(config) -> Path:
    path = Path(config.rootpath) / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a page in a new browser context (no shared cookies) on the live server."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_page):
    page = new_page()
    yield page
    report = getattr(request.node, "_browser_report_call", None)
    if report is not None and report.failed and not page.is_closed():
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        target = screenshot_dir(request.config) / "failed" / f"{name}.png"
        target.parent.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):  # it must never hide the real failure
            page.screenshot(path=str(target), full_page=True)


@pytest.fixture
def screenshot(request, page):
    """screenshot(name, page=None): save test-artifacts/screenshots/<name>.png (full page)."""
    folder = screenshot_dir(request.config)

    def take(name: str, of=None) -> Path:
        target = folder / f"{name}.png"
        (of or page).screenshot(path=str(target), full_page=True)
        return target

    return take


def log_in(page, user, password=None):
    """Log `user` in through the login form and wait for their dashboard."""
    from playwright.sync_api import expect

    from conftest import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {user.first_name}")).to_be_visible()
