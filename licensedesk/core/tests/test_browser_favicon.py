"""In a real browser: the icon every page links, and /favicon.ico that browsers ask for on
their own, are both served (no 404 on any page)."""

import pytest
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_icon_is_linked_and_served(page, live_server, screenshot, world):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    log_in(page, world.license_user)
    page.goto("/licenses/")
    icons = page.locator("link[rel=icon]")
    expect(icons).to_have_count(2)
    for href in icons.evaluate_all("(links) => links.map((link) => link.href)"):
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith("image/"), href
    direct = page.request.get("/favicon.ico")
    assert direct.status == 200
    assert direct.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert missing == []
    page.set_content(
        "".join(
            f'<img src="{live_server.url}/static/licensedesk/favicon.{kind}" width="64">'
            for kind in ("svg", "ico")
        )
    )
    expect(page.locator("img").nth(1)).to_have_js_property("complete", True)
    screenshot("favicon")
