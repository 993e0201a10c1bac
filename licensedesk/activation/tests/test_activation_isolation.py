"""Files, activations and installations of a license exist only for those who may see the
license: another company and an ungranted License User get 404, a user without a license
role 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation import services
from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.licenses.models import LicenseGrant

STRANGERS = ["outsider", "outsider_user", "license_user"]


@pytest.fixture
def target(world):
    """A license of our company, not granted to the License User, with one activation."""
    lic = activatable(world.org, devices=5)
    activation, _ = services.activate(world.license_admin, lic.code, lrq(lic.code, 2))
    return lic, activation


def _web_urls(lic, activation):
    return [
        f"/licenses/{lic.code}/",  # lists the installations
        f"/licenses/{lic.code}/license-file/",
        f"/licenses/{lic.code}/activate/",
        f"/licenses/{lic.code}/activations/{activation.pk}/",
        f"/licenses/{lic.code}/activations/{activation.pk}/license-file/",
    ]


def _api_urls(lic, activation):
    return [
        f"/api/v1/licenses/{lic.code}/activations",
        f"/api/v1/licenses/{lic.code}/license-file",
        f"/api/v1/activations/{activation.pk}/license-file",
    ]


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_page(world, login, target, who):
    client = login(getattr(world, who))
    for url in _web_urls(*target):
        assert client.get(url).status_code == 404, url
    upload = {"lrq": _upload(target[0])}
    assert client.post(f"/licenses/{target[0].code}/activate/", upload).status_code == 404


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_endpoint(world, api, target, who):
    lic, _ = target
    client = api(getattr(world, who))
    for url in _api_urls(*target):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/api/v1/licenses/{lic.code}/activations", lrq(lic.code, 3), content_type="application/xml"
    )
    assert response.status_code == 404
    assert Activation.objects.count() == 1


def test_a_user_without_a_license_role_gets_403(world, login, api, target):
    lic, activation = target
    web = login(world.no_role)
    for url in _web_urls(lic, activation)[1:]:
        assert web.get(url).status_code == 403, url
    client = api(world.no_role)
    for url in _api_urls(lic, activation):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/api/v1/licenses/{lic.code}/activations", lrq(lic.code, 3), content_type="application/xml"
    )
    assert response.status_code == 403
    assert Activation.objects.count() == 1


def test_a_granted_license_user_can_activate_and_download(world, login, api, target):
    lic, activation = target
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    web = login(world.license_user)
    for url in _web_urls(lic, activation):
        assert web.get(url).status_code == 200, url
    client = api(world.license_user)
    for url in _api_urls(lic, activation):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/api/v1/licenses/{lic.code}/activations",
        lrq(lic.code, 3, installation="5a0e7c1d-2b3f-4a5c-9d8e-7f6a5b4c3d2e"),
        content_type="application/xml",
    )
    assert response.status_code == 201


def test_an_activation_is_not_found_under_another_license(world, login, target):
    _, activation = target
    mine = activatable(world.org)
    client = login(world.license_admin)
    assert client.get(f"/licenses/{mine.code}/activations/{activation.pk}/").status_code == 404
    url = f"/licenses/{mine.code}/activations/{activation.pk}/license-file/"
    assert client.get(url).status_code == 404


def test_the_activation_list_shows_only_that_license(world, api, target):
    lic, activation = target
    other = activatable(world.org)
    services.activate(world.license_admin, other.code, lrq(other.code, 1))
    response = api(world.license_admin).get(f"/api/v1/licenses/{lic.code}/activations")
    assert [a["id"] for a in response.json()["items"]] == [activation.pk]


def _upload(lic):
    return SimpleUploadedFile("r.lrq", lrq(lic.code, 3))
