"""In a real browser: a License Admin adds an installation by hand, enables monitoring and
copies the token shown once; the reference client reports a dying installation, the page
shows it Critical, then Offline once it falls silent, and the alert is in the delivery log."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.licenses.tests import factories
from licensedesk.monitoring import alerts, offline, writer
from licensedesk.monitoring.models import Health, State
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile
from licensedesk_client import cli

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monitor_an_installation_until_it_goes_offline(
    page, live_server, screenshot, settings, monkeypatch, world, run_jobs
):
    settings.BASE_URL = live_server.url
    monkeypatch.setattr(writer, "MIN_REPORT_GAP", timedelta(0))  # the client reports without pause
    admin = world.license_admin
    lic = factories.registered(world.org)
    profile(
        admin,
        "Installations",
        events=[events.INSTALLATION_OFFLINE, events.INSTALLATION_CRITICAL],
        extra_emails=[],
        user_ids=[admin.pk],
    )
    log_in(page, admin)

    # Add an installation by hand on the license's page, then enable monitoring.
    page.goto(f"/licenses/{lic.code}/")
    page.get_by_label("Add an installation by hand").fill("vms-harbour")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name="vms-harbour")).to_be_visible()
    expect(page.get_by_text("This installation is not monitored yet.")).to_be_visible()
    page.get_by_role("button", name="Enable monitoring").click()
    secret = page.get_by_role("status").locator("#new-token")
    expect(secret).to_have_text(re.compile(r"^ldmon_[\w-]{43}$"))
    token = secret.inner_text()
    installation_id = Health.objects.get().installation_id
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    screenshot("monitoring-token")

    # Shown once: a reload shows only the state.
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator(".page-head .badge")).to_have_text("Pending")

    # The reference client reports a dying installation three times.
    assert (
        cli.main(
            [
                "monitor",
                "--server",
                live_server.url,
                "--token",
                token,
                "--installation",
                str(installation_id),
                "--simulate",
                "dying",
                "--interval",
                "0",
                "--count",
                "3",
            ]
        )
        == 0
    )
    page.reload()
    expect(page.locator(".page-head .badge")).to_have_text("Critical")
    expect(page.get_by_text("Why critical:")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("Critical")
    screenshot("installation-critical")

    # It falls silent: the watcher sees it Offline and, once that held, alerts.
    now = timezone.now()
    assert offline.detect_offline(now + timedelta(minutes=10)) == 1
    assert alerts.send_alerts(now + timedelta(minutes=15)) == 1
    run_jobs()
    assert send_due() == 1
    assert Delivery.objects.get().event == events.INSTALLATION_OFFLINE

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Installations").click()
    row = page.locator("table tbody tr", has_text="Offline")
    expect(row).to_have_count(1)
    expect(row.locator("a").first).to_be_visible()
    expect(page.locator(".state-cards .state-offline .num")).to_have_text("1")
    screenshot("installations-list")
    row.locator("a").first.click()
    expect(page.locator(".page-head .badge")).to_have_text("Offline")
    expect(page.get_by_text("Why offline: no report for more than 3 minutes")).to_be_visible()
    screenshot("installation-detail")
    assert Health.objects.get().state == State.OFFLINE

    page.goto("/notifications/deliveries/")
    log = page.locator("table tbody tr").first
    expect(log).to_contain_text("Installation offline")
    expect(log).to_contain_text(admin.email)
    expect(log).to_contain_text("Sent")
    screenshot("installation-alert-delivered")
