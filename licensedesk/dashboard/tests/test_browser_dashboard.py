"""In a real browser: the Dashboard as each role, its numbers leading to the lists behind
them; and the demo company's Dashboard, the README's screenshot."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from licensedesk.accounts.models import User
from licensedesk.core.demo import DEMO_PASSWORD
from licensedesk.core.tests.browser import log_in, screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tile(page, label):
    return page.locator("a.card.stat", has_text=label)


def test_the_company_admin_follows_a_number_to_its_list(
    page, world, ours, theirs, invited, screenshot
):
    log_in(page, world.company_admin)
    expect(tile(page, "registered").first.locator(".num")).to_have_text("5")
    expect(tile(page, "Critical").locator(".num")).to_have_text("1")
    expect(tile(page, "invited, not yet active").locator(".num")).to_have_text("1")
    expect(page.get_by_role("link", name="vms-critical-0")).to_be_visible()
    screenshot("dashboard-company-admin")

    page.get_by_role("link", name="Care Premium ended in the last 90 days: renew: 1").click()
    expect(page.get_by_role("heading", name="Licenses")).to_be_visible()
    expect(page.locator("#license-table tbody tr")).to_have_count(1)
    expect(page.locator(".filter-note")).to_contain_text("whose Care Premium ends on or after")
    expect(page.get_by_label("Care tier")).to_have_value("premium")
    screenshot("licenses-care-premium-ended")


def test_a_license_admin_sees_no_user_administration(page, world, ours, invited, screenshot):
    log_in(page, world.license_admin)
    expect(tile(page, "without customer").locator(".num")).to_have_text("2")
    expect(page.locator("#dash-people")).to_have_count(0)
    screenshot("dashboard-license-admin")


def test_a_license_user_sees_only_her_granted_licenses(page, world, ours, theirs, screenshot):
    log_in(page, world.license_user)
    expect(tile(page, "registered").first.locator(".num")).to_have_text("2")
    expect(tile(page, "Offline").locator(".num")).to_have_text("0")
    expect(page.get_by_role("link", name="vms-offline-0")).to_have_count(0)
    screenshot("dashboard-license-user")

    tile(page, "Critical").click()
    expect(page.get_by_role("link", name="vms-critical-0")).to_be_visible()


def test_a_license_user_without_grants_sees_empty_sections(page, world, ours, screenshot):
    world.license_user.license_grants.all().delete()
    log_in(page, world.license_user)
    expect(tile(page, "registered").first.locator(".num")).to_have_text("0")
    expect(page.get_by_text("No licenses registered yet.")).to_be_visible()
    screenshot("dashboard-license-user-no-grants")


def test_the_demo_dashboard_for_the_readme(page, request):
    call_command("demo", stdout=io.StringIO())
    admin = User.objects.get(email="admin@northwind.example")
    log_in(page, admin, DEMO_PASSWORD)
    expect(page.locator("#dash-installations")).to_be_visible()
    # The README shows this one (docs/screenshot.png is a copy of it).
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.screenshot(path=str(screenshot_dir(request.config) / "dashboard-demo.png"))
