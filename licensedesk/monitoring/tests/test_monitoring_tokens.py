"""A monitoring token speaks for one installation only: it is shown once, stored hashed,
stops working when rotated or revoked, and a wrong one is a 401 that stores nothing."""

import hashlib

import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.monitoring import tokens
from licensedesk.monitoring.models import Health, Report
from licensedesk.monitoring.tests.helpers import installation, monitored, post, report


@pytest.fixture
def target(world):
    return monitored(world.org, world.license_admin)


def test_a_token_carries_256_random_bits_and_is_stored_hashed(world, target):
    inst, token = target
    assert token.startswith("ldmon_") and len(token) >= len("ldmon_") + 43
    health = Health.objects.get(installation=inst)
    assert health.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Health.objects.filter(pk=health.pk).values().get())
    assert health.token_prefix == token[:10]


def test_the_health_row_keeps_the_company_and_license_of_its_installation(world, target):
    inst, _ = target
    health = Health.objects.get(installation=inst)
    assert (health.organization_id, health.license_id) == (world.org.pk, inst.license_id)


def test_the_token_never_appears_in_the_audit_log(world, target):
    _, token = target
    assert AuditEvent.objects.filter(action="monitoring.enable").count() == 1
    for event in AuditEvent.objects.all():
        assert token not in str(event.changes) and token[6:] not in str(event.__dict__)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer ldmon_wrong",
        "Bearer not-a-monitoring-token",
        "Bearer " + "ldmon_" + "x" * 300,
        "Basic dXNlcjpwYXNz",
    ],
)
def test_a_missing_or_invalid_token_is_a_401(client, target, header):
    inst, _ = target
    headers = {"Authorization": header} if header is not None else {}
    response = client.post(
        f"/api/v1/installations/{inst.pk}/status",
        report(),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Report.objects.count() == 0


def test_a_token_in_the_url_is_not_accepted(client, target):
    inst, token = target
    response = client.post(
        f"/api/v1/installations/{inst.pk}/status?token={token}",
        report(),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_a_personal_access_token_cannot_report(client, api, world, target):
    inst, _ = target
    user_token = api(world.license_admin).secret
    assert post(client, inst, user_token, report()).status_code == 401


def test_a_rotated_token_stops_working_and_the_new_one_works(client, world, target):
    inst, old = target
    new = tokens.issue_token(world.license_admin, inst)
    assert new != old
    assert post(client, inst, old, report()).status_code == 401
    assert post(client, inst, new, report()).status_code == 202
    assert AuditEvent.objects.filter(action="monitoring.rotate_token").count() == 1


def test_a_revoked_token_is_a_401(client, world, target):
    inst, token = target
    tokens.disable(world.license_admin, inst)
    assert post(client, inst, token, report()).status_code == 401
    assert Report.objects.count() == 0


def test_another_installations_token_is_a_404(client, world, target):
    inst, _ = target
    _, other_token = monitored(world.org, world.license_admin, hostname="vms02")
    assert post(client, inst, other_token, report()).status_code == 404
    assert Report.objects.count() == 0


def test_a_token_of_another_company_cannot_report_for_ours(client, world, target):
    inst, _ = target
    _, their_token = monitored(world.other_org, world.outsider)
    assert post(client, inst, their_token, report()).status_code == 404
    assert Report.objects.count() == 0


def test_the_api_shows_the_token_once_then_only_its_prefix(world, api, target):
    inst = installation(world.org, hostname="vms03")
    client = api(world.license_admin)
    response = client.post(f"/api/v1/installations/{inst.pk}/monitoring-token")
    assert response.status_code == 201
    token = response.json()["token"]
    shown = client.get(f"/api/v1/installations/{inst.pk}").content.decode()
    listed = client.get("/api/v1/installations").content.decode()
    assert token not in shown and token not in listed
    assert token[:10] in shown


def test_the_page_shows_the_token_once(world, login):
    inst = installation(world.org)
    web = login(world.license_admin)
    response = web.post(f"/installations/{inst.pk}/monitoring/enable/", follow=True)
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token and token in response.content.decode()
    again = web.get(f"/installations/{inst.pk}/").content.decode()
    assert token not in again
    assert post(web, inst, token, report()).status_code == 202


def test_disabling_through_the_api_revokes_the_token(client, world, api, target):
    inst, token = target
    assert (
        api(world.license_admin)
        .delete(f"/api/v1/installations/{inst.pk}/monitoring-token")
        .status_code
        == 204
    )
    assert post(client, inst, token, report()).status_code == 401
    assert Health.objects.get(installation=inst).token_digest is None
