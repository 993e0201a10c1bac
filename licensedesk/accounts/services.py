"""The rules of companies and users, shared by the web views, the API and the commands."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.accounts.tokens import revoke_all_tokens
from licensedesk.audit.services import diff, record
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.outbox.registry import enqueue

PROFILE_FIELDS = ("first_name", "last_name", "phone", "job_title")
ADMIN_EDITABLE_FIELDS = (*PROFILE_FIELDS, "email", "role", "is_company_admin")
MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "phone": 40,
    "job_title": 100,
    "email": 254,
}


def _clean_text(field: str, value) -> str:
    value = ("" if value is None else str(value)).strip()
    if len(value) > MAX_LENGTHS.get(field, 200):
        raise ServiceError(f"{field.replace('_', ' ').capitalize()} is too long.", field=field)
    return value


def valid_email(email: str) -> str:
    """The address in lower case, if it is well formed; taken or not is not asked here."""
    email = _clean_text("email", email).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(
            "Enter a valid email address.", code="invalid_email", field="email"
        ) from exc
    return email


def email_taken(email: str, exclude_pk=None) -> bool:
    """Whether any user, active or deleted, has this address (case-insensitively)."""
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def clean_email(email: str, exclude_pk=None) -> str:
    email = valid_email(email)
    if email_taken(email, exclude_pk):
        raise Conflict(
            "A user with this email address already exists.", code="email_taken", field="email"
        )
    return email


def _clean_role(role) -> str:
    if role not in Role.values:
        raise ServiceError("Choose a valid role.", code="invalid_role", field="role")
    return role


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), code="weak_password", field="password") from exc


def clean_sign_up(
    *, company_name, country, first_name, last_name, email, phone, password
) -> tuple[User, dict]:
    """Check a sign-up's fields and password strength (the password against the names and the
    address too); taken or not is not asked here. Returns the unsaved first administrator and
    the company's fields."""
    company_name = (company_name or "").strip()
    country = (country or "").strip()
    if not company_name or len(company_name) > 200:
        raise ServiceError("Enter the company name.", field="company_name")
    if not country or len(country) > 100:
        raise ServiceError("Enter the country.", field="country")
    user = User(
        email=valid_email(email),
        first_name=_clean_text("first_name", first_name),
        last_name=_clean_text("last_name", last_name),
        phone=_clean_text("phone", phone),
    )
    check_password(password, user)
    return user, {"name": company_name, "country": country}


@transaction.atomic
def create_company(user: User, company: dict, request=None) -> User:
    """Save a new partner company with `user` (password already set) as its first company
    administrator and License Admin."""
    org = Organization.objects.create(
        name=company["name"],
        country=company["country"],
        slug=Organization.unique_slug_for(company["name"]),
    )
    user.organization = org
    user.role = Role.LICENSE_ADMIN
    user.is_company_admin = True
    user.save()
    record("company.sign_up", request=request, actor=user, organization=org, target=org)
    return user


@transaction.atomic
def sign_up(*, password, request=None, **fields):
    """Create a partner company and its company administrator at once (the `create-org`
    command; people signing up on the web confirm their address first, see signup.py)."""
    user, company = clean_sign_up(password=password, **fields)
    clean_email(user.email)
    user.set_password(password)
    return create_company(user, company, request=request)


@transaction.atomic
def invite_user(admin: User, data: dict, request=None) -> User:
    """A company administrator adds a user; the user is emailed a link to set a password."""
    user = User(
        organization_id=admin.organization_id,
        email=clean_email(data.get("email", "")),
        role=_clean_role(data.get("role", Role.LICENSE_USER)),
        is_company_admin=bool(data.get("is_company_admin", False)),
        **{f: _clean_text(f, data.get(f, "")) for f in PROFILE_FIELDS},
    )
    user.set_unusable_password()
    user.save()
    enqueue("accounts.invitation", {"user_id": user.pk, "inviter_id": admin.pk})
    record(
        "user.invite",
        request=request,
        actor=admin,
        target=user,
        changes={"email": user.email, "role": user.role, "is_company_admin": user.is_company_admin},
    )
    return user


def _snapshot(user: User) -> dict:
    return {f: getattr(user, f) for f in ADMIN_EDITABLE_FIELDS}


