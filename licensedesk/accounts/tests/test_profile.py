from licensedesk.accounts.models import Role
from licensedesk.audit.models import AuditEvent


def test_it_shows_the_profile(login, world):
    r = login(world.license_user).get("/accounts/profile/")
    assert r.status_code == 200
    assert r.context["form"].initial["first_name"] == "Lina"


def test_it_saves_the_profile_and_audits_it(login, world):
    r = login(world.license_user).post(
        "/accounts/profile/",
        {
            "first_name": "Lina",
            "last_name": "Larsen",
            "phone": "+45 1234",
            "job_title": "Tech",
        },
    )
    assert r.status_code == 302
    user = world.license_user
    user.refresh_from_db()
    assert (user.last_name, user.phone, user.job_title) == ("Larsen", "+45 1234", "Tech")
    event = AuditEvent.objects.get(action="profile.update")
    assert event.changes["last_name"] == ["Tester", "Larsen"]
    assert event.organization == world.org


def test_it_ignores_role_company_email_and_staff_fields(login, world):
    login(world.license_user).post(
        "/accounts/profile/",
        {
            "first_name": "Lina",
            "last_name": "Tester",
            "role": Role.LICENSE_ADMIN,
            "is_company_admin": "on",
            "is_staff": "on",
            "organization": world.other_org.pk,
            "email": "new@evil.example",
        },
    )
    user = world.license_user
    user.refresh_from_db()
    assert user.role == Role.LICENSE_USER
    assert not user.is_company_admin and not user.is_staff
    assert user.organization == world.org
    assert user.email == "lina@northwind.example"


def test_it_records_nothing_when_nothing_changed(login, world):
    login(world.license_user).post(
        "/accounts/profile/", {"first_name": "Lina", "last_name": "Tester"}
    )
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_it_requires_a_name(login, world):
    r = login(world.license_user).post("/accounts/profile/", {"first_name": "", "last_name": ""})
    assert r.status_code == 200
    world.license_user.refresh_from_db()
    assert world.license_user.first_name == "Lina"
