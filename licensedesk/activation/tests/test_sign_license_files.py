from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from joserfc.errors import BadSignatureError

from licensedesk.activation.tests.factories import lrq, verify_with_joserfc
from licensedesk.licenses.models import License


def _jwks():
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.json()


def test_the_jwks_is_public_and_lists_ed25519_keys(db):
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    [key] = response.json()["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "d" not in key


def test_the_initial_file_verifies_with_joserfc(world, login, lic):
    response = login(world.license_admin).get(f"/licenses/{lic.code}/license-file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jose"
    assert response["Content-Disposition"] == f'attachment; filename="{lic.code}.lic"'
    header, payload = verify_with_joserfc(response.content.decode(), _jwks())
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "licensedesk-license+jws"
    assert header["kid"] == _jwks()["keys"][0]["kid"]
    assert payload["type"] == "initial"


def test_the_initial_file_states_the_license(world, api, lic):
    License.objects.filter(pk=lic.pk).update(
        care_plus_ends_on=date(2026, 12, 31), expires_on=date(2099, 1, 1)
    )
    response = api(world.license_admin).get(f"/api/v1/licenses/{lic.code}/license-file")
    assert response.status_code == 200
    _, payload = verify_with_joserfc(response.content.decode(), _jwks())
    assert payload["slc"] == lic.code
    assert payload["product"] == {"code": lic.product.code, "name": lic.product.name}
    assert payload["version"] == {"code": lic.version.code, "name": lic.version.name}
    assert payload["deviceLicenses"] == {"total": 10, "activated": 0}
    assert payload["care"] == {
        "plus": {"level": "Plus", "endsOn": "2026-12-31"},
        "premium": None,
    }
    assert payload["expiresOn"] == "2099-01-01"
    assert payload["licensee"] == world.org.name
    issued = timezone.datetime.fromisoformat(payload["issuedAt"].replace("Z", "+00:00"))
    assert abs(issued - timezone.now()) < timedelta(minutes=1)


def test_the_activated_file_lists_installation_request_and_devices(world, api, lic):
    body = lrq(lic.code, ["cam-a", "cam-b"], request_id="a3c5e1f0-8f0d-4c62-bb38-0f6a1d2e3c4b")
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{lic.code}/activations", body, content_type="application/xml"
    )
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/jose"
    header, payload = verify_with_joserfc(response.content.decode(), _jwks())
    assert payload["type"] == "activated"
    assert payload["slc"] == lic.code
    assert payload["deviceLicenses"] == {"total": 10, "activated": 2, "installation": 2}
    assert payload["installation"]["id"] == "6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f"
    assert payload["installation"]["hostname"] == "vms01"
    assert payload["request"] == {
        "id": "a3c5e1f0-8f0d-4c62-bb38-0f6a1d2e3c4b",
        "created": "2025-03-01T12:00:00Z",
    }
    assert [(d["hardwareId"], d["activated"]) for d in payload["devices"]] == [
        ("cam-a", True),
        ("cam-b", True),
    ]
    assert {"issuedAt", "care", "expiresOn", "product", "version"} <= payload.keys()


def test_the_api_answers_json_with_the_file_when_asked(world, api, lic):
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{lic.code}/activations",
        lrq(lic.code, 3),
        content_type="application/xml",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["activated"], body["refused"]) == (3, 0)
    assert response["Location"] == f"/api/v1/activations/{body['id']}/license-file"
    _, payload = verify_with_joserfc(body["license_file"], _jwks())
    assert payload["deviceLicenses"]["activated"] == 3


def test_a_file_altered_after_signing_fails_joserfc(world, login, lic):
    token = login(world.license_admin).get(f"/licenses/{lic.code}/license-file/").content.decode()
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    with pytest.raises(BadSignatureError):
        verify_with_joserfc(forged, _jwks())


def test_both_files_list_the_license_add_ons_in_catalog_order(world, api, lic):
    from licensedesk.catalog.models import Product

    lpr = Product.objects.create(code="LPR", name="License plate recognition", kind="addon")
    access = Product.objects.create(code="ACC", name="Access control", kind="addon")
    lic.addons.add(lpr, access)
    client = api(world.license_admin)

    initial = client.get(f"/api/v1/licenses/{lic.code}/license-file")
    _, payload = verify_with_joserfc(initial.content.decode(), _jwks())
    assert payload["addons"] == ["ACC", "LPR"]  # by name, as the catalog lists them

    activated = client.post(
        f"/api/v1/licenses/{lic.code}/activations",
        lrq(lic.code, ["cam-a"]),
        content_type="application/xml",
    )
    _, payload = verify_with_joserfc(activated.content.decode(), _jwks())
    assert payload["addons"] == ["ACC", "LPR"]
