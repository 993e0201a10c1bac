"""A bulk action on the Licenses page refused for a missing choice (no License User, no group,
nothing ticked) says what to choose and brings the page back with the same rows ticked.
Rows have checkboxes only for a user who has a bulk action to use them with."""

import re

import pytest

from licensedesk.groups.tests.factories import group
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories

GRANT = "/licenses/grant/"
ADD = "/groups/add-licenses/"


def ticked_boxes(body: str) -> set[int]:
    return {
        int(value)
        for value in re.findall(
            r'<input type="checkbox" name="license_ids" value="(\d+)"[^>]*checked', body
        )
    }


def row_boxes(body: str) -> int:
    return len(re.findall(r'name="license_ids"', body))


@pytest.fixture
def three(world):
    return [factories.registered(world.org) for _ in range(3)]


@pytest.mark.parametrize("action", ["grant", "revoke"])
def test_grant_without_a_user_asks_for_one_and_keeps_the_rows_ticked(login, world, three, action):
    admin = login(world.license_admin)
    a, b, _ = three
    r = admin.post(
        GRANT,
        {"license_ids": [a.pk, b.pk], "user_id": "", "action": action, "back": "size=25"},
    )
    assert r["Location"] == "/licenses/?size=25"
    page = admin.get(r["Location"]).content.decode()
    assert "Choose a License User first." in page
    assert "must be numbers" not in page
    assert ticked_boxes(page) == {a.pk, b.pk}
    assert not LicenseGrant.objects.exists()
    # Shown once: the next visit starts with nothing ticked.
    assert ticked_boxes(admin.get("/licenses/").content.decode()) == set()


def test_grant_with_nothing_ticked_asks_for_licenses(login, world, three):
    admin = login(world.license_admin)
    r = admin.post(GRANT, {"user_id": world.license_user.pk, "action": "grant"})
    assert "Select licenses first." in admin.get(r["Location"]).content.decode()
    assert not LicenseGrant.objects.exists()


def test_a_refused_user_also_keeps_the_rows_ticked(login, world, three):
    admin = login(world.license_admin)
    a = three[0]
    r = admin.post(
        GRANT, {"license_ids": [a.pk], "user_id": world.outsider_user.pk, "action": "grant"}
    )
    assert ticked_boxes(admin.get(r["Location"]).content.decode()) == {a.pk}
    assert not LicenseGrant.objects.exists()


def test_kept_ids_only_tick_rows_the_user_sees(login, world, three):
    theirs = factories.registered(world.other_org)
    admin = login(world.license_admin)
    r = admin.post(GRANT, {"license_ids": [three[0].pk, theirs.pk], "action": "grant"})
    page = admin.get(r["Location"]).content.decode()
    assert ticked_boxes(page) == {three[0].pk}
    assert theirs.code not in page


def test_add_to_group_without_a_group_asks_for_one_and_keeps_the_rows_ticked(login, world, three):
    harbour = group(world.org, "Harbour sites", by=world.license_admin)
    admin = login(world.license_admin)
    r = admin.post(ADD, {"license_ids": [three[0].pk], "group_id": ""})
    assert r.status_code == 302
    page = admin.get(r["Location"]).content.decode()
    assert "Choose a group first." in page
    assert ticked_boxes(page) == {three[0].pk}
    assert not harbour.memberships.exists()


def test_a_license_user_without_groups_sees_no_row_checkboxes(login, world):
    factories.registered(world.org, grant_to=[world.license_user])
    page = login(world.license_user).get("/licenses/").content.decode()
    assert row_boxes(page) == 0
    assert 'data-select-all="license_ids"' not in page
    assert "With the selected licenses" not in page


def test_a_license_user_with_a_group_of_their_own_can_tick_rows_to_add(login, world):
    factories.registered(world.org, grant_to=[world.license_user])
    group(world.org, "My sites", by=world.license_user)
    page = login(world.license_user).get("/licenses/").content.decode()
    assert row_boxes(page) == 1
    assert "Add to group" in page
    assert "Grant access" not in page


def test_a_license_admin_can_tick_rows(login, world, three):
    page = login(world.license_admin).get("/licenses/").content.decode()
    assert row_boxes(page) == 3
    assert "Grant access" in page
