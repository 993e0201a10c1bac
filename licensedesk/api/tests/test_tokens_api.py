from django.test import Client

from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.audit.models import AuditEvent


def test_it_creates_a_token_and_shows_the_secret_once(world, api):
    client = api(world.license_user)
    r = client.post_json("/api/v1/tokens", {"name": "sync"})
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("ldpat_")
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 200
    )
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 2
    assert all("token" not in t for t in listed["items"])
    assert secret not in str(listed)


def test_it_lists_only_the_callers_tokens(world, api):
    api(world.license_admin)
    api(world.outsider)
    r = api(world.license_user).get("/api/v1/tokens")
    assert r.json()["count"] == 1
    assert PersonalAccessToken.objects.get(pk=r.json()["items"][0]["id"]).user == world.license_user


def test_it_revokes_a_token(world, api):
    client = api(world.license_user)
    r = client.post_json("/api/v1/tokens", {"name": "sync"})
    other = Client(headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert client.delete(f"/api/v1/tokens/{r.json()['id']}").status_code == 204
    assert other.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_a_token_can_revoke_itself(world, api):
    client = api(world.license_user)
    token = PersonalAccessToken.objects.get(user=world.license_user)
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_another_users_token_is_not_found(world, api):
    api(world.license_admin)
    theirs = PersonalAccessToken.objects.get(user=world.license_admin)
    for caller in (world.company_admin, world.license_user, world.outsider):
        assert api(caller).delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_it_refuses_an_empty_name(world, api):
    r = api(world.license_user).post_json("/api/v1/tokens", {"name": "  "})
    assert r.status_code == 400
    assert PersonalAccessToken.objects.filter(user=world.license_user).count() == 1


def test_it_refuses_extra_fields(world, api):
    r = api(world.license_user).post_json(
        "/api/v1/tokens", {"name": "x", "user": world.outsider.pk}
    )
    assert r.status_code == 422
    assert not PersonalAccessToken.objects.filter(user=world.outsider).exists()


def test_token_creation_is_rate_limited(world, api):
    client = api(world.license_user)
    statuses = [
        client.post_json("/api/v1/tokens", {"name": f"t{n}"}).status_code for n in range(20)
    ]
    assert statuses.count(201) == 19  # the fixture's own token used the first
    r = client.post_json("/api/v1/tokens", {"name": "more"})
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert r["Content-Type"] == "application/problem+json"
