"""In a real browser, a License Admin picking licenses for a new group: a missing name is
caught before anything is sent, and a save the server refuses comes back with every pick."""

import pytest
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.groups.models import LicenseGroup
from licensedesk.groups.tests.factories import customer, members, registered
from licensedesk.groups.tests.test_browser_groups import Picker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def harbour(world):
    hotel = customer(world.org, "Harbour Hotel")
    return [
        registered(world.org, cust=hotel, description=f"Harbour {n}") for n in ("quay", "lobby")
    ]


def test_an_empty_name_is_caught_in_the_browser_and_the_picks_stay(
    page, live_server, screenshot, world, harbour
):
    quay, lobby = harbour
    log_in(page, world.license_admin)
    page.goto("/groups/new/")
    picker = Picker(page)
    picker.search("harbour", 2)
    picker.click(quay)
    picker.click(lobby)
    picker.expect_selected(quay, lobby)

    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    page.get_by_role("button", name="Create").click()

    name = page.get_by_label("Name")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error .error")).to_have_text("This field is required.")
    picker.expect_selected(quay, lobby)
    screenshot("group-form-name-required")
    assert requests == []

    name.fill("Harbour sites")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Harbour sites")).to_be_visible()
    assert members(LicenseGroup.objects.get(name="Harbour sites")) == {quay.code, lobby.code}


def test_a_save_the_server_refuses_comes_back_with_every_pick(
    page, live_server, screenshot, world, harbour
):
    quay, lobby = harbour
    log_in(page, world.license_admin)
    page.goto("/groups/new/")
    picker = Picker(page)
    picker.search("harbour", 2)
    picker.click(lobby)
    picker.expect_selected(lobby)
    # A name the browser lets through and the server refuses (a control character).
    page.get_by_label("Name").evaluate("(input) => { input.value = 'Harbour\\u0007' }")
    page.get_by_role("button", name="Create").click()

    expect(page.locator(".field.has-error .error")).to_contain_text("This text")
    picker = Picker(page)
    picker.expect_selected(lobby)
    expect(picker.selected.filter(has_text=lobby.code)).to_contain_text(
        "Harbour Hotel · Harbour lobby"
    )
    screenshot("group-form-refused-keeps-picks")
    assert not LicenseGroup.objects.exists()

    page.get_by_label("Name").fill("Harbour lobby")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Harbour lobby")).to_be_visible()
    assert members(LicenseGroup.objects.get(name="Harbour lobby")) == {lobby.code}
