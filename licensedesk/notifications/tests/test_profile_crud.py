"""Notification profiles in the UI and the API: License Admins manage them; bad input is a
4xx and changes nothing; nothing of another company can be chosen."""

import pytest

from licensedesk import access
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests.factories import customer
from licensedesk.notifications import services
from licensedesk.notifications.models import NotificationProfile, ProfileLead
from licensedesk.notifications.tests.helpers import profile

URL = "/api/v1/notification-profiles"


def snapshot():
    return (
        list(NotificationProfile.objects.order_by("pk").values()),
        sorted(ProfileLead.objects.values_list("profile_id", "days")),
        sorted(NotificationProfile.groups.through.objects.values_list("pk", flat=True)),
        sorted(NotificationProfile.users.through.objects.values_list("pk", flat=True)),
    )


def leads(prof) -> list[int]:
    return sorted(ProfileLead.objects.filter(profile=prof).values_list("days", flat=True))


def test_a_license_admin_creates_a_profile_for_groups_in_the_ui(world, login):
    grp = group(world.org, "Harbour sites", description="All harbour installations")
    response = login(world.license_admin).post(
        "/notifications/profiles/new/",
        {
            "name": "Harbour Care",
            "scope": "groups",
            "group_ids": [grp.pk],
            "events": ["care_ending", "care_ended"],
            "lead_times": "60, 14",
            "user_ids": [world.license_user.pk],
            "extra_emails": "desk@northwind.example",
            "email_enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    prof = NotificationProfile.objects.get()
    assert list(prof.groups.all()) == [grp]
    assert list(prof.users.all()) == [world.license_user]
    assert prof.lead_times == [60, 14]
    assert leads(prof) == [-1, 14, 60]  # -1: Care ended
    assert prof.webhook_secret  # made for later


def test_the_profile_form_lets_groups_be_found_by_their_description(world, login):
    group(world.org, "Harbour sites", description="All harbour installations")
    page = login(world.license_admin).get("/notifications/profiles/new/").content.decode()
    assert 'data-text="harbour sites all harbour installations"' in page


def test_editing_a_profile_updates_its_lead_rows(world, login):
    prof = profile(world.license_admin, events=["care_ending"], lead_times=[30])
    assert leads(prof) == [30]
    login(world.license_admin).post(
        f"/notifications/profiles/{prof.pk}/",
        {
            "name": prof.name,
            "scope": "all",
            "events": ["care_ended"],
            "lead_times": "30",
            "extra_emails": "desk@northwind.example",
            "email_enabled": "on",
        },
    )
    assert leads(prof) == [-1]


def test_deleting_a_profile(world, login):
    prof = profile(world.license_admin)
    login(world.license_admin).post(f"/notifications/profiles/{prof.pk}/delete/")
    assert not NotificationProfile.objects.exists() and not ProfileLead.objects.exists()


def test_the_profile_list_searches_name_description_and_group(world, login):
    grp = group(world.org, "Harbour sites")
    profile(world.license_admin, "Harbour", scope="groups", group_ids=[grp.pk])
    profile(world.license_admin, "Airport", description="Terminal cameras")
    profile(world.outsider, "Harbour of Contoso", extra_emails=["x@contoso.example"])
    client = login(world.license_admin)
    page = client.get("/notifications/profiles/?q=terminal").content.decode()
    assert "Airport" in page and ">Harbour<" not in page
    page = client.get("/notifications/profiles/?q=harbour sites").content.decode()
    assert ">Harbour<" in page and "Contoso" not in page


def test_the_api_creates_reads_patches_and_deletes_a_profile(world, api):
    grp = group(world.org)
    client = api(world.license_admin)
    response = client.post_json(
        URL,
        {
            "name": "Harbour",
            "scope": "groups",
            "group_ids": [grp.pk],
            "events": ["care_ending"],
            "lead_times": [30],
            "user_ids": [world.license_admin.pk],
        },
    )
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    assert response.json()["group_ids"] == [grp.pk]
    assert client.get(f"{URL}?search=harbour").json()["items"][0]["id"] == pid
    response = client.patch_json(f"{URL}/{pid}", {"events": ["care_ending", "care_ended"]})
    assert response.status_code == 200, response.content
    assert leads(NotificationProfile.objects.get()) == [-1, 30]
    assert client.delete(f"{URL}/{pid}").status_code == 204
    assert not NotificationProfile.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "events": ["care_ending"]},
        {"name": "X", "events": []},
        {"name": "X", "events": ["world_ending"]},
        {"name": "X", "events": ["care_ending"], "lead_times": [-3]},
        {"name": "X", "events": ["care_ending"], "lead_times": [5000]},
        {"name": "X", "events": ["care_ending"], "extra_emails": ["not an email"]},
        {"name": "X", "events": ["care_ending"], "extra_emails": []},  # nobody to tell
        {"name": "X", "events": ["care_ending"], "scope": "groups"},  # no group
        {"name": "X", "events": ["care_ending"], "scope": "customers"},  # no customer
        {"name": "X", "events": ["care_ending"], "organization_id": 2},
        {"name": "X", "events": ["care_ending"], "webhook_secret": "mine"},
    ],
)
def test_bad_input_in_the_api_is_refused_and_nothing_is_saved(world, api, data):
    if "extra_emails" not in data:
        data = {**data, "extra_emails": ["desk@northwind.example"]}
    response = api(world.license_admin).post_json(URL, data)
    assert 400 <= response.status_code < 500, response.content
    assert not NotificationProfile.objects.exists()


