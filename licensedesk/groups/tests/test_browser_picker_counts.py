"""In a real browser: the group form's picker says "more than" when a broad search was counted
only so far (the API's capped count), and Show more still leads on to every match."""

import re

import pytest
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.groups.tests.test_browser_groups import Picker, registered
from licensedesk.licenses.api import LicensePages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_broad_search_shows_more_than_what_was_counted(
    page, live_server, screenshot, world, monkeypatch
):
    monkeypatch.setattr(LicensePages, "COUNT_CAP", 3)  # the picker asks for 20 rows a page
    for n in range(25):
        registered(world.org, description=f"Quay camera {n}")
    registered(world.org, description="Lobby")
    log_in(page, world.license_admin)
    page.goto(f"{live_server.url}/groups/new/")
    picker = Picker(page)
    picker.search_box.fill("quay camera")
    expect(picker.status).to_have_text(re.compile(r"^Showing 20 of more than 20\."))
    expect(picker.results).to_have_count(20)
    screenshot("group-picker-more-than")
    page.get_by_role("button", name="Show more").first.click()
    expect(picker.status).to_have_text(re.compile(r"^Showing 25 of 25\."))
    expect(picker.results).to_have_count(25)
    expect(page.locator("[data-picker-more]")).to_be_hidden()
