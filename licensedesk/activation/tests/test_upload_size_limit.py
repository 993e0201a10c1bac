"""An .lrq over 10 MB is refused before it is parsed; one of exactly 10 MB is taken."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation import lrq
from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable, sized_lrq


@pytest.fixture
def no_parsing(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("an oversize request must not reach the XML parser")

    monkeypatch.setattr(lrq, "XMLParser", fail)


@pytest.fixture
def admin_lic(world):
    return activatable(world.org)


def test_the_api_refuses_a_raw_body_one_byte_over_without_parsing(
    world, api, admin_lic, no_parsing
):
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations",
        sized_lrq(lrq.MAX_BYTES + 1, admin_lic.code),
        content_type="application/xml",
    )
    assert response.status_code in (400, 413)
    assert response.json()["code"] == "lrq_too_large"
    assert not Activation.objects.exists()


def test_the_api_refuses_a_multipart_file_one_byte_over_without_parsing(
    world, api, admin_lic, no_parsing
):
    upload = SimpleUploadedFile("r.lrq", sized_lrq(lrq.MAX_BYTES + 1, admin_lic.code))
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations", {"lrq": upload}
    )
    assert response.status_code == 413
    assert not Activation.objects.exists()


def test_the_api_refuses_a_huge_declared_length_before_reading(world, api, admin_lic, no_parsing):
    response = api(world.license_admin).generic(
        "POST",
        f"/api/v1/licenses/{admin_lic.code}/activations",
        b"<LicenseRequest/>",
        content_type="application/xml",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_the_web_form_refuses_a_file_one_byte_over_without_parsing(
    world, login, admin_lic, no_parsing
):
    upload = SimpleUploadedFile("r.lrq", sized_lrq(lrq.MAX_BYTES + 1, admin_lic.code))
    response = login(world.license_admin).post(
        f"/licenses/{admin_lic.code}/activate/", {"lrq": upload}
    )
    assert "larger than 10 MB" in response.content.decode()
    assert not Activation.objects.exists()


def test_the_api_takes_a_file_of_exactly_10_mb(world, api, admin_lic):
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{admin_lic.code}/activations",
        sized_lrq(lrq.MAX_BYTES, admin_lic.code),
        content_type="application/xml",
    )
    assert response.status_code == 201, response.content
