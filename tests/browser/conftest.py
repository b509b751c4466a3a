"""Browser tests: Debian's chromium driven by Playwright (pytest-playwright's `page`) against
pytest-django's live server.

No browser is ever downloaded: `make test` installs the system's chromium when it is missing
(CHROMIUM names another binary).

Playwright's synchronous API runs an event loop in the test's thread while it is started, and
Django refuses ORM calls beside a running loop. pytest-playwright keeps Playwright for the
whole session, which would break every database test after a browser test in the same
process, so here it lives for one test: started after the database fixtures (request `page`
after them), stopped before they are torn down.
"""

import os

import pytest
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
    }


@pytest.fixture
def playwright():
    with sync_playwright() as started:
        yield started


@pytest.fixture
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture
def browser_context_args(live_server):
    # The plugin's reads device presets from a session-long Playwright; none are used here.
    return {"base_url": live_server.url}
