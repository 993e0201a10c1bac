"""In a real browser: the installation page's numbers agree with its state (a Critical
installation with an all-red day shows 0.0 % that day; a young one says "since monitoring
started"), and a License User on site snoozes its alerts: the page and the Installations list
say so and until when, then the maintenance is ended."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.monitoring.models import Health, Maintenance
from licensedesk.monitoring.tests.helpers import ingest, monitored, schema

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def report(inst, at, **changes):
    health = Health.objects.get(installation=inst)
    ingest(health, schema(sent_at=at.isoformat(), **changes), now=at)


def test_the_uptime_agrees_with_the_state(page, live_server, screenshot, world):
    now = timezone.now()
    dying, _ = monitored(world.org, world.license_admin, hostname="vms-retail")
    report(dying, now - timedelta(days=3), hostname="vms-retail.shop.example")
    report(  # Critical since
        dying, now - timedelta(hours=30), hostname="vms-retail.shop.example", host={"disk_pct": 99}
    )
    young, _ = monitored(world.org, world.license_admin, hostname="vms-newsite")
    report(young, now - timedelta(minutes=3))
    log_in(page, world.license_admin)

    page.goto(f"/installations/{dying.pk}/")
    expect(page.get_by_role("heading", name="vms-retail")).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Critical")
    expect(page.get_by_text("reports as host vms-retail.shop.example")).to_be_visible()
    cards = page.locator(".card.uptime")
    expect(cards).to_have_count(2)  # 24 h, and 7 days since monitoring started (3 days ago)
    expect(cards.first.locator(".num")).to_have_text("0.0 %")
    expect(cards.first).to_contain_text("up, last 24 h")
    expect(cards.first).to_contain_text("Critical 24 h")
    expect(cards.nth(1)).to_contain_text("up since monitoring started 3\xa0days ago")
    bars = page.locator("svg.timeline rect.seg")
    expect(bars).to_have_count(1)
    expect(bars.first).to_have_class("seg critical")
    expect(page.get_by_text("100.0 %")).to_have_count(0)
    screenshot("installation-uptime-agrees-with-state")

    page.goto(f"/installations/{young.pk}/")
    expect(page.locator(".card.uptime")).to_have_count(1)
    expect(page.locator(".card.uptime")).to_contain_text("up since monitoring started 3")
    expect(page.locator(".card.uptime .num")).to_have_text("100.0 %")
    screenshot("installation-young-uptime")


def test_a_license_user_on_site_snoozes_the_alerts(page, live_server, screenshot, world):
    user = world.license_user
    inst, _ = monitored(world.org, world.license_admin, hostname="vms-hospital", grant_to=[user])
    report(inst, timezone.now() - timedelta(minutes=2))
    log_in(page, user)

    page.goto(f"/installations/{inst.pk}/")
    expect(
        page.get_by_text("Working on site? Pause this installation's monitoring alerts")
    ).to_be_visible()
    page.get_by_role("button", name="Snooze alerts for 1 day").click()
    until = Maintenance.objects.get(installation=inst).ends_at.strftime("%Y-%m-%d %H:%M")
    status = page.locator(".maintenance-state")
    expect(status).to_contain_text(f"In maintenance until {until} UTC.")
    expect(status).to_contain_text("Care reminders still go out")
    expect(page.locator(".maintenance-badge")).to_have_text("In maintenance")
    screenshot("installation-in-maintenance")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Installations").click()
    row = page.locator("table tbody tr", has_text="vms-hospital")
    expect(row).to_contain_text(f"In maintenance until {until} UTC")
    screenshot("installations-list-maintenance")

    # Plan a window instead, then call it off: the alerts are back.
    row.get_by_role("link", name="vms-hospital").click()
    page.get_by_text("Plan a maintenance window").click()
    start = (timezone.now() + timedelta(days=3)).replace(hour=8, minute=0)
    page.get_by_label("From (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("To (UTC)").fill(start.replace(hour=17).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Plan maintenance").click()
    day = start.strftime("%Y-%m-%d")
    expect(page.locator(".maintenance-state")).to_contain_text(
        f"Maintenance planned from {day} 08:00 to {day} 17:00 UTC."
    )
    expect(page.locator(".maintenance-badge")).to_have_count(0)
    screenshot("installation-maintenance-planned")
    page.get_by_role("button", name="Call off the maintenance").click()
    expect(page.locator(".maintenance-state")).to_have_count(0)
    assert not Maintenance.objects.exists()
