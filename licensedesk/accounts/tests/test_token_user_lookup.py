"""A token's user is read with its company: it must be the same user the ORM gives, and
refuse revoked tokens, inactive users and inactive companies. The token's last use is written
at most every 5 minutes, not on every call."""

from datetime import timedelta

from django.utils import timezone

from licensedesk.accounts import tokens
from licensedesk.accounts.models import PersonalAccessToken, User


def test_the_user_is_the_one_the_orm_loads(world, monkeypatch):
    _, secret = tokens.create_token(world.license_user, "ci")

    def read_apart(instance):
        raise AssertionError("read apart from the token")

    # the user and its company come with the token, never read one after the other
    with monkeypatch.context() as patched:
        patched.setattr(PersonalAccessToken.user, "get_object", read_apart)
        patched.setattr(User.organization, "get_object", read_apart)
        user = tokens.user_for_secret(secret)
    orm = User.objects.select_related("organization").get(pk=world.license_user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name
    assert user.date_joined.tzinfo is not None
    assert user.organization.name == "Northwind Security"


def test_the_last_use_is_written_at_most_every_five_minutes(world, monkeypatch):
    token, secret = tokens.create_token(world.license_user, "ci")
    start = timezone.now()

    def used_at(minutes):
        monkeypatch.setattr(tokens.timezone, "now", lambda: start + timedelta(minutes=minutes))
        assert tokens.user_for_secret(secret).pk == world.license_user.pk
        return PersonalAccessToken.objects.get(pk=token.pk).last_used_at

    assert token.last_used_at is None
    assert used_at(0) == start  # the first use is written
    assert used_at(1) == used_at(4) == start  # not again within 5 minutes
    assert used_at(6) == start + timedelta(minutes=6)
    assert used_at(10) == start + timedelta(minutes=6)


def test_vendor_staff_without_company_is_found_without_one(world):
    _, secret = tokens.create_token(world.staff, "ci")
    user = tokens.user_for_secret(secret)
    assert user.pk == world.staff.pk and user.organization is None


def test_revoked_tokens_inactive_users_and_companies_find_nobody(world):
    token, secret = tokens.create_token(world.license_admin, "ci")
    tokens.revoke_token(token)
    assert tokens.user_for_secret(secret) is None

    _, secret = tokens.create_token(world.license_user, "ci")
    User.objects.filter(pk=world.license_user.pk).update(is_active=False)
    assert tokens.user_for_secret(secret) is None

    _, secret = tokens.create_token(world.company_admin, "ci")
    world.org.is_active = False
    world.org.save()
    assert tokens.user_for_secret(secret) is None


def test_a_secret_of_another_shape_finds_nobody_even_if_stored(world):
    # Refused on its shape before any lookup: even a stored digest of it finds no user.
    for secret in ("not-a-token", "ldpat_" + "x" * 300):
        PersonalAccessToken.objects.create(
            user=world.license_admin, name="odd", prefix=secret[:10], digest=tokens.digest(secret)
        )
        assert tokens.user_for_secret(secret) is None
