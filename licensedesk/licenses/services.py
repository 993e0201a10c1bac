"""Registering licenses and deciding who sees them. Called by the web views and the API."""

from django.db import transaction
from django.utils import timezone

from licensedesk import access
from licensedesk.accounts.models import Role
from licensedesk.audit.services import record
from licensedesk.core import ratelimit
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.customers.services import customer_for, get_or_create_customer
from licensedesk.groups.models import Membership
from licensedesk.licenses import codes, search
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.notifications import events
from licensedesk.notifications.services import emit

MAX_DESCRIPTION = 500
# Failed registrations (code guessing) per user and per company.
FAILURES_PER_USER = ratelimit.Limit(capacity=10, per_seconds=15 * 60)
FAILURES_PER_COMPANY = ratelimit.Limit(capacity=50, per_seconds=15 * 60)

UNAVAILABLE = (
    "This code can't be registered. Check that you typed it exactly as on the license "
    "certificate, or contact the vendor."
)


class AlreadyRegistered(Conflict):
    def __init__(self, license: License):
        super().__init__(
            f"Your company has already registered {license.code}.", code="slc_already_registered"
        )
        self.license = license


def clean_description(value) -> str:
    value = str(value or "").strip()
    if len(value) > MAX_DESCRIPTION:
        raise ServiceError(
            f"The description is too long ({MAX_DESCRIPTION} characters at most).",
            code="invalid_description",
            field="description",
        )
    return value


def _require_license_role(user):
    if not access.has_license_role(user):
        access.refuse("license_role")


def _resolve_customer(user, customer_id, new_customer, request):
    if customer_id not in (None, "") and new_customer not in (None, ""):
        raise ServiceError(
            "Pick a customer or add a new one, not both.",
            code="invalid_customer",
            field="customer_id",
        )
    if new_customer not in (None, ""):
        return get_or_create_customer(user, new_customer, request=request)
    if customer_id not in (None, ""):
        return customer_for(user, customer_id)
    return None


def register(
    user,
    code,
    *,
    customer_id=None,
    new_customer=None,
    description="",
    group_ids=(),
    request=None,
) -> License:
    """Register an SLC for the user's company. Every reason a code cannot be taken (never
    issued, sold to another partner, registered by another company) gets the same answer."""
    _require_license_role(user)
    # Taken before the code is looked at, so that concurrent guesses cannot all pass; a code
    # that is no guess (registered, or refused for another reason) gives them back.
    limits = (
        ("register-user", str(user.pk), FAILURES_PER_USER),
        ("register-company", str(user.organization_id), FAILURES_PER_COMPANY),
    )
    for scope, key, limit in limits:
        ratelimit.consume(scope, key, limit)
    try:
        lic = _register(
            user,
            codes.normalize(code),
            customer_id,
            new_customer,
            description,
            group_ids,
            request,
        )
    except ServiceError as exc:
        if exc.code not in ("slc_unavailable", "invalid_slc_format"):
            _give_back(limits)
        raise
    _give_back(limits)
    return lic


def _give_back(limits) -> None:
    for scope, key, limit in limits:
        ratelimit.give_back(scope, key, limit)


@transaction.atomic
def _register(user, code, customer_id, new_customer, description, group_ids, request):
    if not codes.is_well_formed(code):
        raise ServiceError(
            "This is not a license code. It looks like M01-C01-251-01-7K3QF9.",
            code="invalid_slc_format",
            field="slc",
        )
    description = clean_description(description)
    ours_or_free = access.licenses_of_company(user.organization_id) | access.registrable_by(user)
    lic = ours_or_free.filter(code=code).first()
    if lic is None:
        raise ServiceError(UNAVAILABLE, code="slc_unavailable", field="slc")
    if lic.organization_id == user.organization_id:
        raise AlreadyRegistered(lic)
    customer = _resolve_customer(user, customer_id, new_customer, request)
    now = timezone.now()
    # The conditional update is the lock: of two companies racing, exactly one matches.
    taken = License.objects.filter(pk=lic.pk, organization__isnull=True).update(
        organization_id=user.organization_id,
        customer=customer,
        description=description,
        registered_by=user,
        registered_at=now,
    )
    if not taken:
        raise ServiceError(UNAVAILABLE, code="slc_unavailable", field="slc")
    lic.refresh_from_db()
    if user.role == Role.LICENSE_USER:
        LicenseGrant.objects.create(license=lic, user=user, granted_by=user)
    record(
        "license.register",
        request=request,
        actor=user,
        target=lic,
        changes={"customer": customer.name if customer else None, "description": description},
    )
    if group_ids:
        _add_to_groups(user, lic, group_ids)
    search.refresh_ids([lic.pk])
    emit(events.LICENSE_REGISTERED, lic, {"registered_by": user.email})
    return lic


