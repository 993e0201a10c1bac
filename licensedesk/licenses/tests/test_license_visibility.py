import pytest

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.audit.models import AuditEvent
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


@pytest.fixture
def lic(world):
    return factories.registered(world.org)


@pytest.fixture
def lena(world):
    """A second License User of our company."""
    return make_user(world.org, "lena@northwind.example", Role.LICENSE_USER)


def url(lic):
    return f"/api/v1/licenses/{lic.code}/visibility"


def granted(lic):
    return sorted(LicenseGrant.objects.filter(license=lic).values_list("user_id", flat=True))


def test_a_license_admin_sets_who_sees_a_license(api, world, lic, lena):
    r = api(world.license_admin).put(
        url(lic), {"user_ids": [world.license_user.pk, lena.pk]}, content_type="application/json"
    )
    assert r.status_code == 200
    assert sorted(r.json()["user_ids"]) == sorted([world.license_user.pk, lena.pk])
    assert granted(lic) == sorted([world.license_user.pk, lena.pk])
    assert AuditEvent.objects.filter(action="license.visibility").exists()


def test_an_empty_list_revokes_everyone(api, world, lic):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    r = api(world.license_admin).put(url(lic), {"user_ids": []}, content_type="application/json")
    assert r.status_code == 200
    assert granted(lic) == []
    assert api(world.license_user).get(f"/api/v1/licenses/{lic.code}").status_code == 404


def test_it_reads_who_sees_a_license(api, world, lic):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    r = api(world.license_admin).get(url(lic))
    assert r.json()["user_ids"] == [world.license_user.pk]
    assert r.json()["users"][0]["email"] == world.license_user.email


@pytest.mark.parametrize("who", ["outsider_user", "outsider", "license_admin", "no_role", "staff"])
def test_only_license_users_of_our_company_can_be_granted(api, world, lic, who):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    r = api(world.company_admin).put(
        url(lic),
        {"user_ids": [getattr(world, who).pk]},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_user_ids"
    assert granted(lic) == [world.license_user.pk]


def test_unknown_ids_change_nothing(api, world, lic):
    r = api(world.company_admin).put(
        url(lic), {"user_ids": [world.license_user.pk, 999_999]}, content_type="application/json"
    )
    assert r.status_code == 400
    assert granted(lic) == []


def test_an_inactive_license_user_cannot_be_granted(api, world, lic, lena):
    lena.is_active = False
    lena.save()
    r = api(world.license_admin).put(
        url(lic), {"user_ids": [lena.pk]}, content_type="application/json"
    )
    assert r.status_code == 400
    assert granted(lic) == []


def test_a_license_user_cannot_manage_visibility(api, world, lic, lena):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    client = api(world.license_user)
    assert client.get(url(lic)).status_code == 403
    r = client.put(url(lic), {"user_ids": [lena.pk]}, content_type="application/json")
    assert r.status_code == 403
    assert granted(lic) == [world.license_user.pk]


def test_the_detail_page_lists_our_license_users_as_checkboxes(login, world, lic):
    body = login(world.license_admin).get(f"/licenses/{lic.code}/").content.decode()
    assert world.license_user.email in body
    assert world.outsider_user.email not in body
    assert world.license_admin.email not in body  # License Admins see everything anyway


def test_the_detail_page_saves_the_checkboxes(login, world, lic, lena):
    r = login(world.license_admin).post(
        f"/licenses/{lic.code}/visibility/", {"user_ids": [lena.pk]}
    )
    assert r.status_code == 302
    assert granted(lic) == [lena.pk]


def test_the_detail_page_refuses_another_companys_user(login, world, lic):
    client = login(world.license_admin)
    client.post(f"/licenses/{lic.code}/visibility/", {"user_ids": [world.outsider_user.pk]})
    assert granted(lic) == []


def test_the_detail_page_refuses_a_license_user(login, world, lic, lena):
    LicenseGrant.objects.create(license=lic, user=world.license_user)
    r = login(world.license_user).post(f"/licenses/{lic.code}/visibility/", {"user_ids": [lena.pk]})
    assert r.status_code == 403
    assert granted(lic) == [world.license_user.pk]


def test_visibility_changes_need_post(login, world, lic):
    assert login(world.license_admin).get(f"/licenses/{lic.code}/visibility/").status_code == 405


class TestBulkGrant:
    URL = "/licenses/grant/"

    def test_it_grants_a_license_user_many_licenses(self, login, world):
        a, b, c = (factories.registered(world.org) for _ in range(3))
        r = login(world.license_admin).post(
            self.URL,
            {"license_ids": [a.pk, b.pk], "user_id": world.license_user.pk, "action": "grant"},
        )
        assert r.status_code == 302
        assert granted(a) == granted(b) == [world.license_user.pk]
        assert granted(c) == []

    def test_it_revokes_many_licenses(self, login, world):
        a, b = (factories.registered(world.org, grant_to=[world.license_user]) for _ in range(2))
        login(world.license_admin).post(
            self.URL,
            {"license_ids": [a.pk, b.pk], "user_id": world.license_user.pk, "action": "revoke"},
        )
        assert granted(a) == granted(b) == []

    def test_it_keeps_the_filters_when_going_back(self, login, world):
        a = factories.registered(world.org)
        r = login(world.license_admin).post(
            self.URL,
            {
                "license_ids": [a.pk],
                "user_id": world.license_user.pk,
                "action": "grant",
                "back": "care_status=expired",
            },
        )
        assert r["Location"] == "/licenses/?care_status=expired"

    def test_another_companys_licenses_are_ignored(self, login, world):
        ours = factories.registered(world.org)
        theirs = factories.registered(world.other_org)
        login(world.license_admin).post(
            self.URL,
            {
                "license_ids": [ours.pk, theirs.pk],
                "user_id": world.license_user.pk,
                "action": "grant",
            },
        )
        assert granted(ours) == [world.license_user.pk]
        assert granted(theirs) == []

    @pytest.mark.parametrize("who", ["outsider_user", "license_admin", "no_role"])
    def test_it_grants_only_to_our_license_users(self, login, world, who):
        lic = factories.registered(world.org)
        login(world.license_admin).post(
            self.URL,
            {"license_ids": [lic.pk], "user_id": getattr(world, who).pk, "action": "grant"},
        )
        assert granted(lic) == []

    def test_a_license_user_cannot_bulk_grant(self, login, world, lena):
        lic = factories.registered(world.org, grant_to=[world.license_user])
        r = login(world.license_user).post(
            self.URL, {"license_ids": [lic.pk], "user_id": lena.pk, "action": "grant"}
        )
        assert r.status_code == 403
        assert granted(lic) == [world.license_user.pk]


def test_after_saving_the_visibility_section_stays_open(login, world, lic, lena):
    client = login(world.license_admin)
    r = client.post(f"/licenses/{lic.code}/visibility/", {"user_ids": [lena.pk]})
    assert r.url == f"/licenses/{lic.code}/?visibility=1#visibility"
    body = client.get(r.url).content.decode()
    assert '<details id="visibility" open>' in body
    assert "Who can see this license was saved." in body


def test_the_visibility_section_starts_closed(login, world, lic):
    body = login(world.license_admin).get(f"/licenses/{lic.code}/").content.decode()
    assert 'id="visibility"' in body
    assert '<details id="visibility" open>' not in body
