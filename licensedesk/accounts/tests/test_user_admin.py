import pytest
from django.test import Client

from conftest import PASSWORD
from licensedesk.accounts.models import Role, User
from licensedesk.audit.models import AuditEvent


def user_data(user, **overrides):
    data = {
        f: getattr(user, f)
        for f in ("first_name", "last_name", "email", "phone", "job_title", "role")
    }
    if user.is_company_admin:
        data["is_company_admin"] = "on"
    return {**data, **overrides}


def test_it_lists_the_companys_active_users(login, world):
    r = login(world.company_admin).get("/accounts/users/")
    assert r.status_code == 200
    emails = {u.email for u in r.context["page"]}
    assert emails == {
        "alice@northwind.example",
        "lars@northwind.example",
        "lina@northwind.example",
        "nora@northwind.example",
    }


def test_the_list_never_shows_another_companys_users_even_when_searched(login, world):
    r = login(world.company_admin).get("/accounts/users/?q=contoso&status=all")
    assert list(r.context["page"]) == []
    assert b"@contoso.example" not in r.content


def test_the_list_searches_by_name(login, world):
    r = login(world.company_admin).get("/accounts/users/?q=lina")
    assert [u.email for u in r.context["page"]] == ["lina@northwind.example"]


def test_the_list_shows_deleted_users_on_request(login, world):
    world.license_user.is_active = False
    world.license_user.save()
    client = login(world.company_admin)
    active = {u.email for u in client.get("/accounts/users/").context["page"]}
    deleted = {u.email for u in client.get("/accounts/users/?status=deleted").context["page"]}
    assert "lina@northwind.example" not in active
    assert deleted == {"lina@northwind.example"}


@pytest.mark.parametrize("role", ["license_admin", "license_user", "no_role"])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/accounts/users/"),
        ("get", "/accounts/users/add/"),
        ("post", "/accounts/users/add/"),
        ("get", "/accounts/users/{id}/"),
        ("post", "/accounts/users/{id}/"),
        ("post", "/accounts/users/{id}/delete/"),
        ("post", "/accounts/users/{id}/invite/"),
    ],
)
def test_it_refuses_anyone_but_a_company_admin(login, world, role, method, path):
    victim = world.license_user if role != "license_user" else world.no_role
    before = victim.role
    client = login(getattr(world, role))
    r = getattr(client, method)(
        path.format(id=victim.pk), user_data(victim, role=Role.LICENSE_ADMIN, email="x@y.example")
    )
    assert r.status_code == 403
    victim.refresh_from_db()
    assert victim.is_active and victim.role == before
    assert not User.objects.filter(email="x@y.example").exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=getattr(world, role)).exists()


def test_staff_without_a_company_is_refused(login, world):
    assert login(world.staff).get("/accounts/users/").status_code == 403


@pytest.mark.parametrize("path", ["/accounts/users/{id}/", "/accounts/users/{id}/delete/"])
def test_another_companys_user_is_not_found(login, world, path):
    client = login(world.company_admin)
    target = path.format(id=world.outsider_user.pk)
    assert client.get(target).status_code == 404
    assert (
        client.post(target, user_data(world.outsider_user, last_name="Hacked")).status_code == 404
    )
    world.outsider_user.refresh_from_db()
    assert world.outsider_user.is_active
    assert world.outsider_user.last_name == "Tester"


def test_it_adds_a_user_to_the_admins_company(login, world):
    r = login(world.company_admin).post(
        "/accounts/users/add/",
        {
            "first_name": "Nils",
            "last_name": "New",
            "email": "nils@northwind.example",
            "role": Role.LICENSE_ADMIN,
            "organization": world.other_org.pk,
            "is_staff": "on",
        },
    )
    assert r.status_code == 302
    user = User.objects.get(email="nils@northwind.example")
    assert user.organization == world.org
    assert user.role == Role.LICENSE_ADMIN
    assert not user.is_staff and not user.is_company_admin
    event = AuditEvent.objects.get(action="user.invite")
    assert event.actor == world.company_admin
    assert event.organization == world.org
    assert event.target_id == str(user.pk)