def _add_to_groups(user, lic, group_ids) -> None:
    wanted = set(group_ids)
    groups = list(access.groups_editable_by(user).filter(pk__in=wanted))
    if len(groups) != len(wanted):
        raise ServiceError(
            "Choose license groups of your company that you may change.",
            code="unknown_groups",
            field="group_ids",
        )
    Membership.objects.bulk_create(
        [Membership(group=g, license=lic) for g in groups], ignore_conflicts=True
    )


@transaction.atomic
def update_license(user, lic: License, data: dict, request=None) -> License:
    """Change a license's customer and description."""
    lic = access.licenses_visible_to(user).select_for_update().get(pk=lic.pk)
    before = {
        "customer": lic.customer.name if lic.customer else None,
        "description": lic.description,
    }
    if "customer_id" in data or "new_customer" in data:
        lic.customer = _resolve_customer(
            user, data.get("customer_id"), data.get("new_customer"), request
        )
    if "description" in data:
        lic.description = clean_description(data["description"])
    after = {
        "customer": lic.customer.name if lic.customer else None,
        "description": lic.description,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        lic.save(update_fields=["customer", "description"])
        search.refresh_ids([lic.pk])
        record("license.update", request=request, actor=user, target=lic, changes=changes)
    return lic


def _license_users(admin, user_ids) -> list:
    try:
        wanted = {int(pk) for pk in user_ids}
    except (TypeError, ValueError) as exc:
        raise ServiceError("User ids must be numbers.", code="invalid_user_ids") from exc
    users = list(access.license_users_of(admin).filter(pk__in=wanted))
    if len(users) != len(wanted):
        raise ServiceError(
            "Licenses can be granted only to active License Users of your company.",
            code="invalid_user_ids",
            field="user_ids",
        )
    return users


def _require_visibility_admin(user):
    if not access.can_manage_visibility(user):
        access.refuse("license_visibility", "Only License Admins decide who sees licenses.")


@transaction.atomic
def set_visibility(admin, lic: License, user_ids, request=None) -> list:
    """Exactly these License Users may see the license (License Admins see every license)."""
    _require_visibility_admin(admin)
    users = _license_users(admin, user_ids)
    wanted = {u.pk for u in users}
    current = set(LicenseGrant.objects.filter(license=lic).values_list("user_id", flat=True))
    LicenseGrant.objects.filter(license=lic, user_id__in=current - wanted).delete()
    LicenseGrant.objects.bulk_create(
        [LicenseGrant(license=lic, user_id=pk, granted_by=admin) for pk in wanted - current],
        ignore_conflicts=True,
    )
    if wanted != current:
        record(
            "license.visibility",
            request=request,
            actor=admin,
            target=lic,
            changes={"granted": sorted(wanted - current), "revoked": sorted(current - wanted)},
        )
    return users


@transaction.atomic
def bulk_grant(admin, license_ids, user_id, grant: bool, request=None) -> int:
    """Grant (or revoke) one License User on many licenses at once; returns how many changed."""
    _require_visibility_admin(admin)
    [user] = _license_users(admin, [user_id])
    licenses = list(
        access.licenses_visible_to(admin)
        .filter(pk__in=list(license_ids))
        .values_list("pk", flat=True)
    )
    if grant:
        existing = set(
            LicenseGrant.objects.filter(user=user, license_id__in=licenses).values_list(
                "license_id", flat=True
            )
        )
        new = [
            LicenseGrant(license_id=pk, user=user, granted_by=admin)
            for pk in licenses
            if pk not in existing
        ]
        LicenseGrant.objects.bulk_create(new, ignore_conflicts=True)
        changed = len(new)
    else:
        changed, _ = LicenseGrant.objects.filter(user=user, license_id__in=licenses).delete()
    record(
        "license.bulk_grant" if grant else "license.bulk_revoke",
        request=request,
        actor=admin,
        target=user,
        changes={"licenses": len(licenses), "changed": changed},
    )
    return changed
