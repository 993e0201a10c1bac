"""Every bad upload is a clear 4xx, with nothing stored and no device license used."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation import lrq
from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.activation.tests.factories import activatable, raw_lrq, sized_lrq
from licensedesk.audit.models import AuditEvent
from licensedesk.licenses.models import License
from licensedesk.monitoring.models import Installation

LAUGHS = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'

BAD = {
    "not-xml": lambda slc: b"\x00\x01 not xml at all",
    "billion-laughs": lambda slc: raw_lrq(slc, prolog=LAUGHS, devices='<Device hardwareId="&b;"/>'),
    "external-entity": lambda slc: raw_lrq(
        slc, prolog='<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    ),
    "external-dtd": lambda slc: raw_lrq(slc, prolog='<!DOCTYPE r SYSTEM "http://x.example/d">\n'),
    "wrong-root": lambda slc: raw_lrq(slc, root="Request"),
    "wrong-version": lambda slc: raw_lrq(slc, version="0"),
    "missing-slc": lambda slc: raw_lrq(None),
    "missing-installation": lambda slc: raw_lrq(slc, installation=""),
    "missing-request": lambda slc: raw_lrq(slc, request=""),
    "bad-uuid": lambda slc: raw_lrq(slc, installation='<Installation id="1-2-3"/>'),
    "bad-time": lambda slc: raw_lrq(
        slc, request='<Request id="0b7f6f0e-7d0c-4f43-9a57-3c1e2d4b5a69" created="noon"/>'
    ),
    "duplicate-device": lambda slc: raw_lrq(
        slc, devices='<Device hardwareId="a"/><Device hardwareId="a"/>'
    ),
    "other-license": lambda slc: raw_lrq("M01-C01-251-99-7K3QF9"),
    "one-byte-over-10-mb": lambda slc: sized_lrq(lrq.MAX_BYTES + 1, slc),
}


@pytest.fixture
def admin_lic(world):
    return activatable(world.org, devices=5)


def _nothing_happened(lic):
    assert not Installation.objects.exists()
    assert not ActiveDevice.objects.exists()
    assert not Activation.objects.exists()
    assert License.objects.get(pk=lic.pk).devices_used == 0
    assert not AuditEvent.objects.filter(action="license.activate").exists()


@pytest.mark.parametrize("name", BAD)
def test_the_api_refuses_a_bad_request_body(world, api, admin_lic, name):
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations",
        BAD[name](admin_lic.code),
        content_type="application/xml",
    )
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    _nothing_happened(admin_lic)


@pytest.mark.parametrize("name", BAD)
def test_the_web_form_refuses_a_bad_file(world, login, admin_lic, name):
    upload = SimpleUploadedFile("request.lrq", BAD[name](admin_lic.code))
    response = login(world.license_admin).post(
        f"/licenses/{admin_lic.code}/activate/", {"lrq": upload}
    )
    assert response.status_code == 200  # the form again, with the reason under the field
    assert '<p class="error">' in response.content.decode()
    _nothing_happened(admin_lic)


def test_the_api_refuses_more_devices_than_the_cap(world, api, admin_lic, monkeypatch):
    monkeypatch.setattr(lrq, "MAX_DEVICES", 2)
    devices = "".join(f'<Device hardwareId="d{i}"/>' for i in range(3))
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations",
        raw_lrq(admin_lic.code, devices=devices),
        content_type="application/xml",
    )
    assert response.status_code == 400
    _nothing_happened(admin_lic)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/jose"])
def test_the_api_refuses_other_content_types(world, api, admin_lic, content_type):
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations",
        raw_lrq(admin_lic.code),
        content_type=content_type,
    )
    assert response.status_code == 415
    _nothing_happened(admin_lic)


def test_the_api_takes_a_multipart_upload_in_the_field_lrq(world, api, admin_lic):
    upload = SimpleUploadedFile("request.lrq", raw_lrq(admin_lic.code))
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations", {"lrq": upload}
    )
    assert response.status_code == 201
    assert Activation.objects.count() == 1


def test_a_multipart_upload_without_the_field_is_refused(world, api, admin_lic):
    upload = SimpleUploadedFile("request.lrq", raw_lrq(admin_lic.code))
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations", {"other": upload}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "missing_lrq"


@pytest.mark.parametrize("via", ["web", "api"])
def test_a_path_in_the_filename_is_never_used(world, login, api, admin_lic, via, tmp_path):
    upload = SimpleUploadedFile("../../x.lrq", raw_lrq(admin_lic.code))
    with mock.patch("builtins.open", side_effect=AssertionError("no file may be opened")):
        if via == "web":
            response = login(world.license_admin).post(
                f"/licenses/{admin_lic.code}/activate/", {"lrq": upload}
            )
            assert response.status_code == 302
        else:
            response = api(world.license_admin).post(
                f"/api/v1/licenses/{admin_lic.code}/activations", {"lrq": upload}
            )
            assert response.status_code == 201
    assert Activation.objects.get().devices["activated"] == ["cam-1", "cam-2"]
