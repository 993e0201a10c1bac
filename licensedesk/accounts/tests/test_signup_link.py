"""The emailed sign-up link: opening it shows a button (mail scanners follow links and must
create nothing), pressing it creates the company and its first administrator with the password
chosen at sign-up, once. A forged, expired or used link, or one whose address has an account by
now, creates nothing. Expired pending sign-ups are trimmed by the daily housekeeping."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from licensedesk.accounts import links
from licensedesk.accounts.models import Organization, PendingSignup, Role, User
from licensedesk.audit.models import AuditEvent
from licensedesk.core.jobs import housekeep
from licensedesk.core.testing import needs_postgresql, race

PASSPHRASE = "a long and unusual passphrase"
EMAIL = "frida@fabrikam.example"


def sign_up(run_jobs, **overrides) -> str:
    """Sign up through the form; the path of the link mailed for it."""
    data = {
        "company_name": "Fabrikam Video",
        "country": "Sweden",
        "first_name": "Frida",
        "last_name": "Fabrikam",
        "email": EMAIL,
        "phone": "+46 8 123",
        "password": PASSPHRASE,
        **overrides,
    }
    mail.outbox.clear()
    assert Client().post("/accounts/signup/", data).status_code == 200
    run_jobs()
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)[1]


def can_log_in(email, password) -> bool:
    r = Client().post("/accounts/login/", {"email": email, "password": password})
    return r.status_code == 302


def link_is_dead(path) -> bool:
    """The link shows the "no longer works" page to a GET and to a POST, creating nothing."""
    companies = Organization.objects.count()
    get, post = Client().get(path), Client().post(path)
    assert Organization.objects.count() == companies
    return (
        get.status_code == post.status_code == 400
        and "This link no longer works" in get.content.decode()
        and "sign up again" in post.content.decode()
    )


@pytest.mark.django_db
def test_opening_the_link_shows_a_button_and_creates_nothing(run_jobs):
    path = sign_up(run_jobs)
    r = Client().get(path)
    assert r.status_code == 200
    text = r.content.decode()
    assert "Fabrikam Video" in text and EMAIL in text
    assert "Create company" in text
    assert not Organization.objects.exists() and not User.objects.exists()
    assert PendingSignup.objects.count() == 1


@pytest.mark.django_db
def test_pressing_the_button_creates_the_company_and_its_first_administrator(run_jobs):
    path = sign_up(run_jobs)
    r = Client().post(path)
    assert r.status_code == 302 and r["Location"] == "/"
    user = User.objects.get(email=EMAIL)
    assert user.organization.name == "Fabrikam Video"
    assert user.organization.slug == "fabrikam-video"
    assert user.organization.country == "Sweden"
    assert (user.first_name, user.last_name, user.phone) == ("Frida", "Fabrikam", "+46 8 123")
    assert user.role == Role.LICENSE_ADMIN
    assert user.is_company_admin
    assert not user.is_staff
    assert AuditEvent.objects.filter(
        action="company.sign_up", organization=user.organization, actor=user
    ).exists()
    assert not PendingSignup.objects.exists()


@pytest.mark.django_db
def test_the_new_administrator_is_logged_in_and_can_log_in_with_the_chosen_password(run_jobs):
    path = sign_up(run_jobs)
    client = Client()
    client.post(path)
    r = client.get("/")
    assert r.status_code == 200
    assert r.context["user"].email == EMAIL
    assert "Welcome to licensedesk, Fabrikam Video!" in r.content.decode()
    assert can_log_in(EMAIL, PASSPHRASE)


@pytest.mark.django_db
def test_the_link_works_once(run_jobs):
    path = sign_up(run_jobs)
    assert Client().post(path).status_code == 302
    assert link_is_dead(path)
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_link_creates_nothing(run_jobs):
    path = sign_up(run_jobs)
    later = time.time() + 24 * 60 * 60 + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert link_is_dead(path)
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_a_link_mailed_late_dies_with_its_pending_sign_up_a_day_after_signing_up(run_jobs):
    path = sign_up(run_jobs)
    PendingSignup.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=5))
    assert link_is_dead(path)


@pytest.mark.django_db
def test_a_forged_link_creates_nothing(run_jobs):
    path = sign_up(run_jobs)
    token = path.split("/")[-2]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert link_is_dead(path.replace(token, forged))
    assert link_is_dead("/accounts/signup/confirm/not-a-token/")
    assert not Organization.objects.exists()


def test_another_kind_of_link_does_not_open_a_sign_up(world, run_jobs):
    sign_up(run_jobs)
    invitation = links.make_token(world.license_user, "invitation")
    assert link_is_dead(f"/accounts/signup/confirm/{invitation}/")


def test_a_link_whose_address_got_an_account_meanwhile_creates_nothing(world, login, run_jobs):
    path = sign_up(run_jobs)
    r = login(world.company_admin).post(
        "/accounts/users/add/",
        {"first_name": "Frida", "last_name": "F", "email": EMAIL.upper(), "role": "license_user"},
    )
    assert r.status_code == 302
    assert link_is_dead(path)
    assert User.objects.get(email=EMAIL).organization == world.org
    assert not Organization.objects.filter(name="Fabrikam Video").exists()


@pytest.mark.django_db
def test_the_link_is_not_mailed_when_the_address_got_an_account_before_sending(run_jobs):
    Client().post(
        "/accounts/signup/",
        {
            "company_name": "Fabrikam Video",
            "country": "Sweden",
            "first_name": "Frida",
            "last_name": "Fabrikam",
            "email": EMAIL,
            "password": PASSPHRASE,
        },
    )
    User.objects.create_user(email=EMAIL, password="someone else's passphrase")
    run_jobs()
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirming_one_sign_up_voids_the_other_links_of_the_address(run_jobs):
    first = sign_up(run_jobs, company_name="Fabrikam Typo")
    second = sign_up(run_jobs)
    assert Client().post(second).status_code == 302
    assert link_is_dead(first)
    assert list(Organization.objects.values_list("name", flat=True)) == ["Fabrikam Video"]


@pytest.mark.django_db
def test_it_gives_each_company_its_own_slug(run_jobs):
    Client().post(sign_up(run_jobs))
    Client().post(sign_up(run_jobs, email="other@fabrikam.example"))
    slugs = sorted(Organization.objects.values_list("slug", flat=True))
    assert slugs == ["fabrikam-video", "fabrikam-video-2"]


@pytest.mark.django_db
def test_it_leaves_nothing_behind_when_saving_the_user_fails(run_jobs):
    path = sign_up(run_jobs)
    with (
        mock.patch.object(User, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        Client().post(path)
    assert not Organization.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
    assert Client().post(path).status_code == 302  # the link still works afterwards


@pytest.mark.django_db(transaction=True)
def test_concurrent_presses_of_one_link_create_one_company(run_jobs):
    needs_postgresql()
    path = sign_up(run_jobs)
    answers = race(lambda i: Client().post(path).status_code, 8)
    assert sorted(answers) == [302] + [400] * 7, answers
    assert Organization.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_presses_of_two_links_of_one_address_create_one_company(run_jobs):
    needs_postgresql()
    paths = [sign_up(run_jobs), sign_up(run_jobs, company_name="Fabrikam Again")]
    answers = race(lambda i: Client().post(paths[i % 2]).status_code, 8)
    assert sorted(answers) == [302] + [400] * 7, answers
    assert Organization.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.django_db
def test_housekeeping_deletes_the_pending_sign_ups_older_than_a_day(run_jobs):
    sign_up(run_jobs, email="old@fabrikam.example")
    sign_up(run_jobs, email="new@fabrikam.example")
    now = timezone.now()
    PendingSignup.objects.filter(email="old@fabrikam.example").update(
        created_at=now - timedelta(hours=25)
    )
    removed = housekeep(now)
    assert removed["signups"] == 1
    assert list(PendingSignup.objects.values_list("email", flat=True)) == ["new@fabrikam.example"]


@pytest.mark.django_db
def test_a_fresh_install_signs_up_with_the_link_printed_on_the_console(settings, capsys, run_jobs):
    """The README's "or sign up a new company" holds with the default console email backend:
    the link is printed where the server logs."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    Client().post(
        "/accounts/signup/",
        {
            "company_name": "Fabrikam Video",
            "country": "Sweden",
            "first_name": "Frida",
            "last_name": "Fabrikam",
            "email": EMAIL,
            "password": PASSPHRASE,
        },
    )
    run_jobs()
    path = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", capsys.readouterr().out)
    assert Client().post(path[1]).status_code == 302
    assert can_log_in(EMAIL, PASSPHRASE)
