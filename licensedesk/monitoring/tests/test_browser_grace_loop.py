"""In a real browser, the grace loop: the reference client reports an installation whose new
cameras run in grace; the Dashboard counts it among those whose grace ends within 7 days and
leads to it; its page says when the cameras stop recording; the alert is in the delivery
log; the partner uploads the customer's .lrq from that page, and the next report moves the
counts."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from licensedesk.activation.tests.factories import activatable
from licensedesk.core.tests.browser import log_in
from licensedesk.monitoring import grace, writer
from licensedesk.monitoring.models import Health, Installation
from licensedesk.notifications import events
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile
from licensedesk_client import cli, monitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signing_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "signing_keys.json"))


def test_devices_in_grace_from_report_to_alert_to_activation(
    page, live_server, screenshot, settings, monkeypatch, world, run_jobs, tmp_path, signing_keys
):
    settings.BASE_URL = live_server.url
    monkeypatch.setattr(writer, "MIN_REPORT_GAP", timedelta(0))  # the client reports without pause
    admin = world.license_admin
    lic = activatable(world.org, devices=60)
    profile(
        admin,
        "Sites",
        events=[events.GRACE_ENDING, events.GRACE_EXPIRED, events.CHANGES_USED_UP],
        extra_emails=[],
        user_ids=[admin.pk],
    )
    log_in(page, admin)
    page.goto(f"/licenses/{lic.code}/")
    page.get_by_label("Add an installation by hand").fill("vms-parking")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Enable monitoring").click()
    token = page.locator("#new-token").inner_text()
    installation = Installation.objects.get(hostname="vms-parking")

    # The client reports: 4 new cameras enter grace, its end a day nearer with each report.
    monitor_args = ["monitor", "--server", live_server.url, "--token", token]
    monitor_args += ["--installation", str(installation.pk), "--interval", "0"]
    assert cli.main([*monitor_args, "--simulate", "grace", "--count", "5"]) == 0
    assert Health.objects.get(installation=installation).devices_in_grace == 4

    # The Dashboard counts it and leads to the list of those installations.
    page.goto("/")
    tile = page.locator("#dash-grace-ending")
    expect(tile.locator(".num")).to_have_text("1")
    screenshot("grace-dashboard")
    tile.click()
    expect(page).to_have_url(re.compile(r"/installations/\?devices=grace_ending$"))
    expect(page.get_by_label("Device licenses")).to_have_value("grace_ending")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("4 in grace, stop in")
    screenshot("grace-installations-filtered")
    row.get_by_role("link", name="vms-parking").click()

    # Its page says when the cameras stop recording, and how to activate them.
    section = page.locator("#device-licenses")
    expect(section).to_contain_text(
        re.compile(r"4 devices run in grace: cameras stop recording in \d days")
    )
    expect(section.get_by_role("heading", name="Activate them")).to_be_visible()
    expect(section).to_contain_text("licensedesk-client activate --server")
    screenshot("grace-installation")

    # The worker's scan tells the profile; the alert is in the delivery log.
    assert grace.send_grace_alerts() == 1
    run_jobs()
    assert send_due() == 1
    page.goto("/notifications/deliveries/")
    log = page.locator("table tbody tr").first
    expect(log).to_contain_text(events.LABELS[events.GRACE_ENDING])
    expect(log).to_contain_text(admin.email)
    expect(log).to_contain_text("Sent")
    screenshot("grace-alert-delivered")

    # One click from the installation: upload the customer's .lrq, get the activated file.
    request_file = tmp_path / "request.lrq"
    assert (
        cli.main(
            ["make-lrq", "--slc", lic.code, "--devices", "48", "-o", str(request_file)]
            + ["--installation-id", str(installation.uuid), "--hostname", "vms-parking"]
        )
        == 0
    )
    page.goto(f"/installations/{installation.pk}/")
    page.get_by_label("License request (.lrq)").set_input_files(str(request_file))
    page.locator("#device-licenses").get_by_role("button", name="Activate").click()
    expect(page.get_by_role("link", name="Download activated license file")).to_be_visible()

    # The VMS loads it; its next report has every device activated: the counts move.
    report = monitor.Simulator("healthy", seed=1).report()
    report["licenses"] = {
        "activated": 48,
        "in_grace": 0,
        "grace_expired": 0,
        "not_licensed": 0,
        "grace_ends_at": None,
    }
    assert monitor.send(live_server.url, token, installation.pk, report) == 202
    page.goto(f"/installations/{installation.pk}/")
    section = page.locator("#device-licenses")
    expect(section).to_contain_text("Activated48")
    expect(section.get_by_role("heading", name="Activate them")).to_have_count(0)
    page.goto("/")
    expect(page.locator("#dash-grace-ending .num")).to_have_text("0")
    screenshot("grace-activated")
