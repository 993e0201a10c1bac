"""A group form the server refuses (an empty name, a code the user cannot see) comes back
with what the picker had picked, so nothing has to be picked again; the name field is
checked in the browser before the form is sent."""

import json
import re

from licensedesk.groups.models import LicenseGroup
from licensedesk.groups.tests.factories import members


def picks(response) -> dict:
    found = re.search(
        r'<script id="picker-picks" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found[1]) if found else {}


def test_a_new_group_without_a_name_keeps_its_picked_licenses(world, scene, login):
    response = login(world.license_admin).post(
        "/groups/new/",
        {"name": "  ", "description": "Harbour", "add": f"{scene.shared.code} {scene.hidden.code}"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    restored = picks(response)
    assert [row["slc"] for row in restored["add"]] == [scene.shared.code, scene.hidden.code]
    shared = restored["add"][0]
    assert shared["product"]["name"] == scene.shared.product.name
    assert shared["description"] == "Harbour cameras"
    assert restored["remove"] == []
    assert not LicenseGroup.objects.filter(description="Harbour").exists()


def test_the_edit_form_keeps_additions_and_removals(world, scene, login):
    response = login(world.license_admin).post(
        f"/groups/{scene.admin_group.pk}/edit/",
        {"name": "", "add": scene.shared.code.lower(), "remove": scene.hidden.code},
    )
    restored = picks(response)
    assert [row["slc"] for row in restored["add"]] == [scene.shared.code]
    assert [row["slc"] for row in restored["remove"]] == [scene.hidden.code]
    assert members(scene.admin_group) == {scene.shared.code, scene.hidden.code}


def test_a_code_the_user_cannot_see_is_not_put_back(world, scene, login):
    response = login(world.license_user).post(
        "/groups/new/", {"name": "Sneaky", "add": f"{scene.shared.code} {scene.hidden.code}"}
    )
    assert "not among the licenses you can see" in response.content.decode()
    assert [row["slc"] for row in picks(response)["add"]] == [scene.shared.code]
    assert scene.hidden.code not in response.content.decode()


def test_the_first_visit_has_nothing_to_restore(world, login):
    response = login(world.license_admin).get("/groups/new/")
    assert picks(response) == {}


def test_the_name_is_required_in_the_browser_too(world, login):
    body = login(world.license_admin).get("/groups/new/").content.decode()
    assert "data-check-required" in body
    assert re.search(r'<input type="text" name="name"[^>]*required', body)
