"""A token's user is read in one query: it must be the same user the ORM gives, with its
company, and refuse revoked tokens, inactive users and inactive companies."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.accounts import tokens
from licensedesk.accounts.models import User


def test_the_user_is_the_one_the_orm_loads(world):
    _, secret = tokens.create_token(world.license_user, "ci")
    with CaptureQueriesContext(connection) as statements:
        user = tokens.user_for_secret(secret)
    orm = User.objects.select_related("organization").get(pk=world.license_user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name
    assert user.date_joined.tzinfo is not None
    assert user.organization.name == "Northwind Security"
    # the lookup itself, and the last-used time written once (then at most every 5 minutes)
    assert len(statements) == 2
    with CaptureQueriesContext(connection) as again:
        tokens.user_for_secret(secret)
    assert len(again) == 1


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


def test_a_secret_of_another_shape_is_not_looked_up(world):
    with CaptureQueriesContext(connection) as statements:
        assert tokens.user_for_secret("not-a-token") is None
        assert tokens.user_for_secret("ldpat_" + "x" * 300) is None
    assert len(statements) == 0