def _lock_company(org_id: int) -> None:
    """Serialise changes to a company's administrators (last-admin rule)."""
    Organization.objects.select_for_update().filter(pk=org_id).first()


def _other_active_admins(user: User) -> int:
    return (
        User.objects.filter(
            organization_id=user.organization_id, is_company_admin=True, is_active=True
        )
        .exclude(pk=user.pk)
        .count()
    )


@transaction.atomic
def update_user(admin: User, user: User, data: dict, request=None) -> User:
    """A company administrator edits a user's details, role and admin flag."""
    _lock_company(admin.organization_id)
    user.refresh_from_db()
    before = _snapshot(user)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, _clean_text(field, data[field]))
    if "email" in data:
        user.email = clean_email(data["email"], exclude_pk=user.pk)
    if "role" in data:
        user.role = _clean_role(data["role"])
    if "is_company_admin" in data:
        user.is_company_admin = bool(data["is_company_admin"])
        demoted = before["is_company_admin"] and not user.is_company_admin
        if demoted and not _other_active_admins(user):
            raise ServiceError(
                "A company always keeps at least one administrator.",
                code="last_admin",
                field="is_company_admin",
            )
    changes = diff(before, _snapshot(user))
    if changes:
        user.save()
        record("user.update", request=request, actor=admin, target=user, changes=changes)
    return user


@transaction.atomic
def deactivate_user(admin: User, user: User, request=None) -> None:
    """Delete a user: they can no longer log in, their sessions and tokens stop working at once,
    and what they did stays in the audit log."""
    _lock_company(admin.organization_id)
    user.refresh_from_db()
    if not user.is_active:
        return
    if user.is_company_admin and not _other_active_admins(user):
        raise ServiceError("A company always keeps at least one administrator.", code="last_admin")
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    revoke_all_tokens(user)
    record("user.delete", request=request, actor=admin, target=user)


@transaction.atomic
def update_profile(user: User, data: dict, request=None) -> User:
    before = _snapshot(user)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, _clean_text(field, data[field]))
    changes = diff(before, _snapshot(user))
    if changes:
        user.save(update_fields=list(changes))
        record("profile.update", request=request, actor=user, target=user, changes=changes)
    return user


@transaction.atomic
def set_password(user: User, password: str, request=None, action="password.change") -> None:
    """Set a new password: every other session (by the session hash) and every token die."""
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = revoke_all_tokens(user)
    record(action, request=request, actor=user, target=user, changes={"tokens_revoked": revoked})


def request_password_reset(email: str, request=None) -> None:
    """Email a reset link if the address belongs to an active user; say nothing either way."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        enqueue("accounts.password_reset", {"user_id": user.pk})
        record("password.reset_requested", request=request, actor=user, target=user)


@transaction.atomic
def resend_invitation(admin: User, user: User, request=None) -> None:
    if user.has_usable_password():
        raise ServiceError("This user has already accepted the invitation.", code="accepted")
    user.set_unusable_password()  # a new one: the links mailed before stop working
    user.save(update_fields=["password"])
    enqueue("accounts.invitation", {"user_id": user.pk, "inviter_id": admin.pk})
    record("user.reinvite", request=request, actor=admin, target=user)


@transaction.atomic
def update_company(admin: User, data: dict, request=None) -> Organization:
    """A company administrator changes the company's name, country and login rules."""
    org = Organization.objects.select_for_update().get(pk=admin.organization_id)
    before = {
        "name": org.name,
        "country": org.country,
        "require_2fa_for_admins": org.require_2fa_for_admins,
    }
    name = " ".join(str(data.get("name", org.name)).split())
    country = " ".join(str(data.get("country", org.country)).split())
    if not name or len(name) > 200:
        raise ServiceError("Enter the company name.", field="name")
    if not country or len(country) > 100:
        raise ServiceError("Enter the country.", field="country")
    org.name, org.country = name, country
    org.require_2fa_for_admins = bool(
        data.get("require_2fa_for_admins", org.require_2fa_for_admins)
    )
    after = {
        "name": org.name,
        "country": org.country,
        "require_2fa_for_admins": org.require_2fa_for_admins,
    }
    changes = diff(before, after)
    if changes:
        org.save(update_fields=["name", "country", "require_2fa_for_admins"])
        record("company.update", request=request, actor=admin, target=org, changes=changes)
    return org
