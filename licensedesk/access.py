"""Who may see and do what. Every query for company data goes through here, so the rules
live in one place: an object of another company does not exist for the caller (404), a role
without the right is refused (403)."""

from functools import cache, wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from licensedesk.accounts.models import Role, User
from licensedesk.audit.models import AuditEvent
from licensedesk.core import rows
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.licenses.models import License, LicenseGrant


def is_partner_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organization_id)


def is_company_admin(user) -> bool:
    return is_partner_user(user) and user.is_company_admin


def has_license_role(user) -> bool:
    return is_partner_user(user) and user.role in (Role.LICENSE_ADMIN, Role.LICENSE_USER)


def is_license_admin(user) -> bool:
    return is_partner_user(user) and user.role == Role.LICENSE_ADMIN


def users_visible_to(user) -> QuerySet:
    """The users of the caller's company (user administration is for company admins)."""
    if not is_partner_user(user):
        return User.objects.none()
    return User.objects.filter(organization_id=user.organization_id)


def audit_events_visible_to(user) -> QuerySet:
    if not is_company_admin(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organization_id=user.organization_id)


def licenses_visible_to(user) -> QuerySet:
    """Registered licenses the user may see: all of the company's for a License Admin, only
    the granted ones for a License User, none for anyone else. Everything derived from a
    license (files, activations, installations, counts, exports) starts from this."""
    if not has_license_role(user):
        return License.objects.none()
    licenses = License.objects.filter(organization_id=user.organization_id)
    if user.role == Role.LICENSE_USER:
        licenses = licenses.filter(
            Exists(LicenseGrant.objects.filter(license_id=OuterRef("pk"), user_id=user.pk))
        )
    return licenses


def granted_license_ids(user) -> QuerySet:
    """The ids of the licenses granted to `user` (a License User sees exactly those of them
    that belong to the company: always combine with `licenses_visible_to`)."""
    return LicenseGrant.objects.filter(user_id=user.pk).values("license_id")


def _license_models():
    from licensedesk.accounts.models import Organization
    from licensedesk.catalog.models import Product, ProductVersion

    return License, Product, ProductVersion, Organization, Customer


@cache  # built once: the columns come from the models
def _visible_license_query() -> str:
    lic, product, version, organization, customer = _license_models()
    columns = ", ".join(
        rows.columns(model, alias) for model, alias in zip(_license_models(), "lpvoc", strict=True)
    )
    return (
        f"SELECT {columns} FROM {lic._meta.db_table} l "
        f"JOIN {product._meta.db_table} p ON p.id = l.product_id "
        f"JOIN {version._meta.db_table} v ON v.id = l.version_id "
        f"JOIN {organization._meta.db_table} o ON o.id = l.organization_id "
        f"LEFT JOIN {customer._meta.db_table} c ON c.id = l.customer_id "
        f"JOIN {User._meta.db_table} u ON u.id = %s "
        f"WHERE l.code = %s AND {license_visible_sql('l', 'u')}"
    )


def visible_license(user, code: str) -> License | None:
    """The license `code` if `user` may see it (the rule as `license_visible_sql` states it),
    with its product, version, company and customer: one plain SQL query, for the API's hot
    paths (activation), where building the ORM query cost more than running it."""
    if not has_license_role(user):
        return None
    row = rows.fetch_one(_visible_license_query(), [user.pk, code])
    if row is None:
        return None
    lic, product, version, organization, customer = rows.split(row, *_license_models())
    lic.product, lic.version, lic.organization, lic.customer = (
        product,
        version,
        organization,
        customer,
    )
    return lic


def license_visible_sql(license_alias: str, user_alias: str) -> str:
    """The rule of `licenses_visible_to` as an SQL condition, for set-based background jobs
    (Care reminder scans) that join licenses with users. Keep the two in step."""
    grants = LicenseGrant._meta.db_table
    return (
        f"({user_alias}.is_active AND {user_alias}.organization_id = "
        f"{license_alias}.organization_id AND ({user_alias}.role = '{Role.LICENSE_ADMIN}' OR "
        f"({user_alias}.role = '{Role.LICENSE_USER}' AND EXISTS (SELECT 1 FROM {grants} g "
        f"WHERE g.license_id = {license_alias}.id AND g.user_id = {user_alias}.id))))"
    )


def user_can_see_license(user, license_id) -> bool:
    return licenses_visible_to(user).filter(pk=license_id).exists()


def installations_visible_to(user) -> QuerySet:
    """Installations follow their license: visible exactly when the license is."""
    from licensedesk.monitoring.models import Installation

    return Installation.objects.filter(license__in=licenses_visible_to(user))


def customers_visible_to(user) -> QuerySet:
    """A License Admin sees every customer of the company; a License User sees the customers
    of the licenses granted to them and those they created."""
    if not has_license_role(user):
        return Customer.objects.none()
    customers = Customer.objects.filter(organization_id=user.organization_id)
    if user.role == Role.LICENSE_USER:
        # IN rather than EXISTS: PostgreSQL plans it far cheaper for companies with many
        # customers (see docs/benchmarks.md).
        granted = LicenseGrant.objects.filter(user_id=user.pk).values("license__customer_id")
        customers = customers.filter(Q(pk__in=granted) | Q(created_by_id=user.pk))
    return customers


def groups_visible_to(user) -> QuerySet:
    """Every license role sees the company's groups; inside a group, only the licenses it may
    see (always combine a group's licenses with `licenses_visible_to`)."""
    if not has_license_role(user):
        return LicenseGroup.objects.none()
    return LicenseGroup.objects.filter(organization_id=user.organization_id)


def can_edit_group(user, group) -> bool:
    """License Admins manage every group; License Users the groups they created."""
    if not has_license_role(user) or group.organization_id != user.organization_id:
        return False
    return user.role == Role.LICENSE_ADMIN or group.created_by_id == user.pk


def groups_editable_by(user) -> QuerySet:
    groups = groups_visible_to(user)
    if user.is_authenticated and user.role == Role.LICENSE_USER:
        groups = groups.filter(created_by_id=user.pk)
    return groups


def license_users_of(user) -> QuerySet:
    """The active License Users of the caller's company (the ones licenses are granted to)."""
    return users_visible_to(user).filter(is_active=True, role=Role.LICENSE_USER)


def can_manage_visibility(user) -> bool:
    return is_license_admin(user)


def can_manage_customers(user) -> bool:
    """Renaming and removing customers touches licenses the user may not see: admins only."""
    return is_license_admin(user)


class Forbidden(PermissionDenied):
    """A role without the right: 403, and an audit entry."""

    def __init__(self, message="You don't have permission to do this.", right=""):
        super().__init__(message)
        self.right = right


def _denied(request, right: str):
    from licensedesk.audit.services import record

    record("access.denied", request=request, changes={"right": right, "path": request.path})
    raise Forbidden(right=right)


def require(request, allowed: bool, right: str) -> None:
    """Raise 403 (and audit it) unless `allowed`."""
    if not allowed:
        _denied(request, right)


def company_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(request, is_company_admin(request.user), "company_admin")
        return view(request, *args, **kwargs)

    return wrapper


def license_role_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(request, has_license_role(request.user), "license_role")
        return view(request, *args, **kwargs)

    return wrapper
