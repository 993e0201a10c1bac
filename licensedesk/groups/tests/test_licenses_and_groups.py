"""Groups seen from the licenses: when registering, on the detail page, as a filter of the
Licenses page, and adding many selected licenses to a group."""

from licensedesk.audit.models import AuditEvent
from licensedesk.groups.models import Membership
from licensedesk.groups.tests.factories import group, members, registered
from licensedesk.licenses import services as license_services
from licensedesk.licenses.models import License
from licensedesk.licenses.tests.factories import issue

ADD = "/groups/add-licenses/"


def test_registering_puts_the_license_in_the_chosen_groups(world, scene, api):
    lic = issue()
    response = api(world.license_admin).post_json(
        "/api/v1/licenses", {"slc": lic.code, "group_ids": [scene.admin_group.pk]}
    )
    assert response.status_code == 201
    assert response.json()["groups"] == [{"id": scene.admin_group.pk, "name": "Harbour sites"}]
    assert lic.code in members(scene.admin_group)


def test_registering_with_another_company_s_group_registers_nothing(world, scene):
    lic = issue()
    try:
        license_services.register(world.license_admin, lic.code, group_ids=[scene.their_group.pk])
    except license_services.ServiceError as exc:
        assert exc.status == 400
    else:
        raise AssertionError("registered with another company's group")
    lic.refresh_from_db()
    assert lic.organization_id is None
    assert not Membership.objects.filter(license=lic).exists()


def test_a_license_user_registers_only_into_their_own_groups(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user)
    lic = issue()
    form = login(world.license_user).get("/licenses/register/").context["form"]
    assert [pk for pk, _ in form.fields["group_ids"].choices] == [mine.pk]
    login(world.license_user).post(
        "/licenses/register/", {"slc": lic.code, "group_ids": [scene.admin_group.pk]}
    )
    assert not Membership.objects.filter(license__code=lic.code).exists()


def test_the_detail_page_shows_the_license_s_groups(world, scene, login):
    group(world.other_org, "Harbour sites elsewhere")
    response = login(world.license_user).get(f"/licenses/{scene.shared.code}/")
    body = response.content.decode()
    assert "Harbour sites" in body
    assert "elsewhere" not in body


def test_the_detail_page_saves_the_ticked_groups(world, scene, login):
    airport = group(world.org, "Airport")
    login(world.license_admin).post(
        f"/licenses/{scene.hidden.code}/groups/", {"group_ids": [airport.pk]}
    )
    assert set(
        Membership.objects.filter(license=scene.hidden).values_list("group__name", flat=True)
    ) == {"Airport"}
    assert AuditEvent.objects.filter(action="license.groups").exists()


def test_a_license_user_s_ticks_keep_admin_groups_as_they_are(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user)
    login(world.license_user).post(
        f"/licenses/{scene.shared.code}/groups/", {"group_ids": [mine.pk]}
    )
    assert set(scene.shared.groups.values_list("name", flat=True)) == {"Harbour sites", "Mine"}


def test_ticking_a_foreign_or_admin_group_changes_nothing(world, scene, login):
    login(world.license_user).post(
        f"/licenses/{scene.shared.code}/groups/",
        {"group_ids": [scene.their_group.pk, scene.admin_group.pk]},
    )
    assert set(scene.shared.groups.values_list("name", flat=True)) == {"Harbour sites"}


def test_the_licenses_page_filters_by_group(world, scene, login):
    registered(world.org)
    response = login(world.license_admin).get("/licenses/", {"group": scene.admin_group.pk})
    assert {lic.code for lic in response.context["page"]} == {scene.shared.code, scene.hidden.code}
    response = login(world.license_user).get("/licenses/", {"group": scene.admin_group.pk})
    assert [lic.code for lic in response.context["page"]] == [scene.shared.code]


def test_filtering_by_another_company_s_group_shows_nothing(world, scene, login, api):
    response = login(world.license_admin).get("/licenses/", {"group": scene.their_group.pk})
    assert list(response.context["page"]) == []
    body = api(world.license_admin).get("/api/v1/licenses", {"group": scene.their_group.pk}).json()
    assert body["count"] == 0


def test_the_licenses_page_offers_only_the_company_s_groups(world, scene, login):
    response = login(world.license_user).get("/licenses/")
    assert [g.name for g in response.context["groups"]] == ["Harbour sites"]
    assert list(response.context["editable_groups"]) == []


def test_many_selected_licenses_are_added_to_a_group(world, scene, login):
    extra = [registered(world.org) for _ in range(3)]
    airport = group(world.org, "Airport")
    response = login(world.license_admin).post(
        ADD, {"group_id": airport.pk, "license_ids": [lic.pk for lic in extra], "back": "q=x"}
    )
    assert response["Location"] == "/licenses/?q=x"
    assert members(airport) == {lic.code for lic in extra}


def test_bulk_add_refuses_foreign_or_unseen_licenses_and_adds_nothing(world, scene, login):
    mine = group(world.org, "Mine", by=world.license_user)
    login(world.license_user).post(
        ADD, {"group_id": mine.pk, "license_ids": [scene.shared.pk, scene.hidden.pk]}
    )
    login(world.license_user).post(
        ADD, {"group_id": mine.pk, "license_ids": [scene.shared.pk, scene.theirs.pk]}
    )
    assert members(mine) == set()


def test_bulk_add_checks_the_group(world, scene, login):
    body = {"license_ids": [scene.shared.pk]}
    assert (
        login(world.license_admin).post(ADD, {**body, "group_id": scene.their_group.pk}).status_code
        == 404
    )
    assert login(world.license_admin).post(ADD, {**body, "group_id": "x"}).status_code == 404
    assert (
        login(world.license_user).post(ADD, {**body, "group_id": scene.admin_group.pk}).status_code
        == 403
    )
    assert (
        login(world.no_role).post(ADD, {**body, "group_id": scene.admin_group.pk}).status_code
        == 403
    )
    assert scene.shared.code not in members(scene.their_group)


def test_a_deleted_license_group_leaves_the_license(world, scene):
    scene.admin_group.delete()
    assert License.objects.get(pk=scene.shared.pk).organization == world.org
