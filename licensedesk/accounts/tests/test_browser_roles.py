"""In a real browser: user administration is for company administrators only."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_ONLY_PAGES = ["/accounts/users/", "/accounts/users/add/", "/activity/"]


def log_in(page, live_server, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {user.first_name}")).to_be_visible()


def sidebar(page):
    return page.get_by_role("navigation", name="Main")


def test_company_admin_sees_user_administration(page, live_server, world):
    """The control for the test below: the links and pages exist for a company admin."""
    log_in(page, live_server, world.company_admin)
    expect(sidebar(page).get_by_role("link", name="Users")).to_be_visible()
    expect(sidebar(page).get_by_role("link", name="Activity")).to_be_visible()
    for path in ADMIN_ONLY_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", name="Not allowed")).to_have_count(0)


def test_license_user_is_refused_user_administration(page, live_server, world, screenshot):
    user = world.license_user
    log_in(page, live_server, user)
    expect(page.locator(".lead")).to_have_text("Northwind Security · you are License User.")

    nav = sidebar(page)
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(nav.get_by_role("link", name="Access tokens")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    expect(nav.get_by_role("link", name="Activity")).to_have_count(0)
    expect(nav).not_to_contain_text("Company")
    # Nor does the dashboard offer the user count card that links to Users.
    expect(page.locator("a[href='/accounts/users/']")).to_have_count(0)

    for path in ADMIN_ONLY_PAGES:
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)  # no user list, no activity rows
        expect(page.get_by_text("lars@northwind.example")).to_have_count(0)
    screenshot("forbidden")

    denied = AuditEvent.objects.filter(action="access.denied", actor=user)
    assert sorted(e.changes["path"] for e in denied) == sorted(ADMIN_ONLY_PAGES)

    # The way back leads to the dashboard, still logged in.
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_role("heading", name=f"Welcome, {user.first_name}")).to_be_visible()
