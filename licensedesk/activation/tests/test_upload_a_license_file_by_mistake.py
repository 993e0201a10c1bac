"""The .lic and the .lrq sit side by side on the technician's disk: picking the license file
where the request is expected gets a message that says which file to take instead."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation import lrq, services
from licensedesk.activation.models import Activation

MESSAGE = "This is a license file (.lic); upload the license request file (.lrq) your system wrote."


def license_file(lic) -> bytes:
    return services.initial_license_file(lic).encode()


def test_parsing_a_license_file_names_the_mistake(lic):
    with pytest.raises(lrq.InvalidRequest) as raised:
        lrq.parse(license_file(lic))
    assert raised.value.message == MESSAGE


def test_a_license_file_with_a_trailing_newline_is_recognised_too(lic):
    with pytest.raises(lrq.InvalidRequest, match=r"This is a license file \(\.lic\)"):
        lrq.parse(b"\n" + license_file(lic) + b"\r\n")


@pytest.mark.parametrize(
    "data",
    [
        b"abc.def.ghi",  # three parts, but no JSON header
        base64.urlsafe_b64encode(json.dumps({"typ": "JWT"}).encode()).rstrip(b"=") + b".e30.c2ln",
    ],
)
def test_other_dotted_text_is_just_not_a_request(data):
    with pytest.raises(lrq.InvalidRequest) as raised:
        lrq.parse(data)
    assert "license file" not in raised.value.message


def test_the_license_user_uploading_the_lic_is_told_which_file_to_take(world, login, lic):
    upload = SimpleUploadedFile(f"{lic.code}.lic", license_file(lic))
    response = login(world.license_user).post(f"/licenses/{lic.code}/activate/", {"lrq": upload})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Activation.objects.exists()


def test_the_api_says_the_same(world, api, lic):
    upload = SimpleUploadedFile(f"{lic.code}.lic", license_file(lic))
    response = api(world.license_user).post(
        f"/api/v1/licenses/{lic.code}/activations", {"lrq": upload}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == MESSAGE
    assert not Activation.objects.exists()
