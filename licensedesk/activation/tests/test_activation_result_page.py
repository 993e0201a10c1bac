from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable, lrq


def _upload(client, lic, devices):
    upload = SimpleUploadedFile("request.lrq", lrq(lic.code, devices))
    return client.post(f"/licenses/{lic.code}/activate/", {"lrq": upload}, follow=True)


def test_the_result_page_says_which_devices_could_not_be_licensed(world, login):
    lic = activatable(world.org, devices=3)
    response = _upload(login(world.license_admin), lic, ["d1", "d2", "d3", "d4", "d5"])
    activation = Activation.objects.get()
    assert response.redirect_chain == [(f"/licenses/{lic.code}/activations/{activation.pk}/", 302)]
    html = response.content.decode()
    assert "2 devices could not be licensed:" in html
    assert f"all 3 device licenses of {lic.code} are in use" in html
    assert "not licensed" in html
    assert "<li><code>d4</code></li><li><code>d5</code></li>" in html
    assert "3 of 3" in html


def test_the_result_page_confirms_when_every_device_is_licensed(world, login, lic):
    html = _upload(login(world.license_user), lic, ["d1", "d2"]).content.decode()
    assert "All 2 listed devices are licensed." in html
    assert "could not be licensed" not in html


def test_the_result_page_offers_the_activated_file(world, login, lic):
    client = login(world.license_user)
    _upload(client, lic, ["d1"])
    activation = Activation.objects.get()
    url = f"/licenses/{lic.code}/activations/{activation.pk}/license-file/"
    assert url in client.get(f"/licenses/{lic.code}/activations/{activation.pk}/").content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/jose"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{lic.code}-activated-'
    )
    assert response.content.decode() == activation.license_file
