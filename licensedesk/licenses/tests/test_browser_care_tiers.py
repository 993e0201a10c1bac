"""In a real browser: a partner finds the licenses whose Care Premium ends soon, sorts by it,
and reads both tiers side by side on the license page (also at phone size)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from licensedesk.care.services import add_period
from licensedesk.care.status import today
from licensedesk.core.tests.browser import log_in
from licensedesk.licenses.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tiered(world):
    soon, later = today() + timedelta(days=20), today() + timedelta(days=300)
    both = factories.registered(world.org, description="Both tiers")
    add_period(both, "Plus", later)
    add_period(both, "Premium", soon)
    plus_only = factories.registered(world.org, description="Plus only")
    add_period(plus_only, "Plus", soon)
    factories.registered(world.other_org, care_level="Premium", care_ends_on=soon)
    return both, plus_only


def test_a_partner_finds_care_premium_ending_soon(page, world, tiered, screenshot):
    both, plus_only = tiered
    log_in(page, world.license_admin)
    page.goto("/licenses/")
    page.get_by_label("Care status").select_option("ending")
    page.get_by_label("Care tier").select_option("premium")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#license-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(both.code)
    screenshot("licenses-care-premium-ending")

    page.get_by_role("link", name="Care Premium").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text("Care Premium ▲")
    expect(rows).to_have_count(1)

    page.get_by_role("link", name=both.code).click()
    facts = page.locator("dl.care-tiers")
    expect(facts).to_contain_text("Care Plus")
    expect(facts).to_contain_text("Care Premium")
    expect(facts.locator(".badge.warn")).to_have_text("Ends within 90 days")
    expect(facts.locator(".badge.ok")).to_have_text("Active")
    screenshot("license-care-tiers")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/licenses/?ordering=care_plus_end")
    expect(page.locator('td[data-label="Care Premium"]').first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("licenses-care-tiers-phone")
