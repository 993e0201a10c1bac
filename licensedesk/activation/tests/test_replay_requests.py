from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation.models import Activation, ActiveDevice, IdempotencyKey
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.licenses.models import License

REQUEST_ID = "3e0c1d2b-4a5f-4c6d-8e7f-9a0b1c2d3e4f"


def _post(client, lic, body, **headers):
    return client.post(
        f"/api/v1/licenses/{lic.code}/activations",
        body,
        content_type="application/xml",
        headers=headers,
    )


def _used(lic):
    return License.objects.get(pk=lic.pk).devices_used


def test_the_same_request_again_returns_the_same_file_and_uses_nothing(world, api, lic):
    client = api(world.license_user)
    body = lrq(lic.code, 4, request_id=REQUEST_ID)
    first = _post(client, lic, body)
    again = _post(client, lic, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.content == first.content
    assert Activation.objects.count() == 1
    assert ActiveDevice.objects.count() == 4 and _used(lic) == 4


def test_the_same_request_id_with_other_content_is_a_conflict(world, api, lic):
    client = api(world.license_user)
    _post(client, lic, lrq(lic.code, 4, request_id=REQUEST_ID))
    response = _post(client, lic, lrq(lic.code, 5, request_id=REQUEST_ID))
    assert response.status_code == 409
    assert response.json()["code"] == "request_id_reused"
    assert Activation.objects.count() == 1 and _used(lic) == 4


def test_a_request_replayed_on_the_web_says_so(world, login, lic):
    client = login(world.license_user)
    body = lrq(lic.code, 2, request_id=REQUEST_ID)
    first = client.post(f"/licenses/{lic.code}/activate/", _files(body))
    again = client.post(f"/licenses/{lic.code}/activate/", _files(body), follow=True)
    assert first.status_code == 302
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "processed before" in again.content.decode()
    assert _used(lic) == 2


def test_an_idempotency_key_replays_the_first_answer(world, api, lic):
    client = api(world.license_user)
    body = lrq(lic.code, 3)
    first = _post(client, lic, body, **{"Idempotency-Key": "retry-1"})
    again = _post(client, lic, body, **{"Idempotency-Key": "retry-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert Activation.objects.count() == 1 and _used(lic) == 3


def test_an_idempotency_key_with_another_body_is_422(world, api, lic):
    client = api(world.license_user)
    _post(client, lic, lrq(lic.code, 3), **{"Idempotency-Key": "retry-1"})
    response = _post(client, lic, lrq(lic.code, 4), **{"Idempotency-Key": "retry-1"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Activation.objects.count() == 1 and _used(lic) == 3


def test_idempotency_keys_belong_to_their_user(world, api, lic):
    _post(api(world.license_user), lic, lrq(lic.code, 3), **{"Idempotency-Key": "k"})
    response = _post(api(world.license_admin), lic, lrq(lic.code, 5), **{"Idempotency-Key": "k"})
    assert response.status_code == 201
    assert IdempotencyKey.objects.count() == 2


def test_an_idempotency_key_replays_nothing_on_another_license(world, api, lic):
    other = activatable(world.org, devices=10, grant_to=[world.license_user])
    client = api(world.license_user)
    body = lrq(lic.code, 3)
    first = _post(client, lic, body, **{"Idempotency-Key": "retry-1"})
    elsewhere = _post(client, other, body, **{"Idempotency-Key": "retry-1"})
    assert first.status_code == 201
    assert elsewhere.status_code == 422
    assert elsewhere.json()["code"] == "idempotency_key_reused"
    assert first.content.decode() not in elsewhere.content.decode()
    assert Activation.objects.count() == 1 and _used(other) == 0


def _files(body):
    return {"lrq": SimpleUploadedFile("request.lrq", body, content_type="application/xml")}
