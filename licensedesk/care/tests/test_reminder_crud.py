"""Setting up Care reminders in the UI and the API: good input saved, bad input refused with
a 4xx and nothing changed; reminders are personal."""

import pytest

from licensedesk import access
from licensedesk.care import reminders
from licensedesk.care.models import CareReminder, ReminderLead
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.tests.helpers import reminder

URL = "/api/v1/care-reminders"


@pytest.fixture
def lic(world):
    return registered(world.org, grant_to=[world.license_user])


def leads(rem) -> list[int]:
    return sorted(ReminderLead.objects.filter(reminder=rem).values_list("days", flat=True))


def snapshot():
    return (
        list(CareReminder.objects.order_by("pk").values()),
        sorted(ReminderLead.objects.values_list("reminder_id", "days")),
    )


def test_a_user_sets_a_reminder_for_a_group_in_the_ui(world, login):
    grp = group(world.org)
    response = login(world.license_user).post(
        "/care/reminders/new/",
        {
            "scope": "group",
            "group_id": grp.pk,
            "lead_times": ["30", "7"],
            "other_lead": "45",
            "notify_me": "on",
            "extra_emails": "Boss@Northwind.example, ops@northwind.example",
        },
    )
    assert response.status_code == 302
    rem = CareReminder.objects.get()
    assert (rem.owner, rem.scope, rem.group) == (world.license_user, "group", grp)
    assert rem.lead_times == [45, 30, 7]
    assert leads(rem) == [7, 30, 45]
    assert rem.extra_emails == ["boss@northwind.example", "ops@northwind.example"]


def test_a_user_sets_a_reminder_for_one_license_by_its_code(world, login, lic):
    login(world.license_user).post(
        "/care/reminders/new/",
        {"scope": "license", "slc": lic.code.lower(), "lead_times": ["90"], "notify_me": "on"},
    )
    assert CareReminder.objects.get().license == lic


def test_the_reminder_list_shows_only_my_reminders(world, login):
    reminder(world.license_user, extra_emails=["mine@northwind.example"])
    reminder(world.license_admin, extra_emails=["theirs@northwind.example"])
    page = login(world.license_user).get("/care/reminders/").content.decode()
    assert "mine@northwind.example" in page and "theirs@northwind.example" not in page


def test_editing_a_reminder_replaces_its_lead_times(world, login):
    rem = reminder(world.license_user)
    login(world.license_user).post(
        f"/care/reminders/{rem.pk}/",
        {"scope": "all", "lead_times": ["7"], "notify_me": "on"},
    )
    rem.refresh_from_db()
    assert rem.lead_times == [7] and leads(rem) == [7]


def test_deleting_a_reminder(world, login):
    rem = reminder(world.license_user)
    assert login(world.license_user).post(f"/care/reminders/{rem.pk}/delete/").status_code == 302
    assert not CareReminder.objects.exists() and not ReminderLead.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "all", "other_lead": "-1", "notify_me": "on"},
        {"scope": "all", "other_lead": "100000", "notify_me": "on"},
        {"scope": "all", "other_lead": "soon", "notify_me": "on"},
        {"scope": "all", "lead_times": ["90"], "extra_emails": "not-an-email"},
        {"scope": "all", "lead_times": ["90"]},  # nobody to remind
        {"scope": "group", "lead_times": ["90"], "notify_me": "on"},  # no group
        {"scope": "license", "slc": "M01-C01-251-01-ZZZZZZ", "lead_times": ["90"]},
        {"scope": "everything", "lead_times": ["90"], "notify_me": "on"},
    ],
)
def test_bad_input_in_the_ui_is_refused_and_nothing_is_saved(world, login, data):
    response = login(world.license_user).post("/care/reminders/new/", data)
    assert response.status_code == 200  # the form again, with its errors
    assert b'class="error"' in response.content or b"errors" in response.content
    assert not CareReminder.objects.exists()


def test_a_group_of_another_company_cannot_be_chosen(world, login, api):
    theirs = group(world.other_org, "Contoso group")
    response = login(world.license_user).post(
        "/care/reminders/new/",
        {"scope": "group", "group_id": theirs.pk, "lead_times": ["90"], "notify_me": "on"},
    )
    assert response.status_code == 200
    response = api(world.license_user).post_json(URL, {"scope": "group", "group_id": theirs.pk})
    assert response.status_code == 400
    assert not CareReminder.objects.exists()


def test_a_license_not_granted_to_me_cannot_be_chosen(world, api):
    hidden = registered(world.org)
    theirs = registered(world.other_org)
    client = api(world.license_user)
    for code in (hidden.code, theirs.code):
        response = client.post_json(URL, {"scope": "license", "slc": code})
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_license"
    assert not CareReminder.objects.exists()


def test_the_api_creates_lists_reads_patches_and_deletes_a_reminder(world, api, lic):
    client = api(world.license_user)
    response = client.post_json(
        URL, {"scope": "license", "slc": lic.code, "lead_times": [60, 7], "extra_emails": []}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scope"], body["slc"], body["lead_times"]) == ("license", lic.code, [60, 7])
    rid = body["id"]
    assert [r["id"] for r in client.get(URL).json()["items"]] == [rid]
    assert client.get(f"{URL}/{rid}").json()["slc"] == lic.code
    response = client.patch_json(f"{URL}/{rid}", {"lead_times": [30], "muted": True})
    assert response.status_code == 200, response.content
    assert (response.json()["lead_times"], response.json()["muted"]) == ([30], True)
    assert response.json()["slc"] == lic.code
    assert client.delete(f"{URL}/{rid}").status_code == 204
    assert not CareReminder.objects.exists()


def test_patching_the_lead_times_of_a_group_reminder_keeps_its_group(world, api):
    grp = group(world.org)
    client = api(world.license_user)
    rid = client.post_json(URL, {"scope": "group", "group_id": grp.pk}).json()["id"]
    response = client.patch_json(f"{URL}/{rid}", {"lead_times": [14]})
    assert response.status_code == 200, response.content
    assert (response.json()["group_id"], response.json()["lead_times"]) == (grp.pk, [14])


@pytest.mark.parametrize(
    "data",
    [
        {"lead_times": [-1]},
        {"lead_times": [731]},
        {"lead_times": [10**12]},
        {"lead_times": []},
        {"lead_times": list(range(21))},
        {"extra_emails": ["nope"]},
        {"extra_emails": ["a@b.example"] * 51},
        {"notify_me": False},
        {"scope": "license", "slc": "nothing"},
        {"scope": "galaxy"},
        {"organization_id": 2},
        {"owner_id": 1},
    ],
)
def test_bad_input_in_the_api_is_refused_and_nothing_is_saved(world, api, data):
    response = api(world.license_user).post_json(URL, data)
    assert 400 <= response.status_code < 500, response.content
    assert not CareReminder.objects.exists()


def test_a_bad_patch_changes_nothing(world, api):
    rem = reminder(world.license_user, lead_times=[30])
    before = snapshot()
    client = api(world.license_user)
    for data in ({"lead_times": [-5]}, {"extra_emails": ["x"]}, {"scope": "group"}):
        assert client.patch_json(f"{URL}/{rem.pk}", data).status_code == 400
    assert snapshot() == before


def test_the_service_refuses_role_none_itself(world):
    with pytest.raises(access.Forbidden):
        reminders.create_reminder(world.no_role, {"scope": "all"})
    assert not CareReminder.objects.exists()
