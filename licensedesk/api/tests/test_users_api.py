import pytest
from django.core import mail

from licensedesk.accounts.models import Role, User
from licensedesk.audit.models import AuditEvent

NEW = {"email": "nils@northwind.example", "first_name": "Nils", "last_name": "New"}


def test_it_lists_the_companys_users(world, api):
    r = api(world.company_admin).get("/api/v1/users")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4
    assert {u["email"] for u in body["items"]} == {
        "alice@northwind.example",
        "lars@northwind.example",
        "lina@northwind.example",
        "nora@northwind.example",
    }


def test_it_paginates_with_limit_and_offset(world, api):
    client = api(world.company_admin)
    first = client.get("/api/v1/users?limit=3&offset=0").json()
    rest = client.get("/api/v1/users?limit=3&offset=3").json()
    assert first["count"] == rest["count"] == 4
    assert len(first["items"]) == 3 and len(rest["items"]) == 1
    ids = [u["id"] for u in first["items"] + rest["items"]]
    assert len(set(ids)) == 4


def test_deleted_users_are_listed_only_on_request(world, api):
    world.license_user.is_active = False
    world.license_user.save()
    client = api(world.company_admin)
    assert client.get("/api/v1/users").json()["count"] == 3
    assert client.get("/api/v1/users?include_deleted=true").json()["count"] == 4


def test_it_reads_one_user(world, api):
    r = api(world.company_admin).get(f"/api/v1/users/{world.license_user.pk}")
    assert r.status_code == 200
    assert r.json()["email"] == "lina@northwind.example"
    assert r.json()["invitation_pending"] is False


def test_it_creates_and_invites_a_user(world, api, run_jobs):
    r = api(world.company_admin).post_json("/api/v1/users", {**NEW, "role": "license_admin"})
    assert r.status_code == 201
    assert r.json()["invitation_pending"] is True
    user = User.objects.get(email="nils@northwind.example")
    assert user.organization == world.org
    assert user.role == Role.LICENSE_ADMIN
    run_jobs()
    assert mail.outbox[0].to == ["nils@northwind.example"]
    assert AuditEvent.objects.filter(action="user.invite", actor=world.company_admin).exists()


def test_create_refuses_a_taken_email_with_409(world, api):
    r = api(world.company_admin).post_json(
        "/api/v1/users", {**NEW, "email": "CARL@contoso.example"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "email_taken"


def test_create_refuses_an_invalid_email(world, api):
    r = api(world.company_admin).post_json("/api/v1/users", {**NEW, "email": "not-an-email"})
    assert r.status_code == 400
    assert not User.objects.filter(email="not-an-email").exists()


def test_it_patches_a_user(world, api):
    r = api(world.company_admin).patch_json(
        f"/api/v1/users/{world.license_user.pk}", {"job_title": "Lead", "role": "license_admin"}
    )
    assert r.status_code == 200
    assert r.json()["job_title"] == "Lead"
    world.license_user.refresh_from_db()
    assert world.license_user.role == Role.LICENSE_ADMIN
    assert world.license_user.last_name == "Tester"  # untouched fields stay


def test_it_deletes_a_user(world, api):
    victim_token = api(world.license_user)
    r = api(world.company_admin).delete(f"/api/v1/users/{world.license_user.pk}")
    assert r.status_code == 204
    world.license_user.refresh_from_db()
    assert not world.license_user.is_active
    assert victim_token.get("/api/v1/me").status_code == 401
    assert (
        api(world.company_admin).delete(f"/api/v1/users/{world.license_user.pk}").status_code == 404
    )


def test_the_last_admin_cannot_be_deleted_or_demoted(world, api):
    client = api(world.company_admin)
    path = f"/api/v1/users/{world.company_admin.pk}"
    r = client.delete(path)
    assert r.status_code == 400
    assert r.json()["code"] == "last_admin"
    r = client.patch_json(path, {"is_company_admin": False})
    assert r.status_code == 400
    world.company_admin.refresh_from_db()
    assert world.company_admin.is_active and world.company_admin.is_company_admin


@pytest.mark.parametrize("role", ["license_admin", "license_user", "no_role", "staff"])
def test_it_refuses_anyone_but_a_company_admin(world, api, role):
    client = api(getattr(world, role))
    target = f"/api/v1/users/{world.no_role.pk}"
    assert client.get("/api/v1/users").status_code == 403
    assert client.get(target).status_code == 403
    assert client.post_json("/api/v1/users", NEW).status_code == 403
    assert client.patch_json(target, {"role": "license_admin"}).status_code == 403
    assert client.delete(target).status_code == 403
    world.no_role.refresh_from_db()
    assert world.no_role.is_active and world.no_role.role == Role.NONE
    assert not User.objects.filter(email=NEW["email"]).exists()


def test_another_companys_user_is_not_found(world, api):
    client = api(world.company_admin)
    target = f"/api/v1/users/{world.outsider_user.pk}"
    assert client.get(target).status_code == 404
    assert client.patch_json(target, {"last_name": "Hacked"}).status_code == 404
    assert client.delete(target).status_code == 404
    world.outsider_user.refresh_from_db()
    assert world.outsider_user.is_active and world.outsider_user.last_name == "Tester"


@pytest.mark.parametrize(
    "field,value",
    [
        ("organization", "OTHER"),
        ("organization_id", "OTHER"),
        ("is_staff", True),
        ("is_superuser", True),
        ("is_active", False),
        ("password", "hunter2 hunter2"),
    ],
)
def test_patch_refuses_fields_that_are_not_editable(world, api, field, value):
    if value == "OTHER":
        value = world.other_org.pk
    client = api(world.company_admin)
    r = client.patch_json(
        f"/api/v1/users/{world.license_user.pk}", {"job_title": "Changed", field: value}
    )
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    user = User.objects.get(pk=world.license_user.pk)
    assert user.organization == world.org
    assert not user.is_staff and not user.is_superuser and user.is_active
    assert user.job_title == ""
    assert user.password == world.license_user.password


@pytest.mark.parametrize("field,value", [("organization", "OTHER"), ("is_staff", True)])
def test_create_refuses_fields_that_are_not_editable(world, api, field, value):
    if value == "OTHER":
        value = world.other_org.pk
    r = api(world.company_admin).post_json("/api/v1/users", {**NEW, field: value})
    assert r.status_code == 422
    assert not User.objects.filter(email=NEW["email"]).exists()


def test_patch_refuses_an_unknown_role(world, api):
    r = api(world.company_admin).patch_json(
        f"/api/v1/users/{world.license_user.pk}", {"role": "superuser"}
    )
    assert r.status_code == 422
    world.license_user.refresh_from_db()
    assert world.license_user.role == Role.LICENSE_USER
