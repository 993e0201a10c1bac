"""In a real browser: a License Admin enables monitoring and the token box names one server
address, the configured base URL, in the report URL and in the client's command line."""

import re

import pytest
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.monitoring.tests.helpers import installation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_URL = "https://licenses.northwind.example"


def test_the_token_box_names_the_configured_address_on_both_lines(
    page, live_server, screenshot, world, settings
):
    settings.BASE_URL = BASE_URL
    inst = installation(world.org, hostname="vms-harbour")
    log_in(page, world.license_admin)
    page.goto(f"/installations/{inst.pk}/")
    page.get_by_role("button", name="Enable monitoring").click()

    box = page.get_by_role("status").filter(has_text="Monitoring token for this installation")
    expect(box.locator("#new-token")).to_have_text(re.compile(r"^ldmon_"))
    help_text = box.locator(".help")
    expect(help_text).to_contain_text(f"POST {BASE_URL}/api/v1/installations/{inst.pk}/status")
    expect(help_text).to_contain_text(f"--server {BASE_URL} --token")
    expect(help_text).not_to_contain_text("127.0.0.1")
    expect(help_text).not_to_contain_text("localhost")
    screenshot("monitoring-token-one-address")
