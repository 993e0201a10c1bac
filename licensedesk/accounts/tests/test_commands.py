import io

import pytest
from django.core.management import CommandError, call_command

from licensedesk.accounts import tokens
from licensedesk.accounts.models import Organization, Role, User
from licensedesk.audit.models import AuditEvent

PASSWORD = "a console typed passphrase"


@pytest.fixture
def stdin(monkeypatch):
    def give(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return give


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_migrate_leaves_no_accounts():
    assert not User.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_create_org_makes_a_company_and_its_admin(stdin):
    stdin(PASSWORD + "\n")
    slug = run(
        "create-org",
        "Fabrikam Video",
        "--admin-email",
        "Root@Fabrikam.example",
        "--country",
        "Sweden",
        "--password-stdin",
    )
    assert slug == "fabrikam-video"
    user = User.objects.get(email="root@fabrikam.example")
    assert user.organization.slug == slug
    assert user.is_company_admin and user.role == Role.LICENSE_ADMIN
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_create_org_wants_the_password_on_stdin(stdin):
    with pytest.raises(CommandError, match="password-stdin"):
        run("create-org", "Fabrikam", "--admin-email", "root@fabrikam.example")
    stdin("")
    with pytest.raises(CommandError, match="No password"):
        run("create-org", "Fabrikam", "--admin-email", "root@fabrikam.example", "--password-stdin")
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_create_org_refuses_a_weak_password(stdin):
    stdin("password\n")
    with pytest.raises(CommandError):
        run("create-org", "Fabrikam", "--admin-email", "root@fabrikam.example", "--password-stdin")
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_create_user_adds_a_user_to_a_company(world, stdin):
    stdin(PASSWORD + "\r\n")
    pk = run(
        "create-user",
        "--org",
        "northwind",
        "--email",
        "Tom@Northwind.example",
        "--role",
        "license_user",
        "--password-stdin",
    )
    user = User.objects.get(pk=int(pk))
    assert user.email == "tom@northwind.example"
    assert user.organization == world.org
    assert user.role == Role.LICENSE_USER and not user.is_company_admin
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="user.create")
    assert event.organization == world.org
    assert PASSWORD not in str(event.changes)


def test_create_user_refuses_an_unknown_company(world, stdin):
    stdin(PASSWORD + "\n")
    with pytest.raises(CommandError, match="slug"):
        run(
            "create-user",
            "--org",
            "nope",
            "--email",
            "tom@x.example",
            "--role",
            "license_user",
            "--password-stdin",
        )


def test_create_user_refuses_a_taken_email(world, stdin):
    stdin(PASSWORD + "\n")
    with pytest.raises(CommandError, match="already exists"):
        run(
            "create-user",
            "--org",
            "northwind",
            "--email",
            "LINA@northwind.example",
            "--role",
            "license_user",
            "--password-stdin",
        )


def test_create_user_refuses_a_weak_password(world, stdin):
    stdin("12345\n")
    with pytest.raises(CommandError):
        run(
            "create-user",
            "--org",
            "northwind",
            "--email",
            "tom@northwind.example",
            "--role",
            "license_user",
            "--password-stdin",
        )
    assert not User.objects.filter(email="tom@northwind.example").exists()


def test_create_token_prints_a_working_secret(world):
    secret = run("create-token", "--email", "lina@northwind.example", "--name", "sync")
    assert tokens.user_for_secret(secret) == world.license_user
    assert world.license_user.tokens.get().name == "sync"


def test_create_token_refuses_a_deactivated_user(world):
    world.license_user.is_active = False
    world.license_user.save()
    with pytest.raises(CommandError):
        run("create-token", "--email", "lina@northwind.example")


@pytest.mark.django_db
def test_demo_creates_users_of_every_role_and_is_idempotent():
    first = run("demo")
    count = User.objects.count()
    assert count > 0
    roles = set(User.objects.values_list("role", "is_company_admin"))
    assert {
        (Role.LICENSE_ADMIN, True),
        (Role.LICENSE_ADMIN, False),
        (Role.LICENSE_USER, False),
    } <= roles
    assert Organization.objects.count() >= 2
    second = run("demo")
    assert User.objects.count() == count
    assert first == second
