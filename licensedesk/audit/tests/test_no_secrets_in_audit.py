import re

from django.core import mail
from django.test import Client

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import record

SIGNUP_PASSWORD = "signup secret passphrase 1"
NEW_PASSWORD = "changed secret passphrase 2"


def everything_audited() -> str:
    return "\n".join(
        f"{e.action} {e.actor_label} {e.target_label} {e.changes} {e.user_agent}"
        for e in AuditEvent.objects.all()
    )


def test_no_password_or_token_reaches_the_audit_log(db, run_jobs):
    client = Client()
    client.post(
        "/accounts/signup/",
        {
            "company_name": "Secretive",
            "country": "IS",
            "first_name": "S",
            "last_name": "S",
            "email": "s@secretive.example",
            "password": SIGNUP_PASSWORD,
        },
    )
    run_jobs()
    client.post(re.search(r"http://testserver(/\S+/)", mail.outbox[0].body)[1])  # confirm
    client.post(
        "/accounts/profile/password/",
        {
            "current_password": SIGNUP_PASSWORD,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    r = client.post("/accounts/profile/tokens/", {"name": "ci"}, follow=True)
    secret = r.context["new_secret"]
    r = client.post(
        "/api/v1/tokens",
        {"name": "api"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    api_secret = r.json()["token"]
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"email": "s@secretive.example", "password": "wrong guess 123"})

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"company.sign_up", "password.change", "token.create", "login.failed"} <= actions
    audited = everything_audited()
    for secret_value in (SIGNUP_PASSWORD, NEW_PASSWORD, secret, api_secret, "wrong guess 123"):
        assert secret_value not in audited


def test_failed_logins_do_not_record_the_password_tried(world):
    Client().post("/accounts/login/", {"email": world.license_user.email, "password": PASSWORD})
    Client().post(
        "/accounts/login/", {"email": world.license_user.email, "password": "typo " + PASSWORD}
    )
    assert PASSWORD not in everything_audited()


def test_record_redacts_secret_keys(world):
    event = record(
        "test",
        actor=world.license_user,
        changes={"password": "hunter2", "token": "ldpat_x", "email": "a@b.example"},
    )
    assert event.changes == {
        "password": "[redacted]",
        "token": "[redacted]",
        "email": "a@b.example",
    }
