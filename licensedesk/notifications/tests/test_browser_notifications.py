"""In a real browser: a License User sets a Care reminder for a license group; a License Admin
makes a notification profile for a group found by its description, with "Care ended"; the
scan and the sender run, and the delivery log shows what was sent."""

from datetime import date, timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from licensedesk.care.models import CareReminder
from licensedesk.care.scan import scan
from licensedesk.core.tests.browser import log_in
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.models import Delivery, NotificationProfile
from licensedesk.notifications.sender import send_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDS = date(2026, 6, 30)


def sidebar(page):
    return page.get_by_role("navigation", name="Main")


def test_reminder_and_profile_set_up_in_the_ui_are_sent_and_logged(
    world, page, new_page, screenshot
):
    shared = registered(world.org, care_ends_on=ENDS, grant_to=[world.license_user])
    hidden = registered(world.org, care_ends_on=ENDS)
    group(
        world.org,
        "Harbour sites",
        description="Cameras at the harbour quays",
        licenses=[shared, hidden],
    )
    group(world.org, "Airport", description="Terminal and runway cameras")

    # The License User: a reminder 7 days before Care ends, for the group.
    log_in(page, world.license_user)
    sidebar(page).get_by_role("link", name="Care reminders").click()
    page.get_by_role("link", name="New reminder").click()
    page.get_by_label("A license group").check()
    page.get_by_role("combobox", name="License group").select_option(label="Harbour sites")
    for other in ("90 days before", "30 days before", "On the day it ends"):
        page.get_by_label(other).uncheck()
    expect(page.get_by_label("7 days before")).to_be_checked()
    screenshot("care-reminder-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Your Care reminder is set.")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Group Harbour sites")
    expect(row).to_contain_text("7 days")
    assert CareReminder.objects.get().lead_times == [7]

    # The License Admin: a profile for the group, found by a word of its description.
    admin = new_page()
    log_in(admin, world.license_admin)
    sidebar(admin).get_by_role("link", name="Notification profiles").click()
    admin.get_by_role("link", name="New profile").click()
    admin.get_by_label("Name").fill("Harbour Care desk")
    admin.get_by_role("radio", name="License groups").check()
    admin.get_by_role("searchbox", name="Search license groups").fill("quays")
    expect(admin.get_by_role("checkbox", name="Airport")).to_be_hidden()
    admin.get_by_role("checkbox", name="Harbour sites").check()
    admin.get_by_role("checkbox", name="Care ended", exact=True).check()
    admin.get_by_role("checkbox", name=f"({world.license_admin.email})").check()
    screenshot("notification-profile-form", admin)
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status")).to_contain_text("“Harbour Care desk” was created")
    profile_row = admin.locator("table tbody tr", has_text="Harbour Care desk")
    expect(profile_row).to_contain_text("Harbour sites")
    expect(profile_row).to_contain_text("Care ended")
    prof = NotificationProfile.objects.get()
    assert [g.name for g in prof.groups.all()] == ["Harbour sites"]

    # A week before Care ends, and the day after it ended.
    scan(today=ENDS - timedelta(days=7))
    scan(today=ENDS + timedelta(days=1))
    assert send_due() == 2
    to = {m.to[0]: m for m in mail.outbox}
    assert shared.code in to[world.license_user.email].body
    assert hidden.code not in to[world.license_user.email].body  # not granted to them
    assert {shared.code, hidden.code} <= set(to[world.license_admin.email].body.split())

    sidebar(admin).get_by_role("link", name="Delivery log").click()
    rows = admin.locator("table tbody tr")
    expect(rows).to_have_count(2)
    for who, source in (
        (world.license_admin.email, "Harbour Care desk"),
        (world.license_user.email, "Care reminder"),
    ):
        row = rows.filter(has_text=who)
        expect(row).to_contain_text(source)
        expect(row.locator(".badge")).to_have_text("Sent")
    expect(rows.filter(has_text=world.license_admin.email)).to_contain_text("Care ended")
    screenshot("delivery-log", admin)

    # The License User's log holds their reminder's delivery only.
    sidebar(page).get_by_role("link", name="Delivery log").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text(world.license_user.email)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
