"""Applying a checked plan: registrations, updates, new customers and groups, memberships and
grants, in a few statements per thousand rows, with an audit event for every license it
registers or changes. Call `apply` inside the transaction that locked the licenses and
checked the plan (`services.import_sheet`), so that what it applies is what was checked."""

from collections import defaultdict

from django.db.models.functions import Lower
from django.utils import timezone

from licensedesk import access
from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import unsaved
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.imports.checking import Current, Plan, Row
from licensedesk.licenses import search
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.notifications import events
from licensedesk.notifications.services import emit_many

BATCH = 1000


def apply(user, plan: Plan, *, import_label: str, ip=None, agent="") -> None:
    """Write what `plan.rows` say (rows with errors are not in them)."""
    rows = [row for row in plan.rows if row.action in ("register", "update")]
    if not rows:
        return
    audit = []
    customers = _create_missing(
        user, Customer, access.company_customers(user), plan.customers, _used_customers(rows), audit
    )
    groups = _create_missing(
        user, LicenseGroup, access.groups_visible_to(user), plan.groups, _used_groups(rows), audit
    )
    registered = [row for row in rows if row.action == "register"]
    _write_licenses(user, rows, plan, customers)
    _set_groups(user, rows, plan, groups)
    _set_grants(user, rows, plan)
    for row in rows:
        action = "license.register" if row.action == "register" else "license.update"
        audit.append(
            unsaved(
                action,
                actor=user,
                target=License(pk=row.license_id, code=row.slc),
                changes={**row.changes, "import": import_label},
                ip=ip,
                agent=agent,
            )
        )
    AuditEvent.objects.bulk_create(audit, batch_size=BATCH)
    emit_many(
        events.LICENSE_REGISTERED,
        [License(pk=row.license_id, organization_id=user.organization_id) for row in registered],
        {"registered_by": user.email},
    )


def _used_customers(rows) -> set:
    return {r.customer for r in rows if isinstance(r.customer, str) and "customer" in r.changes}


def _used_groups(rows) -> set:
    return {key for r in rows if "groups" in r.changes for key in r.groups}


def _create_missing(user, model, existing, resolved: dict, used: set, audit: list) -> dict:
    """{key: id} of the names used (keys of `resolved`, the database's lower names), the new
    ones created (in one INSERT; one made meanwhile by someone else is taken as it is)."""
    new = sorted(key for key in used if resolved[key][0] is None)
    ids = {key: resolved[key][0] for key in used if resolved[key][0] is not None}
    if not new:
        return ids
    model.objects.bulk_create(
        [
            model(organization_id=user.organization_id, name=resolved[key][1], created_by=user)
            for key in new
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    made = existing.annotate(key=Lower("name")).filter(key__in=new)
    action = "customer.create" if model is Customer else "group.create"
    for obj in made:
        ids[obj.key] = obj.pk
        if obj.created_by_id == user.pk:
            audit.append(unsaved(action, actor=user, target=obj, changes={"import": True}))
    return ids


def _write_licenses(user, rows, plan: Plan, customers: dict) -> None:
    """Each license row written once (on PostgreSQL every write of a row inserts into each
    of its indexes, three of them trigram ones): registration, customer, description and
    the search document (`licenses.search.document`, the rule `search.refresh` keeps)."""
    now = timezone.now()
    written = []
    changing = [
        row
        for row in rows
        if row.action == "register" or {"customer", "description"} & row.changes.keys()
    ]
    # The catalog's names, for the search documents: a few dozen rows.
    products = dict(Product.objects.values_list("pk", "name"))
    versions = dict(ProductVersion.objects.values_list("pk", "name"))
    mine = access.licenses_importable_by(user)
    for start in range(0, len(changing), BATCH):
        chunk = changing[start : start + BATCH]
        licenses = mine.in_bulk([row.license_id for row in chunk])
        for row in chunk:
            lic, current = licenses[row.license_id], _current(plan, row)
            customer = current.customer
            if "customer" in row.changes:
                lic.customer_id = customers[row.customer] if row.customer else None
                customer = plan.customers[row.customer][1] if row.customer else None
            if "description" in row.changes:
                lic.description = row.description
            lic.search_document = search.document(
                lic.code,
                products[lic.product_id],
                versions[lic.version_id],
                customer,
                lic.description,
            )
            if row.action == "register":
                lic.organization_id, lic.registered_by, lic.registered_at = (
                    user.organization_id,
                    user,
                    now,
                )
            written.append(lic)
    # An upsert on the id, as bulk_update's CASE grows with rows times fields; the rows are
    # locked (`services.import_sheet`), so the codes checked free stay free.
    written.sort(key=lambda lic: lic.pk)  # neighbours in the table and its indexes together
    License.objects.bulk_create(
        written,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=[
            "organization",
            "registered_by",
            "registered_at",
            "customer",
            "description",
            "search_document",
        ],
        batch_size=BATCH,
    )


def _current(plan: Plan, row: Row) -> Current:
    """What the license has now (nothing, for one being registered)."""
    return plan.current.get(row.license_id) or Current(None, None, "")


def _set_groups(user, rows, plan: Plan, groups: dict) -> None:
    adds, removals = [], defaultdict(list)
    for row in rows:
        if "groups" not in row.changes:
            continue
        wanted = {groups[key] for key in row.groups}
        current = (
            set(plan.current[row.license_id].groups) if row.license_id in plan.current else set()
        )
        adds += [Membership(group_id=g, license_id=row.license_id) for g in wanted - current]
        for group_id in current - wanted:
            removals[group_id].append(row.license_id)
    # Locked in id order like every change of a group's licenses (groups/services.py).
    touched = sorted({m.group_id for m in adds} | set(removals))
    locked = access.groups_visible_to(user).select_for_update().filter(pk__in=touched)
    list(locked.order_by("pk"))
    for group_id, license_ids in removals.items():
        for start in range(0, len(license_ids), BATCH):
            chunk = license_ids[start : start + BATCH]
            Membership.objects.filter(group_id=group_id, license_id__in=chunk).delete()
    Membership.objects.bulk_create(adds, ignore_conflicts=True, batch_size=BATCH)


def _set_grants(user, rows, plan: Plan) -> None:
    adds, removals = [], defaultdict(list)
    for row in rows:
        if "visible_to" not in row.changes:
            continue
        wanted = {plan.users[email][0] for email in row.visible_to}
        current = (
            set(plan.current[row.license_id].users) if row.license_id in plan.current else set()
        )
        adds += [
            LicenseGrant(license_id=row.license_id, user_id=pk, granted_by=user)
            for pk in wanted - current
        ]
        for user_id in current - wanted:
            removals[user_id].append(row.license_id)
    for user_id, license_ids in removals.items():
        for start in range(0, len(license_ids), BATCH):
            chunk = license_ids[start : start + BATCH]
            LicenseGrant.objects.filter(user_id=user_id, license_id__in=chunk).delete()
    LicenseGrant.objects.bulk_create(adds, ignore_conflicts=True, batch_size=BATCH)
