"""A web process remembers the monitoring tokens it has looked up; a remembered token is
checked again on its installation's row when its report is stored, so a revoked or rotated
token, or monitoring turned off, is refused at once all the same."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring import thresholds, tokens
from licensedesk.monitoring.models import Health, Report
from licensedesk.monitoring.tests.helpers import monitored, post, report


@pytest.fixture
def target(world):
    thresholds.forget_thresholds(world.org.pk)
    return monitored(world.org, world.license_admin)


def a_minute_later(inst):
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(seconds=60)
    )


def test_a_remembered_token_reports_again(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    a_minute_later(inst)
    assert post(client, inst, token, report()).status_code == 202
    assert Report.objects.filter(installation=inst).count() == 2


def test_the_token_lookup_finds_what_a_report_needs(world, target):
    inst, token = target
    health = Health.objects.get(installation=inst)
    reporter = tokens.reporter_for(token)
    assert reporter == tokens.Reporter(health.pk, inst.pk, world.org.pk, tokens.digest(token))
    assert tokens.reporter_for("ldmon_not-a-real-token") is None
    assert tokens.reporter_for("not-a-monitoring-token") is None


def test_a_token_revoked_after_it_was_seen_is_refused_at_once(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    new_token = tokens.issue_token(world.license_admin, inst)  # rotation revokes the old one
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert post(client, inst, new_token, report()).status_code == 202
    assert Report.objects.filter(installation=inst).count() == 2


def test_a_refused_token_is_forgotten_and_stays_refused(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    tokens.disable(world.license_admin, inst)
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert tokens.reporter_for(token) is None
    assert post(client, inst, token, report()).status_code == 401


def test_monitoring_turned_off_after_the_token_was_seen_stores_nothing(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    tokens.disable(world.license_admin, inst)
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert Report.objects.filter(installation=inst).count() == 1


def test_monitoring_turned_on_again_takes_the_new_token(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    tokens.disable(world.license_admin, inst)
    new_token = tokens.issue_token(world.license_admin, inst)
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert post(client, inst, new_token, report()).status_code == 202


def test_a_known_token_still_speaks_only_for_its_installation(client, world, target):
    inst, token = target
    other, _ = monitored(world.org, world.license_admin, hostname="vms02")
    assert post(client, inst, token, report()).status_code == 202
    assert post(client, other, token, report()).status_code == 404
    assert not Report.objects.filter(installation=other).exists()


def test_a_bad_body_with_a_known_token_stores_nothing(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    a_minute_later(inst)
    assert post(client, inst, token, report(host={"cpu_pct": 200})).status_code == 422
    assert Report.objects.filter(installation=inst).count() == 1


def test_a_token_issued_after_the_first_report_is_still_found(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    later, later_token = monitored(world.org, world.license_admin, hostname="vms04")
    assert post(client, later, later_token, report()).status_code == 202
    assert Report.objects.filter(installation=later).count() == 1
