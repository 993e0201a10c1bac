"""In a real browser: an administrator invited to a company that requires two-factor
authentication of its admins sets a password from the emailed link and lands, logged in,
on the page that sets up the second factor, with nothing else open until it is done."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from licensedesk.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "granite-mosaic-harbor-42"


def test_an_invited_admin_goes_from_the_password_to_2fa_setup(
    page, live_server, screenshot, world, login, run_jobs, settings
):
    settings.BASE_URL = live_server.url
    login(world.company_admin).post(
        "/accounts/users/add/",
        {
            "first_name": "Ingrid",
            "last_name": "Admin",
            "email": "ingrid@northwind.example",
            "phone": "",
            "job_title": "IT lead",
            "role": Role.LICENSE_ADMIN,
            "is_company_admin": "on",
        },
    )
    run_jobs()
    world.org.require_2fa_for_admins = True
    world.org.save()
    link = re.search(r"(http://\S+/accounts/invitation/\S+/)", mail.outbox[0].body)[1]

    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/profile/two-factor/")
    expect(page.get_by_role("status")).to_contain_text(
        "Your company requires two-factor authentication"
    )
    expect(page.locator(".usernav")).to_contain_text("Ingrid Admin")
    screenshot("invitation-then-2fa-setup")
    page.goto("/licenses/")
    expect(page).to_have_url(f"{live_server.url}/accounts/profile/two-factor/")
