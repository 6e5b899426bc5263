import shutil

import pytest

from tests.adoption.conftest import foreign_case  # noqa: F401  (fixture)
from tests.registry.conftest import days_ago, make_child  # noqa: F401  (fixtures)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def make_child_web(make_child):  # noqa: F811
    return make_child


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; only for the browser tests (never in deployment: async.E001)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # The queries a test makes while Playwright's event loop runs in this thread get connections
        # of their own (asgiref's Local keeps a running loop's apart from the thread's): closed here,
        # or they outlive the test and the test database cannot be dropped at the end of the session.
        from django.db import connections

        connections.close_all()
