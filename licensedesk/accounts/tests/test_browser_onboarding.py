"""In a real browser: a person signs up their company, confirms it from the emailed link,
invites a License User, and that user sets a password from the emailed link and is in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.audit.models import AuditEvent
from licensedesk.outbox.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "lantern-orbit-quarry-7"
NEW_USER_PASSWORD = "granite-mosaic-harbor-42"


def sidebar(page):
    return page.get_by_role("navigation", name="Main")


def test_sign_up_invite_a_user_and_the_user_joins(
    page, new_page, live_server, screenshot, settings, run_jobs
):
    settings.BASE_URL = live_server.url  # links in emails point at the live server

    # The login page links to the sign-up form.
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    # The stylesheet is served and applied (the card layout of the public pages).
    expect(page.locator("body")).to_have_css("background-color", "rgb(244, 246, 249)")
    expect(page.locator("main.public-card")).to_have_css("max-width", "460px")
    screenshot("login")
    page.get_by_role("link", name="Sign up your company").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_role("heading", name="Sign up your company")).to_be_visible()

    page.get_by_label("Company name").fill("Fjord Vision ApS")
    page.get_by_label("Country").fill("Denmark")
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Holm")
    page.get_by_label("Email").fill("Maria.Holm@fjordvision.example")
    page.get_by_label("Phone").fill("+45 12 34 56 78")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    screenshot("signup")
    page.get_by_role("button", name="Sign up").click()

    # Nothing exists until the emailed link is followed.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "We sent a link to maria.holm@fjordvision.example to finish signing up."
    )
    screenshot("signup-sent")
    assert not Organization.objects.filter(name="Fjord Vision ApS").exists()

    # The live server runs in this process: the worker's mail lands in mail.outbox.
    run_jobs()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["maria.holm@fjordvision.example"]
    links = re.findall(r"https?://\S+", email.body)
    assert len(links) == 1 and links[0].startswith(f"{live_server.url}/accounts/signup/confirm/")
    mail.outbox.clear()

    # The link shows what will be created; only the button creates it.
    page.goto(links[0])
    expect(page.get_by_role("heading", name="Finish signing up")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Fjord Vision ApS")
    screenshot("signup-confirm")
    assert not Organization.objects.filter(name="Fjord Vision ApS").exists()
    page.get_by_role("button", name="Create company").click()

    # Signed up and logged in: the dashboard of the new company.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_have_text("Welcome to licensedesk, Fjord Vision ApS!")
    expect(page.get_by_role("heading", name="Welcome, Maria")).to_be_visible()
    expect(page.locator(".org-name")).to_have_text("Fjord Vision ApS")
    expect(page.locator(".lead")).to_have_text(
        "Fjord Vision ApS · you are License Admin and company administrator."
    )
    expect(page.locator(".card.stat", has_text="active users").locator(".num")).to_have_text("1")
    screenshot("dashboard")

    org = Organization.objects.get(name="Fjord Vision ApS")
    admin = User.objects.get(email="maria.holm@fjordvision.example")  # stored in lower case
    assert admin.organization == org and org.country == "Denmark"
    assert admin.is_company_admin and admin.role == Role.LICENSE_ADMIN
    assert admin.check_password(ADMIN_PASSWORD)

    # Users: the company admin is the only user so far.
    sidebar(page).get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(sidebar(page).get_by_role("link", name="Users")).to_have_class(re.compile(r"\bactive\b"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("maria.holm@fjordvision.example")
    expect(rows.first).to_contain_text("company admin")

    # Add a License User.
    page.get_by_role("link", name="Add new user").click()
    expect(page.get_by_role("heading", name="Add new user")).to_be_visible()
    page.get_by_label("First name").fill("Olav")
    page.get_by_label("Last name").fill("Berg")
    page.get_by_label("Email").fill("olav.berg@fjordvision.example")
    page.get_by_label("Job title").fill("Installer")
    page.get_by_label("Role").select_option(label="License User")
    expect(page.get_by_label("Company administrator")).not_to_be_checked()
    screenshot("user-add")
    page.get_by_role("button", name="Add user").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/users/")
    expect(page.get_by_role("status")).to_have_text(
        "Olav Berg was added and invited by email to olav.berg@fjordvision.example."
    )
    expect(rows).to_have_count(2)
    olav_row = rows.filter(has_text="olav.berg@fjordvision.example")
    expect(olav_row).to_contain_text("License User")
    expect(olav_row).to_contain_text("Installer")
    expect(olav_row.locator(".badge")).to_have_text("invited")
    expect(olav_row.get_by_role("button", name="Resend invitation")).to_be_visible()
    screenshot("users")

    olav = User.objects.get(email="olav.berg@fjordvision.example")
    assert olav.organization == org and olav.role == Role.LICENSE_USER
    assert not olav.is_company_admin and not olav.has_usable_password()

    # The invitation is sent by the outbox worker, not by the request.
    assert mail.outbox == []
    assert Job.objects.filter(kind="accounts.invitation", state=Job.State.QUEUED).count() == 1
    run_jobs()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["olav.berg@fjordvision.example"]
    assert "Maria Holm has added you to Fjord Vision ApS" in email.body
    assert "as License User" in email.body
    links = re.findall(r"https?://\S+", email.body)
    assert len(links) == 1
    link = links[0]
    assert link.startswith(f"{live_server.url}/accounts/invitation/")

    # The activity log shows the sign-up and the invitation.
    sidebar(page).get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    activity = page.locator("table tbody tr")
    expect(activity.filter(has_text="user.invite")).to_contain_text("Olav Berg")
    expect(activity.filter(has_text="company.sign_up")).to_have_count(1)
    screenshot("activity")

    sidebar(page).get_by_role("link", name="Access tokens").click()
    expect(page.get_by_role("heading", name="Personal access tokens")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("No tokens yet.")
    screenshot("tokens")

    # Olav opens the link in his own browser and chooses a password.
    olav_page = new_page()
    olav_page.goto(link)
    expect(olav_page.get_by_role("heading", name="Welcome to Fjord Vision ApS")).to_be_visible()
    expect(olav_page.get_by_text("olav.berg@fjordvision.example")).to_be_visible()
    olav_page.get_by_label("New password", exact=True).fill(NEW_USER_PASSWORD)
    olav_page.get_by_label("New password again").fill(NEW_USER_PASSWORD)
    screenshot("accept-invitation", olav_page)
    olav_page.get_by_role("button", name="Set password").click()

    # He is logged in with it at once, and sees the dashboard with his role.
    expect(olav_page).to_have_url(f"{live_server.url}/")
    expect(olav_page.get_by_role("status")).to_have_text("Welcome to licensedesk, Olav!")
    olav.refresh_from_db()
    assert olav.check_password(NEW_USER_PASSWORD)
    expect(olav_page.get_by_role("heading", name="Welcome, Olav")).to_be_visible()
    expect(olav_page.locator(".lead")).to_have_text("Fjord Vision ApS · you are License User.")
    expect(olav_page.locator(".usernav")).to_contain_text("Olav Berg")
    expect(sidebar(olav_page).get_by_role("link", name="Users")).to_have_count(0)
    screenshot("dashboard-license-user", olav_page)

    # The link worked once.
    olav_page.goto(link)
    expect(olav_page.get_by_role("heading", name="This link no longer works")).to_be_visible()

    # Back in the admin's browser, Olav is now active.
    page.goto("/accounts/users/")
    expect(rows.filter(has_text="olav.berg@fjordvision.example").locator(".badge")).to_have_text(
        "active"
    )
    assert AuditEvent.objects.filter(action="invitation.accept", actor=olav).exists()
