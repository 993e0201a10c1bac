"""Who may see and do what. Every query for company data goes through here, so the rules
live in one place: an object of another company does not exist for the caller (404), a role
without the right is refused (403)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from licensedesk.accounts.models import Role, User
from licensedesk.activation.models import Activation
from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import record
from licensedesk.care.models import CareReminder
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.imports.models import LicenseImport
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.monitoring.models import Health, Installation, Thresholds
from licensedesk.notifications.models import Delivery, NotificationProfile


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
    """Registered licenses the user may see (`license_visible_q`). Everything derived from a
    license (files, activations, installations, counts, exports) starts from this."""
    return License.objects.filter(license_visible_q(user))


def licenses_of_company(organization_id: int) -> QuerySet:
    """Every license of a company, seen by whom or not: for jobs that act for the company
    (notifications), and for the rule that a company registers a code once. No company has
    none (not the unregistered ones, whose company is empty too)."""
    if organization_id is None:
        return License.objects.none()
    return License.objects.filter(organization_id=organization_id)


def registrable_by(user) -> QuerySet:
    """The licenses the user's company may register: registered by no company, and sold to
    nobody or to it. Any other code is as unknown to it as one never issued."""
    if not has_license_role(user):
        return License.objects.none()
    sold = Q(sold_to__isnull=True) | Q(sold_to_id=user.organization_id)
    return License.objects.filter(sold, organization__isnull=True)


def licenses_importable_by(user) -> QuerySet:
    """What an import may write: the licenses the user sees and those the company may
    register (`registrable_by`)."""
    return licenses_visible_to(user) | registrable_by(user)


def license_visible_q(
    user, license_path: str = "", company_path: str = "", as_sets: bool = False
) -> Q:
    """The license visibility rule, written once: an active License Admin sees the company's
    licenses, an active License User those of them granted to them, anyone else none.

    `license_path` leads from the queried model to the license ("" for licenses). `user` is a
    User, or the path from the queried model to one, for set-based jobs that pair users with
    licenses (the Care scan). For a User, what depends on the user alone is decided here, so
    the database sees only the conditions on the license (for a License Admin, the company
    alone). `company_path`: where the queried row keeps its own copy of its license's company
    (a monitored installation's Health row), read instead of joining the license.
    `as_sets` (a User, and `license_path` a foreign key to the license): the conditions as
    sets of licenses the key is in, without joining the license (`_LicenseSets`)."""
    lic = f"{license_path}__" if license_path else ""
    if isinstance(user, str):
        on = _UserAt(user)
    else:
        on = _LicenseSets(user, license_path) if as_sets else _UserFacts(user)
    # The grant before the company: said as two sets (`_LicenseSets`), PostgreSQL sizes
    # their join from the first, and her grants are the set it can size.
    return (
        on.has(is_active=True)
        & (on.has(role=Role.LICENSE_ADMIN) | on.granted_as(Role.LICENSE_USER, OuterRef(f"{lic}pk")))
        & on.same_company(company_path or f"{lic}organization_id")
    )


def _company(organization_id: int) -> Cast:
    """A company's id typed as the columns that hold it (bigint), not as a plain number: on
    PostgreSQL the company's search index (licenses 0007, btree_gin) only compares a bigint
    with a bigint."""
    return Cast(Value(organization_id), BigIntegerField())


def _never() -> Q:
    return Q(pk__in=[])  # matches nothing, and Django asks the database nothing for it


class _UserAt:
    """The user at a path from the queried model: each fact is a condition in the query."""

    def __init__(self, path: str):
        self.path = path

    def has(self, **facts) -> Q:
        return Q(**{f"{self.path}__{field}": value for field, value in facts.items()})

    def same_company(self, organization_path: str) -> Q:
        return Q(**{organization_path: F(f"{self.path}__organization_id")})

    def granted_as(self, role: str, license_id) -> Q:
        """The user has `role` and a grant of the license."""
        grants = LicenseGrant.objects.filter(license_id=license_id)
        return self.has(role=role) & Exists(grants.filter(user_id=OuterRef(f"{self.path}__pk")))


class _UserFacts:
    """A loaded user: facts about the user alone are known, so they add nothing to the query
    when true (`~_never()`) and empty it when false."""

    def __init__(self, user):
        self.user = user

    def has(self, **facts) -> Q:
        known = all(getattr(self.user, field, None) == value for field, value in facts.items())
        return ~_never() if known else _never()  # not Q(): Q() | X is X, not "true"

    def same_company(self, organization_path: str) -> Q:
        organization_id = getattr(self.user, "organization_id", None)
        return Q(**{organization_path: _company(organization_id)}) if organization_id else _never()

    def granted_as(self, role: str, license_id) -> Q:
        # Built only for a user of that role: for anyone else the query needs no subquery.
        if getattr(self.user, "role", None) != role:
            return _never()
        grants = LicenseGrant.objects.filter(license_id=license_id, user_id=self.user.pk)
        return Q(Exists(grants))


class _LicenseSets(_UserFacts):
    """A loaded user, the conditions on the license said as sets its key (`field`) is in: the
    company's and her granted ones, which PostgreSQL sizes right (docs/benchmarks.md)."""

    def __init__(self, user, field: str):
        super().__init__(user)
        self.field = field

    def same_company(self, organization_path: str) -> Q:
        organization_id = getattr(self.user, "organization_id", None)
        if not organization_id:
            return _never()
        company = License.objects.filter(organization_id=_company(organization_id))
        return Q(**{f"{self.field}__in": company})

    def granted_as(self, role: str, license_id) -> Q:
        if getattr(self.user, "role", None) != role:
            return _never()
        granted = LicenseGrant.objects.filter(user_id=self.user.pk).values("license_id")
        return Q(**{f"{self.field}__in": granted})


def visible_license(user, code: str) -> License | None:
    """The license `code` if `user` may see it, with its product, version, company and
    customer (the API's lookups by SLC)."""
    related = ("product", "version", "organization", "customer")
    return licenses_visible_to(user).select_related(*related).filter(code=code).first()


def user_can_see_license(user, license_id) -> bool:
    return licenses_visible_to(user).filter(pk=license_id).exists()


def installations_visible_to(user) -> QuerySet:
    """Installations follow their license: visible exactly when the license is."""
    return Installation.objects.filter(license__in=licenses_visible_to(user))


def health_visible_to(user) -> QuerySet:
    """The monitored state of the installations the user may see (`installations_visible_to`).
    A Health row keeps its installation's license and that license's company (set when
    monitoring is enabled; neither ever changes), and its index starts with the company: a
    License Admin's counts by state read only the company's rows, a License User's those
    rows against her grants, without joining every installation and license."""
    return Health.objects.filter(license_visible_q(user, "license", company_path="organization_id"))


def activations_visible_to(user) -> QuerySet:
    """Activations follow their license, like installations. Said as sets of licenses
    (`_LicenseSets`), PostgreSQL walks the newest activations backwards and stops at the
    first few visible ones, for either role."""
    return Activation.objects.filter(license_visible_q(user, "license", as_sets=True))


def company_customers(user) -> QuerySet:
    """Every customer of a license role's company, seen or not: for the rules that hold
    company-wide (a customer's name is unique in the company), never for showing them."""
    if not has_license_role(user):
        return Customer.objects.none()
    return Customer.objects.filter(organization_id=user.organization_id)


def customers_visible_to(user) -> QuerySet:
    """A License Admin sees every customer of the company; a License User sees the customers
    of the licenses granted to them and those they created."""
    customers = company_customers(user)
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


def can_import_licenses(user) -> bool:
    """Imports register and change licenses for the whole company: License Admins only."""
    return is_license_admin(user)


def license_imports_of(user) -> QuerySet:
    """The importer's own uploaded spreadsheets, until they expire (an hour)."""
    if not can_import_licenses(user):
        return LicenseImport.objects.none()
    return LicenseImport.objects.filter(
        organization_id=user.organization_id, created_by_id=user.pk, expires_at__gt=timezone.now()
    )


class Forbidden(PermissionDenied):
    """A role without the right: answered 403 and audited (`record_refusal`)."""

    def __init__(self, message: str | None = None, *, right: str = ""):
        self.message = message or "You don't have permission to do this."
        super().__init__(self.message)
        self.right = right


def refuse(right: str, message: str | None = None):
    """Refuse the operation for want of `right` (for services, which have no request)."""
    raise Forbidden(message, right=right)


def require(request, allowed: bool, right: str, message: str | None = None) -> None:
    """Refuse (403) unless `allowed`."""
    if not allowed:
        refuse(right, message)


def record_refusal(request, exc: PermissionDenied) -> None:
    """Audit a 403 where it is answered (the web's and the API's handlers): after the
    refusal has rolled back whatever transaction it was raised in, so the entry stays."""
    changes = {"right": getattr(exc, "right", ""), "path": request.path}
    record("access.denied", request=request, changes=changes)


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


def profiles_visible_to(user) -> QuerySet:
    """Notification profiles are the company's, managed by License Admins."""
    if not is_license_admin(user):
        return NotificationProfile.objects.none()
    return profiles_of_company(user.organization_id)


def profiles_of_company(organization_id: int) -> QuerySet:
    """A company's notification profiles, for the jobs that send its notifications."""
    return NotificationProfile.objects.filter(organization_id=organization_id)


def thresholds_editable_by(user) -> QuerySet:
    """The company's monitoring thresholds (a row, or none for the defaults): License
    Admins change them."""
    if not is_license_admin(user):
        return Thresholds.objects.none()
    return thresholds_of_company(user.organization_id)


def thresholds_of_company(organization_id: int) -> QuerySet:
    """A company's monitoring thresholds, for judging its installations' reports."""
    return Thresholds.objects.filter(organization_id=organization_id)


def deliveries_visible_to(user) -> QuerySet:
    """License Admins see the company's delivery log; License Users their reminders'."""
    if not has_license_role(user):
        return Delivery.objects.none()
    deliveries = Delivery.objects.filter(organization_id=user.organization_id)
    if not is_license_admin(user):
        deliveries = deliveries.filter(reminder__owner=user)
    return deliveries


def care_reminders_of(user) -> QuerySet:
    """Care reminders are personal: everyone sees and changes only their own."""
    if not has_license_role(user):
        return CareReminder.objects.none()
    return CareReminder.objects.filter(owner=user, organization_id=user.organization_id)
