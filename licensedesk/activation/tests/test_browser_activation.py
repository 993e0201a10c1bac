"""In a real browser: a License Admin downloads a registered license's file, activates more
devices than the license has device licenses for with an .lrq made by licensedesk-client,
reads how many could not be licensed, downloads the activated file, and both files verify
against the server's published keys (a tampered copy does not)."""

import base64
import json
import re

import pytest
from playwright.sync_api import expect

from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.tests.browser import log_in
from licensedesk.licenses import issuing, services
from licensedesk_client import jws
from licensedesk_client.cli import main as client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUOTA = 8
REQUESTED = 11
INSTALLATION = "0b7c4c1e-5a8e-4f0e-9a51-2f6a1d3c7e10"
REQUEST_ID = "6f1d2c3b-8e4a-4b5c-9d7e-1a2b3c4d5e6f"


@pytest.fixture
def signing_keys(monkeypatch, tmp_path):
    path = tmp_path / "signing_keys.json"
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(path))
    return path


def registered_license(world):
    """An SLC sold to the company and registered by its License Admin."""
    product = Product.objects.get_or_create(code="C01", defaults={"name": "Corporate"})[0]
    version = ProductVersion.objects.get_or_create(
        product=product, code="251", defaults={"name": "2025 R1"}
    )[0]
    [issued] = issuing.issue(
        product=product, version=version, device_licenses=QUOTA, partner=world.org
    )
    return services.register(world.license_admin, issued.code, new_customer="Harbour Hotel")


def download(page, link, target):
    """Click a download link and save the file; returns the suggested file name."""
    with page.expect_download() as info:
        link.click()
    info.value.save_as(target)
    assert info.value.failure() is None
    return info.value.suggested_filename


def verify(path, jwks_url) -> int:
    return client(["verify", str(path), "--jwks", jwks_url])


def tampered(path, tmp_path):
    """A copy whose payload says 100,000 device licenses, signature unchanged."""
    header, payload, signature = path.read_text().strip().split(".")
    data = json.loads(jws._b64decode(payload))
    data["deviceLicenses"]["total"] = 100_000
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    target = tmp_path / f"tampered-{path.name}"
    target.write_text(f"{header}.{forged}.{signature}")
    return target


def test_download_activate_over_quota_and_verify_the_files(
    page, live_server, screenshot, world, signing_keys, tmp_path, capsys
):
    lic = registered_license(world)
    jwks_url = f"{live_server.url}/.well-known/jwks.json"
    lrq_path = tmp_path / "request.lrq"
    assert (
        client(
            [
                "make-lrq",
                "--slc",
                lic.code,
                "--devices",
                str(REQUESTED),
                "--installation-id",
                INSTALLATION,
                "--request-id",
                REQUEST_ID,
                "--hostname",
                "vms-harbour.example.local",
                "-o",
                str(lrq_path),
            ]
        )
        == 0
    )

    log_in(page, world.license_admin)
    page.goto(f"/licenses/{lic.code}/")
    expect(page.get_by_role("heading", name=lic.code)).to_be_visible()
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(f"0 used of {QUOTA}")
    section = page.locator("#license-file")
    expect(section).to_contain_text("No activations yet.")
    screenshot("activation-license-detail-before")

    # The initial license file.
    initial = tmp_path / "initial.lic"
    name = download(page, section.get_by_role("link", name="Download license file (.lic)"), initial)
    assert name == f"{lic.code}.lic"

    # Upload the request: 11 devices listed, 8 device licenses.
    section.get_by_role("link", name="Activate device licenses").click()
    expect(page.get_by_role("heading", name="Activate device licenses")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Device licenses used: 0 of {QUOTA}")
    page.get_by_label("License request file (.lrq)").set_input_files(str(lrq_path))
    page.get_by_role("button", name="Activate").click()

    # The result says plainly how many devices could not be licensed.
    activation = Activation.objects.get(license=lic)
    expect(page).to_have_url(f"{live_server.url}/licenses/{lic.code}/activations/{activation.pk}/")
    refused = REQUESTED - QUOTA
    expect(page.get_by_role("alert")).to_contain_text(
        f"{refused} devices could not be licensed: all {QUOTA} device licenses of {lic.code} "
        "are in use."
    )
    stats = page.locator(".card.stat")
    expect(stats.filter(has_text="newly activated").locator(".num")).to_have_text(str(QUOTA))
    expect(stats.filter(has_text="not licensed").locator(".num")).to_have_text(str(refused))
    expect(page.locator("dl.facts").first).to_contain_text(f"{QUOTA} of {QUOTA}")
    not_licensed = page.locator("section.card", has_text="Not licensed").locator("li")
    expect(not_licensed).to_have_count(refused)
    expect(not_licensed.first).to_have_text("cam-000008")
    screenshot("activation-result-over-quota")

    activated = tmp_path / "activated.lic"
    name = download(
        page, page.get_by_role("link", name="Download activated license file"), activated
    )
    assert re.fullmatch(rf"{lic.code}-activated-\d{{8}}-\d{{6}}\.lic", name)
    assert activated.read_text() == activation.license_file

    # Back on the license: the quota used and the activation in the history.
    page.get_by_role("link", name=lic.code).first.click()
    expect(facts).to_contain_text(f"{QUOTA} used of {QUOTA}")
    history = section.locator("table").nth(1).locator("tbody tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td")).to_have_text(
        [
            re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"),
            re.compile("Lars"),
            re.compile(".+"),
            str(QUOTA),
            "0",
            "0",
            str(refused),
            ".lic",
        ]
    )
    installations = section.locator("table").first.locator("tbody tr")
    expect(installations).to_have_count(1)
    expect(installations.first).to_contain_text("vms-harbour.example.local")
    expect(installations.first).to_contain_text(INSTALLATION)
    screenshot("activation-license-detail-after")
    assert ActiveDevice.objects.filter(installation__license=lic).count() == QUOTA

    # Both files verify against the published keys; tampered copies do not.
    capsys.readouterr()
    assert verify(initial, jwks_url) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"VALID initial license file for {lic.code}")
    payload = json.loads(out.split("\n", 1)[1])
    assert payload["deviceLicenses"] == {"total": QUOTA, "activated": 0}
    assert payload["customer"] == "Harbour Hotel"

    assert verify(activated, jwks_url) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"VALID activated license file for {lic.code}")
    payload = json.loads(out.split("\n", 1)[1])
    assert payload["deviceLicenses"] == {"total": QUOTA, "activated": QUOTA, "installation": QUOTA}
    assert payload["installation"]["id"] == INSTALLATION
    assert payload["request"]["id"] == REQUEST_ID
    assert [d["activated"] for d in payload["devices"]] == [True] * QUOTA + [False] * refused

    for original in (initial, activated):
        assert verify(tampered(original, tmp_path), jwks_url) != 0
        assert "INVALID" in capsys.readouterr().err
