"""Creating a group in the UI (picker or code box) and with POST /api/v1/license-groups."""

import pytest
from django.db import connection

from licensedesk.audit.models import AuditEvent
from licensedesk.groups import services
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.groups.tests.factories import group, members

URL = "/groups/new/"
API = "/api/v1/license-groups"


def test_it_creates_a_group_with_licenses_picked_by_slc(world, scene, login):
    response = login(world.license_admin).post(
        URL,
        {"name": "Vault", "description": "Where the money is", "add": [scene.hidden.code]},
    )
    made = LicenseGroup.objects.get(name="Vault")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{made.pk}/"
    assert (made.organization, made.description, made.created_by) == (
        world.org,
        "Where the money is",
        world.license_admin,
    )
    assert members(made) == {scene.hidden.code}


def test_a_license_picked_then_unpicked_is_not_in_the_new_group(world, scene, login):
    # The picker posts what was added and what was removed again, as space-separated SLCs.
    login(world.license_admin).post(
        URL,
        {
            "name": "Picked",
            "add": f"{scene.shared.code} {scene.hidden.code}",
            "remove": f"{scene.hidden.code.lower()} {scene.theirs.code}",
        },
    )
    assert members(LicenseGroup.objects.get(name="Picked")) == {scene.shared.code}


def test_a_form_with_a_code_the_user_cannot_see_makes_no_group(world, scene, login):
    response = login(world.license_user).post(
        URL, {"name": "Sneaky", "add": f"{scene.shared.code} {scene.hidden.code}"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "not among the licenses you can see" in response.content.decode()
    assert not LicenseGroup.objects.filter(name="Sneaky").exists()


def test_it_takes_codes_typed_in_the_fallback_box(world, scene, login):
    codes = f"{scene.shared.code}\n {scene.hidden.code.lower()}\n"
    login(world.license_admin).post(URL, {"name": "Typed", "codes": codes})
    assert members(LicenseGroup.objects.get(name="Typed")) == {
        scene.shared.code,
        scene.hidden.code,
    }


def test_the_picker_can_add_thousands_of_licenses_in_one_submit(world, scene, login):
    # The picker joins its changes into one field: Django refuses forms with more than
    # DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields.
    codes = [scene.shared.code, scene.hidden.code] * 600
    response = login(world.license_admin).post(URL, {"name": "Many", "add": " ".join(codes)})
    assert response.status_code == 302
    assert len(members(LicenseGroup.objects.get(name="Many"))) == 2


def test_an_empty_group_is_allowed(world, login):
    login(world.license_user).post(URL, {"name": "Later"})
    made = LicenseGroup.objects.get(name="Later")
    assert (made.created_by, made.licenses.count()) == (world.license_user, 0)


def test_it_requires_a_name(world, login):
    response = login(world.license_admin).post(URL, {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not LicenseGroup.objects.exists()


def test_it_refuses_a_name_taken_in_any_case(world, scene, login):
    response = login(world.license_admin).post(URL, {"name": "HARBOUR  sites"})
    assert "already has a group with this name" in str(response.context["form"].errors)
    assert LicenseGroup.objects.filter(organization=world.org).count() == 1


def test_another_company_may_use_the_same_name(world, scene, login):
    login(world.outsider).post(URL, {"name": "Harbour sites"})
    assert LicenseGroup.objects.filter(name="Harbour sites").count() == 2


def test_it_refuses_a_license_of_another_company_and_creates_nothing(world, scene, login):
    response = login(world.license_admin).post(
        URL, {"name": "Sneaky", "add": [scene.shared.code, scene.theirs.code]}
    )
    assert response.status_code == 200
    assert "not among the licenses you can see" in str(response.context["form"].errors)
    assert scene.theirs.code not in response.content.decode()
    assert not LicenseGroup.objects.filter(name="Sneaky").exists()


def test_a_license_user_cannot_add_a_license_they_cannot_see(world, scene, login):
    login(world.license_user).post(URL, {"name": "Peek", "add": [scene.hidden.code]})
    assert not LicenseGroup.objects.filter(name="Peek").exists()


def test_a_license_user_creates_a_group_of_granted_licenses(world, scene, login):
    login(world.license_user).post(URL, {"name": "Mine", "add": [scene.shared.code]})
    assert members(LicenseGroup.objects.get(name="Mine")) == {scene.shared.code}


def test_role_none_may_not_create(world, login):
    assert login(world.no_role).get(URL).status_code == 403
    assert login(world.no_role).post(URL, {"name": "X"}).status_code == 403
    assert not LicenseGroup.objects.exists()


def test_it_is_audited(world, scene, login):
    login(world.license_admin).post(URL, {"name": "Vault", "add": [scene.hidden.code]})
    event = AuditEvent.objects.get(action="group.create")
    assert (event.actor, event.target_label, event.changes) == (
        world.license_admin,
        "Vault",
        {"licenses": 1},
    )


def test_a_failure_half_way_leaves_no_group(world, scene, monkeypatch):
    def broken(*args, **kwargs):  # the last write, after the group and its memberships
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        services.create_group(world.license_admin, name="Half", slcs=[scene.hidden.code])
    assert not LicenseGroup.objects.filter(name="Half").exists()
    assert Membership.objects.filter(license=scene.hidden).count() == 1  # admin_group only


def test_the_api_creates_a_group_from_slcs(world, scene, api):
    response = api(world.license_admin).post_json(
        API, {"name": "Vault", "description": "d", "licenses": [scene.hidden.code.lower()]}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["description"], body["license_count"]) == ("Vault", "d", 1)
    assert body["licenses"] == [scene.hidden.code]
    assert body["created_by_id"] == world.license_admin.pk


def test_the_api_answers_a_create_with_the_group_as_reading_it_back_would(world, scene, api):
    # The answer is built from the codes given, not read back: codes typed twice, in lower
    # case or with spaces are one license each, sorted as the group's own page sorts them.
    client = api(world.license_admin)
    typed = [scene.shared.code, f" {scene.hidden.code.lower()} ", scene.shared.code]
    created = client.post_json(API, {"name": "Both", "licenses": typed}).json()
    read_back = client.get(f"{API}/{created['id']}").json()
    assert created == read_back
    assert created["license_count"] == 2
    assert created["licenses"] == sorted([scene.shared.code, scene.hidden.code])


def test_a_code_with_characters_no_code_has_is_refused(world, scene, api):
    # Codes travel to PostgreSQL as one comma-separated string: "A,B" beside "A" must not
    # pass for the two licenses A and B.
    joined = f"{scene.hidden.code},{scene.shared.code}"
    response = api(world.license_admin).post_json(
        API, {"name": "Odd", "licenses": [joined, scene.hidden.code]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_licenses"
    assert not LicenseGroup.objects.filter(name="Odd").exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_the_api_refuses_an_empty_name(world, api, name):
    response = api(world.license_admin).post_json(API, {"name": name})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_name"
    assert not LicenseGroup.objects.exists()


def test_the_api_refuses_a_duplicate_name_in_any_case_with_409(world, scene, api):
    response = api(world.license_admin).post_json(API, {"name": "harbour SITES"})
    assert response.status_code == 409
    assert response.json()["code"] == "name_taken"


def test_the_api_refuses_licenses_of_another_company_or_unseen_ones(world, scene, api):
    for user, code in (
        (world.license_admin, scene.theirs.code),
        (world.license_user, scene.hidden.code),
    ):
        response = api(user).post_json(API, {"name": "Sneaky", "licenses": [code]})
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_licenses"
        assert code not in response.content.decode()
    assert not LicenseGroup.objects.filter(name="Sneaky").exists()


def test_one_unseen_code_among_seen_ones_refuses_the_whole_group(world, scene, api):
    before = Membership.objects.count()
    response = api(world.license_admin).post_json(
        API,
        {"name": "Mixed", "licenses": [scene.shared.code, scene.hidden.code, scene.theirs.code]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_licenses"
    assert not LicenseGroup.objects.filter(name="Mixed").exists()
    assert Membership.objects.count() == before  # nothing half-written


def test_the_api_ignores_no_company_set_in_the_body(world, api):
    response = api(world.license_admin).post_json(
        API, {"name": "Mass", "organization": world.other_org.pk}
    )
    assert response.status_code == 422
    assert not LicenseGroup.objects.exists()


def test_the_api_refuses_role_none(world, api):
    assert api(world.no_role).post_json(API, {"name": "X"}).status_code == 403


def test_a_concurrent_create_of_the_same_name_is_a_conflict(world, monkeypatch):
    group(world.org, "Taken")
    # The name check passed before the other create committed: the constraint decides.
    monkeypatch.setattr(services, "clean_name", lambda user, name, exclude_pk=None: name)
    with pytest.raises(services.Conflict):
        services.create_group(world.license_admin, name="TAKEN")


@pytest.mark.parametrize("variant", ["İZMİR SITES", "İZMIR SITES", "izmir sites"])
def test_a_name_in_another_case_is_taken_as_the_database_holds_it_unique(world, api, variant):
    group(world.org, "İzmir sites")
    r = api(world.license_admin).post_json(API, {"name": variant})
    with connection.cursor() as cursor:
        cursor.execute("SELECT LOWER(%s) = LOWER(%s)", ["İzmir sites", variant])
        same = bool(cursor.fetchone()[0])
    assert r.status_code == (409 if same else 201)
    assert LicenseGroup.objects.filter(organization=world.org).count() == (1 if same else 2)
