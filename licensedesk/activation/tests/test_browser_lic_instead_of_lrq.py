"""In a real browser: a License User downloads the license file and then, on Activate,
picks that .lic instead of the .lrq the customer's system wrote; the page says which file
to take, and nothing is activated."""

import pytest
from playwright.sync_api import expect

from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable
from licensedesk.core.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _signing_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))


def test_uploading_the_license_file_says_to_take_the_request(
    page, live_server, screenshot, world, tmp_path
):
    lic = activatable(world.org, devices=4, grant_to=[world.license_user])
    log_in(page, world.license_user)
    page.goto(f"/licenses/{lic.code}/")
    section = page.locator("#license-file")
    with page.expect_download() as download:
        section.get_by_role("link", name="Download license file (.lic)").click()
    license_file = tmp_path / f"{lic.code}.lic"
    download.value.save_as(license_file)

    section.get_by_role("link", name="Activate device licenses").click()
    page.get_by_label("License request file (.lrq)").set_input_files(str(license_file))
    page.get_by_role("button", name="Activate").click()

    expect(page.locator(".field.has-error .error")).to_have_text(
        "This is a license file (.lic); upload the license request file (.lrq) your system wrote."
    )
    expect(page.get_by_role("heading", name="Activate device licenses")).to_be_visible()
    screenshot("activation-lic-instead-of-lrq")
    assert not Activation.objects.exists()
