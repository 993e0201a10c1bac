import hashlib
import re

from django.db import connection
from django.test import Client

from licensedesk.accounts import tokens
from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.audit.models import AuditEvent

URL = "/accounts/profile/tokens/"


def create(client, name="ci"):
    """Create a token in the UI: the POST redirects, and the page then shows the secret."""
    posted = client.post(URL, {"name": name})
    assert posted.status_code == 302
    r = client.get(URL)
    return r, r.context["new_secret"]


def test_it_shows_a_new_token_once(login, world):
    client = login(world.license_user)
    r, secret = create(client)
    assert secret.startswith("ldpat_")
    assert secret in r.content.decode()
    assert r["Cache-Control"] == "no-store"
    later = client.get(URL)  # a reload shows it no more, and creates nothing
    assert secret not in later.content.decode()
    assert PersonalAccessToken.objects.filter(user=world.license_user).count() == 1
    assert secret[:10] in later.content.decode()  # the prefix helps to recognise it


def test_a_token_carries_at_least_128_random_bits(login, world):
    _, secret = create(login(world.license_user))
    body = secret.removeprefix("ldpat_")
    assert len(body) * 6 >= 128  # URL-safe base64: 6 bits a character


def test_it_stores_only_a_hash(login, world):
    _, secret = create(login(world.license_user))
    token = PersonalAccessToken.objects.get(user=world.license_user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    rows = []
    with connection.cursor() as cursor:
        for table in ("accounts_personalaccesstoken", "django_session", "audit_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            rows += cursor.fetchall()
    assert rows
    assert not any(secret in str(value) for row in rows for value in row)


def test_it_authenticates_the_api_as_its_user(login, world):
    _, secret = create(login(world.license_user))
    r = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["email"] == "lina@northwind.example"
    assert r.json()["organization"]["slug"] == "northwind"
    assert PersonalAccessToken.objects.get(user=world.license_user).last_used_at is not None


def test_it_revokes_a_token(login, world):
    client = login(world.license_user)
    _, secret = create(client)
    token = PersonalAccessToken.objects.get(user=world.license_user)
    r = client.post(f"{URL}{token.pk}/revoke/")
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    r = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
    assert r.status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", actor=world.license_user).exists()


def test_revoking_needs_post(login, world):
    client = login(world.license_user)
    create(client)
    token = PersonalAccessToken.objects.get(user=world.license_user)
    assert client.get(f"{URL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_else_can_revoke_my_token(login, world):
    create(login(world.license_user))
    token = PersonalAccessToken.objects.get(user=world.license_user)
    for other in (world.company_admin, world.outsider):
        assert login(other).post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_list_shows_only_my_tokens(login, world, api):
    api(world.license_admin)
    r = login(world.license_user).get(URL)
    assert list(r.context["tokens"]) == []


def test_a_deactivated_users_token_is_refused(world, api):
    client = api(world.license_user)
    world.license_user.is_active = False
    world.license_user.save()
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_companys_token_is_refused(world, api):
    client = api(world.license_user)
    world.org.is_active = False
    world.org.save()
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_acts_with_its_users_company_and_rights(world, api):
    client = api(world.license_user)
    assert client.get("/api/v1/users").status_code == 403
    assert client.get(f"/api/v1/users/{world.outsider_user.pk}").status_code == 403
    admin = api(world.outsider)
    assert admin.get(f"/api/v1/users/{world.license_user.pk}").status_code == 404
    assert admin.get(f"/api/v1/users/{world.outsider_user.pk}").status_code == 200


def test_a_token_in_the_url_is_not_accepted(world):
    _, secret = tokens.create_token(world.license_user, "ci")
    for param in ("token", "access_token", "api_key", "key"):
        r = Client().get(f"/api/v1/me?{param}={secret}")
        assert r.status_code == 401


def test_a_made_up_token_is_refused(world):
    r = Client(headers={"Authorization": "Bearer ldpat_" + "A" * 43}).get("/api/v1/me")
    assert r.status_code == 401


def test_token_creation_is_rate_limited(login, world):
    client = login(world.license_user)
    for n in range(20):
        create(client, f"t{n}")
    r = client.post(URL, {"name": "one too many"})
    assert r.status_code == 429
    assert r["Retry-After"]
    assert PersonalAccessToken.objects.filter(user=world.license_user).count() == 20


def test_the_audit_entry_does_not_hold_the_secret(login, world):
    _, secret = create(login(world.license_user))
    event = AuditEvent.objects.get(action="token.create")
    stored = f"{event.changes} {event.target_label} {event.actor_label}"
    assert secret not in stored
    assert not re.search(re.escape(secret[10:20]), stored)
