"""Disabled buttons look disabled in a real browser: every variant (plain, primary, danger,
danger primary, link; <button>, <a class="button">, <input type=submit>), disabled by the
attribute or by aria-disabled, hovered or not, is drawn in the disabled grey and shows the
not-allowed cursor, and an aria-disabled link-button takes no clicks."""

import pytest
from playwright.sync_api import Page

from tenants.models import Role
from tests.browser.test_pages_under_csp import _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory

DISABLED_GREY = "rgb(233, 236, 240)"  # #e9ecf0 in static/css/app.css
VARIANTS = ["", "primary", "danger", "danger primary", "secondary"]


@pytest.fixture
def signed_in_world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    return tenant


def _buttons_html() -> str:
    parts = []
    for n, variant in enumerate(VARIANTS):
        parts += [
            f'<button type="button" class="{variant}" disabled data-probe="b{n}">B</button>',
            f'<button type="button" class="{variant}" aria-disabled="true" data-probe="ba{n}">'
            "B</button>",
            f'<a class="button {variant}" aria-disabled="true" href="#x" data-probe="a{n}">A</a>',
            f'<input type="submit" class="{variant}" disabled value="I" data-probe="i{n}">',
        ]
    return "".join(parts)


def _style(page: Page, probe: str) -> dict:
    return page.evaluate(
        """(probe) => {
            const style = getComputedStyle(document.querySelector(`[data-probe="${probe}"]`));
            return {background: style.backgroundColor, cursor: style.cursor};
        }""",
        probe,
    )


def test_every_disabled_button_looks_disabled_hovered_or_not(
    live_server, signed_in_world, page: Page
):
    _sign_in(page, live_server.url)
    # Injected through the debugging protocol, which the page's CSP does not govern.
    page.evaluate(
        "(html) => { const box = document.createElement('div'); box.id = 'probes';"
        " box.innerHTML = html; document.querySelector('main').prepend(box); }",
        _buttons_html(),
    )
    probes = page.evaluate(
        "() => [...document.querySelectorAll('[data-probe]')].map((e) => e.dataset.probe)"
    )
    assert len(probes) == 4 * len(VARIANTS)
    for probe in probes:
        assert _style(page, probe) == {"background": DISABLED_GREY, "cursor": "not-allowed"}, probe
        # Hovered: no variant's hover colour comes back (the mouse is moved over it by the
        # browser, not by a click, so aria-disabled ones that ignore the pointer count too).
        box = page.locator(f'[data-probe="{probe}"]').bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert _style(page, probe)["background"] == DISABLED_GREY, f"{probe} hovered"
    link = page.locator('[data-probe="a0"]')
    link.click(force=True)
    assert not page.url.endswith("#x")