def test_it_refuses_to_add_a_taken_email(login, world):
    r = login(world.company_admin).post(
        "/accounts/users/add/",
        {
            "first_name": "C",
            "last_name": "C",
            "email": "Charlie@contoso.example",
            "role": Role.LICENSE_USER,
        },
    )
    assert r.status_code == 200
    assert r.context["form"].errors["email"]
    assert User.objects.filter(email__iexact="charlie@contoso.example").count() == 1


def test_it_edits_a_user_and_audits_before_and_after(login, world):
    user = world.license_user
    r = login(world.company_admin).post(
        f"/accounts/users/{user.pk}/", user_data(user, role=Role.LICENSE_ADMIN, job_title="Lead")
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.LICENSE_ADMIN
    assert user.job_title == "Lead"
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes == {"role": ["license_user", "license_admin"], "job_title": ["", "Lead"]}
    assert event.actor == world.company_admin


def test_it_cannot_demote_the_last_admin(login, world):
    admin = world.company_admin
    r = login(admin).post(f"/accounts/users/{admin.pk}/", user_data(admin, is_company_admin=""))
    assert r.status_code == 200
    assert "at least one administrator" in r.content.decode()
    admin.refresh_from_db()
    assert admin.is_company_admin


def test_it_can_demote_an_admin_when_another_remains(login, world):
    lars = world.license_admin
    lars.is_company_admin = True
    lars.save()
    admin = world.company_admin
    data = user_data(admin)
    del data["is_company_admin"]
    assert login(admin).post(f"/accounts/users/{admin.pk}/", data).status_code == 302
    admin.refresh_from_db()
    assert not admin.is_company_admin


def test_it_cannot_delete_the_last_admin(login, world):
    admin = world.company_admin
    client = login(admin)
    r = client.post(f"/accounts/users/{admin.pk}/delete/")
    assert r.status_code == 302
    admin.refresh_from_db()
    assert admin.is_active
    assert not AuditEvent.objects.filter(action="user.delete").exists()


def test_a_deleted_admin_does_not_count_as_the_remaining_admin(login, world):
    lars = world.license_admin
    lars.is_company_admin = True
    lars.is_active = False
    lars.save()
    admin = world.company_admin
    login(admin).post(f"/accounts/users/{admin.pk}/delete/")
    admin.refresh_from_db()
    assert admin.is_active


def test_delete_asks_for_confirmation_on_get(login, world):
    r = login(world.company_admin).get(f"/accounts/users/{world.license_user.pk}/delete/")
    assert r.status_code == 200
    world.license_user.refresh_from_db()
    assert world.license_user.is_active


def test_a_deleted_user_is_locked_out_at_once(login, world, api):
    victim = world.license_user
    session = login(victim)
    token = api(victim)
    assert session.get("/").status_code == 200
    assert token.get("/api/v1/me").status_code == 200

    r = login(world.company_admin).post(f"/accounts/users/{victim.pk}/delete/")
    assert r.status_code == 302
    victim.refresh_from_db()
    assert not victim.is_active
    assert victim.deactivated_at is not None
    assert session.get("/").status_code == 302
    assert session.get("/api/v1/me").status_code == 401
    assert token.get("/api/v1/me").status_code == 401
    r = Client().post("/accounts/login/", {"email": victim.email, "password": PASSWORD})
    assert r.status_code == 200
    event = AuditEvent.objects.get(action="user.delete")
    assert event.actor == world.company_admin
    assert event.target_id == str(victim.pk)


def test_a_deleted_user_cannot_be_edited(login, world):
    world.license_user.is_active = False
    world.license_user.save()
    r = login(world.company_admin).get(f"/accounts/users/{world.license_user.pk}/")
    assert r.status_code == 404


def test_the_audit_trail_of_a_deleted_user_stays(login, world):
    client = login(world.company_admin)
    client.post(
        f"/accounts/users/{world.license_user.pk}/", user_data(world.license_user, job_title="Tech")
    )
    client.post(f"/accounts/users/{world.license_user.pk}/delete/")
    assert User.objects.filter(pk=world.license_user.pk).exists()
    assert AuditEvent.objects.filter(target_id=str(world.license_user.pk)).count() == 2
