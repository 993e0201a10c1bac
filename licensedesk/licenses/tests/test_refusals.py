"""A role without the right is refused the same way on every face: 403 (a problem detail
from the API, with the refusal's message) and exactly one `access.denied` audit entry that
names the right, also when the refusal comes from inside a service's transaction."""

import pytest

from licensedesk import access
from licensedesk.audit.models import AuditEvent
from licensedesk.licenses import services
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


def denied(user):
    return [
        (e.changes["right"], e.changes["path"])
        for e in AuditEvent.objects.filter(action="access.denied", actor=user).order_by("pk")
    ]


@pytest.fixture
def lic(world):
    return factories.registered(world.org, grant_to=[world.license_user])


def test_registering_without_a_license_role_is_refused(login, api, world):
    code = factories.issue().code
    r = login(world.no_role).post("/licenses/register/", {"slc": code})
    assert r.status_code == 403
    r = api(world.no_role).post_json("/api/v1/licenses", {"slc": code})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert denied(world.no_role) == [
        ("license_role", "/licenses/register/"),
        ("license_role", "/api/v1/licenses"),
    ]
    assert factories.snapshot(factories.License.objects.get(code=code))["organization"] is None


def test_deciding_who_sees_a_license_is_for_license_admins(login, api, world, lic):
    path = f"/licenses/{lic.code}/visibility/"
    r = login(world.license_user).post(path, {"user_ids": []})
    assert r.status_code == 403
    r = api(world.license_user).put(
        f"/api/v1/licenses/{lic.code}/visibility", {"user_ids": []}, "application/json"
    )
    assert r.status_code == 403
    assert r.json()["detail"] == "Only License Admins decide who sees licenses."
    assert denied(world.license_user) == [
        ("license_visibility", path),
        ("license_visibility", f"/api/v1/licenses/{lic.code}/visibility"),
    ]
    assert LicenseGrant.objects.filter(license=lic, user=world.license_user).exists()


def test_granting_many_licenses_at_once_is_for_license_admins(login, world, lic):
    r = login(world.license_user).post(
        "/licenses/grant/",
        {"license_ids": [lic.pk], "user_id": world.license_user.pk, "action": "revoke"},
    )
    assert r.status_code == 403
    assert denied(world.license_user) == [("license_visibility", "/licenses/grant/")]
    assert LicenseGrant.objects.filter(license=lic, user=world.license_user).exists()


def test_a_service_refuses_with_the_right_it_lacks(world, lic):
    with pytest.raises(access.Forbidden) as refused:
        services.set_visibility(world.license_user, lic, [])
    assert refused.value.right == "license_visibility"
    with pytest.raises(access.Forbidden) as refused:
        services.register(world.no_role, lic.code)
    assert refused.value.right == "license_role"
    # No request, no answer: the audit entry is written where a 403 is answered.
    assert not AuditEvent.objects.filter(action="access.denied").exists()