def test_groups_customers_and_users_of_another_company_are_refused(world, api):
    theirs = {
        "group_ids": [group(world.other_org, "Contoso group").pk],
        "customer_ids": [customer(world.other_org, "Contoso client").pk],
        "user_ids": [world.outsider_user.pk],
    }
    client = api(world.license_admin)
    for key, ids in theirs.items():
        scope = {"group_ids": "groups", "customer_ids": "customers"}.get(key, "all")
        response = client.post_json(
            URL, {"name": "X", "events": ["care_ending"], "scope": scope, key: ids}
        )
        assert response.status_code == 400, response.content
    assert not NotificationProfile.objects.exists()


def test_a_deactivated_user_cannot_be_made_a_recipient(world, api):
    world.license_user.is_active = False
    world.license_user.save()
    response = api(world.license_admin).post_json(
        URL, {"name": "X", "events": ["care_ending"], "user_ids": [world.license_user.pk]}
    )
    assert response.status_code == 400


def test_a_bad_patch_changes_nothing(world, api):
    grp = group(world.org)
    prof = profile(world.license_admin, scope="groups", group_ids=[grp.pk])
    before = snapshot()
    client = api(world.license_admin)
    for data in (
        {"group_ids": []},
        {"scope": "customers"},
        {"lead_times": [-1]},
        {"user_ids": [world.outsider.pk]},
        {"webhook_url": "http://example.com/"},
        {"name": ""},
    ):
        response = client.patch_json(f"{URL}/{prof.pk}", data)
        assert response.status_code == 400, (data, response.content)
    assert snapshot() == before


def test_a_duplicate_name_is_a_conflict(world, api):
    profile(world.license_admin, "Care desk")
    response = api(world.license_admin).post_json(
        URL, {"name": "care DESK", "events": ["care_ending"], "extra_emails": ["a@b.example"]}
    )
    assert response.status_code == 409
    assert NotificationProfile.objects.count() == 1


@pytest.mark.parametrize("who", ["license_user", "no_role"])
def test_only_license_admins_create_profiles(world, api, login, who):
    user = getattr(world, who)
    data = {"name": "Mine", "events": ["care_ending"], "extra_emails": ["a@b.example"]}
    assert api(user).post_json(URL, data).status_code == 403
    ui = {**data, "scope": "all", "extra_emails": "a@b.example"}
    assert login(user).post("/notifications/profiles/new/", ui).status_code == 403
    assert not NotificationProfile.objects.exists()


def test_the_service_refuses_a_license_user_itself(world):
    prof = profile(world.license_admin, "Care desk")
    data = {"name": "Mine", "events": ["care_ending"], "extra_emails": ["a@b.example"]}
    with pytest.raises(access.Forbidden) as refused:
        services.create_profile(world.license_user, data)
    assert refused.value.right == "notification_profiles"
    with pytest.raises(access.Forbidden):
        services.update_profile(world.license_user, prof, {"name": "Mine"})
    assert list(NotificationProfile.objects.values_list("name", flat=True)) == ["Care desk"]
