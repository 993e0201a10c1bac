import re

from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensedesk.accounts.models import Role, User
from licensedesk.audit.models import AuditEvent

PASSWORD = "welcome aboard passphrase"


def add_user(client, **overrides):
    data = {
        "first_name": "Ivan",
        "last_name": "Invited",
        "email": "ivan@northwind.example",
        "phone": "",
        "job_title": "Technician",
        "role": Role.LICENSE_USER,
    }
    return client.post("/accounts/users/add/", {**data, **overrides})


def invitation_path() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/accounts/invitation/\S+/)", mail.outbox[0].body)[1]


def accept(client, path, password=PASSWORD):
    return client.post(path, {"password": password, "password_again": password})


def test_an_added_user_is_invited_and_can_then_log_in(login, world, run_jobs):
    r = add_user(login(world.company_admin))
    assert r.status_code == 302
    user = User.objects.get(email="ivan@northwind.example")
    assert user.organization == world.org
    assert user.role == Role.LICENSE_USER
    assert not user.has_usable_password()
    run_jobs()
    assert mail.outbox[0].to == ["ivan@northwind.example"]
    path = invitation_path()

    visitor = Client()
    assert visitor.get(path).status_code == 200
    assert accept(visitor, path).status_code == 302
    r = visitor.post("/accounts/login/", {"email": "ivan@northwind.example", "password": PASSWORD})
    assert r.status_code == 302
    assert visitor.get("/").context["user"] == user


def test_an_invited_user_cannot_log_in_before_accepting(login, world, run_jobs):
    add_user(login(world.company_admin))
    visitor = Client()
    r = visitor.post("/accounts/login/", {"email": "ivan@northwind.example", "password": "!"})
    assert r.status_code == 200
    assert "_auth_user_id" not in visitor.session


def test_the_link_is_dead_after_use(login, world, run_jobs):
    add_user(login(world.company_admin))
    run_jobs()
    path = invitation_path()
    accept(Client(), path)
    assert Client().get(path).status_code == 400
    assert accept(Client(), path, "hijacking the account now").status_code == 400
    assert User.objects.get(email="ivan@northwind.example").check_password(PASSWORD)


def test_the_link_is_dead_once_the_user_is_deleted(login, world, run_jobs):
    admin = login(world.company_admin)
    add_user(admin)
    run_jobs()
    path = invitation_path()
    user = User.objects.get(email="ivan@northwind.example")
    admin.post(f"/accounts/users/{user.pk}/delete/")
    assert Client().get(path).status_code == 400


def test_the_link_expires_after_a_week(login, world, run_jobs, settings):
    add_user(login(world.company_admin))
    run_jobs()
    path = invitation_path()
    settings.INVITATION_MAX_AGE = -1
    assert Client().get(path).status_code == 400


def test_an_invitation_can_be_sent_again(login, world, run_jobs):
    admin = login(world.company_admin)
    add_user(admin)
    user = User.objects.get(email="ivan@northwind.example")
    r = admin.post(f"/accounts/users/{user.pk}/invite/")
    assert r.status_code == 302
    run_jobs()
    assert len(mail.outbox) == 2


def test_an_accepted_invitation_is_not_sent_again(login, world, run_jobs):
    admin = login(world.company_admin)
    admin.post(f"/accounts/users/{world.license_user.pk}/invite/")
    run_jobs()
    assert mail.outbox == []


def test_no_invitation_is_sent_for_an_outsider(login, world, run_jobs):
    r = login(world.company_admin).post(f"/accounts/users/{world.outsider_user.pk}/invite/")
    assert r.status_code == 404
    run_jobs()
    assert mail.outbox == []


def _paths() -> list[str]:
    return [
        re.search(r"http://testserver(/accounts/invitation/\S+/)", m.body)[1] for m in mail.outbox
    ]


def test_sending_again_voids_the_link_sent_before(login, world, run_jobs):
    admin = login(world.company_admin)
    add_user(admin)
    run_jobs()
    user = User.objects.get(email="ivan@northwind.example")
    admin.post(f"/accounts/users/{user.pk}/invite/")
    run_jobs()
    first, second = _paths()
    assert accept(Client(), first).status_code != 302
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert accept(Client(), second).status_code == 302


def test_the_link_mailed_to_a_mistyped_address_dies_when_the_address_is_corrected(
    login, world, run_jobs
):
    admin = login(world.company_admin)
    add_user(admin, email="ivan@northwnd.example")
    run_jobs()
    user = User.objects.get(email="ivan@northwnd.example")
    admin.post(
        f"/accounts/users/{user.pk}/",
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": "ivan@northwind.example",
            "phone": "",
            "job_title": user.job_title,
            "role": user.role,
        },
    )
    user.refresh_from_db()
    assert user.email == "ivan@northwind.example"
    [to_the_typo] = _paths()
    assert accept(Client(), to_the_typo).status_code != 302
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_setting_the_password_logs_the_invited_user_in(login, world, run_jobs):
    add_user(login(world.company_admin))
    run_jobs()
    visitor = Client()
    r = accept(visitor, invitation_path())
    assert r.status_code == 302 and r["Location"] == "/"
    user = User.objects.get(email="ivan@northwind.example")
    home = visitor.get("/")
    assert home.context["user"] == user
    assert "Welcome to licensedesk, Ivan!" in home.content.decode()
    assert AuditEvent.objects.filter(action="login", actor=user).exists()


def test_an_invited_admin_whose_company_requires_2fa_goes_on_to_set_it_up(login, world, run_jobs):
    add_user(login(world.company_admin), role=Role.LICENSE_ADMIN, is_company_admin="on")
    run_jobs()
    world.org.require_2fa_for_admins = True
    world.org.save()
    visitor = Client()
    r = accept(visitor, invitation_path())
    assert r["Location"] == "/accounts/profile/two-factor/"
    page = visitor.get(r["Location"]).content.decode()
    assert "Your company requires two-factor authentication" in page
    # Nothing else opens before it is set up.
    assert visitor.get("/licenses/")["Location"] == "/accounts/profile/two-factor/"


def test_an_invited_license_user_is_not_asked_for_2fa_the_company_requires_of_admins(
    login, world, run_jobs
):
    add_user(login(world.company_admin))
    run_jobs()
    world.org.require_2fa_for_admins = True
    world.org.save()
    assert accept(Client(), invitation_path())["Location"] == "/"


def test_a_user_with_2fa_already_on_must_still_give_a_code(login, world, run_jobs):
    add_user(login(world.company_admin))
    user = User.objects.get(email="ivan@northwind.example")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    run_jobs()
    visitor = Client()
    r = accept(visitor, invitation_path())
    assert r["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in visitor.session
