"""A status report may carry the installation's device licenses by state (`licenses`): they
are checked like the rest of the report (an inconsistent one is a 422 and nothing is stored)
and kept on the installation's Health row, where the pages and the grace alerts read them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring.models import Health, Report
from licensedesk.monitoring.tests.helpers import monitored, post, report


@pytest.fixture
def target(world):
    return monitored(world.org, world.license_admin)


def licenses(**changes) -> dict:
    """3 of 100 devices in grace for 3 more days, 2 of 10 changes used."""
    data = {
        "activated": 90,
        "in_grace": 3,
        "grace_expired": 0,
        "not_licensed": 7,
        "grace_ends_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "changes_without_activation": {"used": 2, "allowed": 10},
    }
    data.update(changes)
    return data


def later(inst):
    """Let the next report through the 10 s gap."""
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(minutes=1)
    )
    from licensedesk.monitoring import writer

    writer.forget_accepted()


def test_a_report_without_licenses_is_accepted_and_counts_nothing(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    health = Health.objects.get(installation=inst)
    assert health.devices_in_grace is None and health.grace_ends_at is None
    assert "licenses" not in health.last_report() or health.last_report()["licenses"] is None


def test_a_report_with_licenses_stores_the_counts_on_the_installation(client, target):
    inst, token = target
    assert post(client, inst, token, report(licenses=licenses())).status_code == 202
    health = Health.objects.get(installation=inst)
    assert (health.devices_activated, health.devices_in_grace) == (90, 3)
    assert (health.devices_grace_expired, health.devices_not_licensed) == (0, 7)
    assert (health.changes_used, health.changes_allowed) == (2, 10)
    assert timedelta(days=2.9) < health.grace_ends_at - timezone.now() < timedelta(days=3)
    assert health.last_report()["licenses"]["in_grace"] == 3


def test_the_counts_follow_the_latest_report(client, target):
    inst, token = target
    post(client, inst, token, report(licenses=licenses()))
    later(inst)
    moved = licenses(activated=93, in_grace=0, grace_ends_at=None)
    assert post(client, inst, token, report(licenses=moved)).status_code == 202
    health = Health.objects.get(installation=inst)
    assert (health.devices_activated, health.devices_in_grace, health.grace_ends_at) == (
        93,
        0,
        None,
    )
    later(inst)
    post(client, inst, token, report())  # a report that does not count them: unknown again
    health.refresh_from_db()
    assert health.devices_activated is None and health.changes_allowed is None


def test_changes_without_activation_may_be_left_out(client, target):
    inst, token = target
    data = licenses()
    del data["changes_without_activation"]
    assert post(client, inst, token, report(licenses=data)).status_code == 202
    health = Health.objects.get(installation=inst)
    assert health.devices_in_grace == 3 and health.changes_allowed is None


@pytest.mark.parametrize(
    "bad",
    [
        {"in_grace": -1},
        {"activated": 1_000_001},
        {"activated": "many"},
        {"changes_without_activation": {"used": 11, "allowed": 10}},
        {"changes_without_activation": {"used": -1, "allowed": 10}},
        {"changes_without_activation": {"used": 1}},
        {"grace_ends_at": None},  # 3 devices in grace, but no end
        {"in_grace": 0},  # an end, but nobody in grace
        {"grace_ends_at": "2026-01-01T00:00:00"},  # no time zone
        {"grace_ends_at": "9999-01-01T00:00:00Z"},
        {"grace_ends_at": "soon"},
        {"activated": 95},  # 95 + 3 + 7 = 105 of 100 devices
        {"extra": 1},
    ],
)
def test_inconsistent_or_absurd_counts_are_a_422_and_nothing_is_stored(client, target, bad):
    inst, token = target
    response = post(client, inst, token, report(licenses=licenses(**bad)))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Report.objects.filter(installation=inst).exists()
    health = Health.objects.get(installation=inst)
    assert health.last_report_at is None and health.devices_activated is None


def test_licenses_that_is_not_an_object_is_a_422(client, target):
    inst, token = target
    assert post(client, inst, token, report(licenses=[1, 2])).status_code == 422


def test_the_counts_may_fill_devices_total_exactly(client, target):
    inst, token = target
    full = licenses(activated=90, in_grace=3, not_licensed=7)
    assert post(client, inst, token, report(licenses=full)).status_code == 202
