"""An installation reports about once a minute: a second report within 10 s is a 429 with
Retry-After, and nothing of it is stored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring import writer
from licensedesk.monitoring.models import Health, Report
from licensedesk.monitoring.tests.helpers import monitored, post, report


@pytest.fixture
def target(world):
    return monitored(world.org, world.license_admin)


def test_a_second_report_within_10_seconds_is_a_429_with_retry_after(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    response = post(client, inst, token, report(host={"disk_pct": 99}))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 10
    assert response.json()["code"] == "rate_limited"
    assert Report.objects.count() == 1
    assert Health.objects.get(installation=inst).state == "healthy"  # the flood changed nothing


def test_retry_after_counts_down_to_the_end_of_the_gap(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(seconds=7)
    )
    assert post(client, inst, token, report())["Retry-After"] in ("3", "4")


def test_a_report_after_the_gap_is_accepted(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - writer.MIN_REPORT_GAP
    )
    assert post(client, inst, token, report()).status_code == 202
    assert Report.objects.count() == 2


def test_a_flood_of_one_installation_does_not_limit_another(client, world, target):
    inst, token = target
    other, other_token = monitored(world.org, world.license_admin, hostname="vms02")
    assert post(client, inst, token, report()).status_code == 202
    assert post(client, inst, token, report()).status_code == 429
    assert post(client, other, other_token, report()).status_code == 202


def test_a_hundred_reports_in_a_burst_store_one(client, target):
    inst, token = target
    codes = [post(client, inst, token, report()).status_code for _ in range(100)]
    assert codes[0] == 202 and set(codes[1:]) == {429}
    assert Report.objects.count() == 1
