from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation import services
from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.care.status import today
from licensedesk.core.errors import NotFound
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.monitoring.models import Installation


def _post(client, lic, body):
    return client.post(
        f"/api/v1/licenses/{lic.code}/activations", body, content_type="application/xml"
    )


def test_an_expired_license_cannot_be_activated(world, api):
    lic = activatable(world.org, expires_on=today() - timedelta(days=1))
    response = _post(api(world.license_admin), lic, lrq(lic.code, 2))
    assert response.status_code == 400
    assert response.json()["code"] == "license_expired"
    assert not Installation.objects.exists()
    assert License.objects.get(pk=lic.pk).devices_used == 0


def test_a_license_expiring_today_can_still_be_activated(world, api):
    lic = activatable(world.org, expires_on=today())
    assert _post(api(world.license_admin), lic, lrq(lic.code, 2)).status_code == 201


def test_a_request_for_another_license_is_refused(world, api, lic):
    other = activatable(world.org)
    response = _post(api(world.license_admin), lic, lrq(other.code, 2))
    assert response.status_code == 400
    assert response.json()["code"] == "slc_mismatch"
    assert other.code in response.json()["detail"]
    assert not Activation.objects.exists()


def test_the_web_form_names_the_license_the_request_is_for(world, login, lic):
    other = activatable(world.org)
    upload = SimpleUploadedFile("r.lrq", lrq(other.code, 2))
    response = login(world.license_admin).post(f"/licenses/{lic.code}/activate/", {"lrq": upload})
    assert response.status_code == 200
    assert f"This license request is for {other.code}" in response.content.decode()
    assert not Activation.objects.exists()


def test_a_license_no_longer_granted_when_it_is_locked_is_not_found(world, lic):
    # The License User's grant went while the request was on its way.

    LicenseGrant.objects.filter(license=lic, user=world.license_user).delete()
    with pytest.raises(NotFound):
        services.activate(world.license_user, lic.code, lrq(lic.code, 2))
    assert not Installation.objects.exists()
    assert License.objects.get(pk=lic.pk).devices_used == 0
