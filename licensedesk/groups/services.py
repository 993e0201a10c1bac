"""License groups: create, edit, delete, change membership, grant a group's licenses."""

from django.db import IntegrityError, connection, transaction

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.core import plans
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses import codes
from licensedesk.licenses.models import License, LicenseGrant

MAX_LICENSES_PER_CHANGE = 200_000
CHUNK = 5_000  # keeps IN (…) lists within every database's limits


def _require_license_role(user):
    if not access.has_license_role(user):
        raise ServiceError("You don't have permission to do this.", code="forbidden", status=403)


def require_edit(user, group):
    if not access.can_edit_group(user, group):
        raise ServiceError(
            "Only License Admins and the group's creator can change this group.",
            code="forbidden",
            status=403,
        )


def clean_name(user, name, exclude_pk=None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("Give the group a name.", code="invalid_name", field="name")
    if len(name) > 100:
        raise ServiceError("The name is too long (100 characters at most).", field="name")
    clash = LicenseGroup.objects.filter(organization_id=user.organization_id, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            "Your company already has a group with this name.", code="name_taken", field="name"
        )
    return name


def clean_description(value) -> str:
    value = str(value or "").strip()
    if len(value) > 500:
        raise ServiceError(
            "The description is too long (500 characters at most).",
            code="invalid_description",
            field="description",
        )
    return value


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _joined(values) -> str:
    """Many ids or codes as one comma-separated parameter for `string_to_array(%s, ',')`:
    psycopg quotes a Python list element by element (about 10 ms a 10,000-element list),
    one string at once. Only for values without commas (ids, well-formed codes)."""
    return ",".join(map(str, values))


def _any_of(licenses, column: str, values):
    """PostgreSQL: `licenses` whose `column` ("id" or "code") is one of `values`, the values
    travelling as one parameter (`= ANY(string_to_array(…))`)."""
    table = connection.ops.quote_name(License._meta.db_table)
    array = "string_to_array(%s, ',')" + ("::bigint[]" if column == "id" else "")
    where = f"{table}.{connection.ops.quote_name(column)} = ANY({array})"
    return licenses.extra(where=[where], params=[_joined(values)])  # noqa: S610 (our column)


def _pks_where(licenses, column: str, values) -> set[int]:
    """Primary keys of `licenses` whose `column` is one of `values`. On PostgreSQL as one
    array parameter (`= ANY(…)`): 10,000 codes took 155 ms as IN lists, 59 ms so;
    elsewhere in IN lists of CHUNK values."""
    values = list(values)
    if not values:
        return set()
    if connection.vendor == "postgresql":
        return set(_any_of(licenses, column, values).values_list("pk", flat=True))
    found: set[int] = set()
    for chunk in _chunks(values):
        found |= set(licenses.filter(**{f"{column}__in": chunk}).values_list("pk", flat=True))
    return found


def visible_license_ids(user, *, ids=(), slcs=()) -> set[int]:
    """The ids of these licenses (given by id or SLC), all of which the user must see;
    otherwise a 400 that names no license of anyone else."""
    try:
        ids = {int(i) for i in ids}
    except (TypeError, ValueError) as exc:
        raise ServiceError("License ids must be numbers.", code="invalid_licenses") from exc
    slcs = _clean_codes(slcs, already=len(ids))
    visible = access.licenses_visible_to(user)
    by_id = _pks_where(visible, "id", ids)
    by_code = _pks_where(visible, "code", slcs)
    if by_id != ids or len(by_code) != len(slcs):
        raise _unknown_licenses()
    return by_id | by_code


def _clean_codes(slcs, already=0) -> set[str]:
    """The SLCs given, spaces and case forgiven; a 400 for too many, or for one that no code
    can be."""
    slcs = {codes.normalize(s) for s in slcs}
    if already + len(slcs) > MAX_LICENSES_PER_CHANGE:
        raise ServiceError("Too many licenses in one change.", code="too_many_licenses")
    if not all(map(codes.is_code_shaped, slcs)):
        raise _unknown_licenses()
    return slcs


def _add_visible_codes(group, user, slcs) -> int:
    """PostgreSQL, a new group: add the licenses of these SLCs that `user` sees, in one
    INSERT … SELECT (no 10,000 ids to fetch and send back); returns how many."""
    found = _any_of(access.licenses_visible_to(user), "code", slcs)
    sql, params = found.order_by().values("pk").query.sql_with_params()
    plans.generic_plans_until_commit()  # the memberships' foreign-key checks
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Membership._meta.db_table} "  # noqa: S608 (table name, ORM's SQL)
            f"(group_id, license_id, added_at) SELECT %s, v.*, now() FROM ({sql}) v",
            [group.pk, *params],
        )
        return cursor.rowcount


def _unknown_licenses() -> ServiceError:
    return ServiceError(
        "Some of these licenses are not among the licenses you can see.",
        code="unknown_licenses",
        field="licenses",
    )


def _add(group, license_ids, *, new_group=False) -> int:
    """Add the memberships missing; returns how many were new. A group created in this
    transaction has none yet: its insert skips the conflict check."""
    license_ids = list(license_ids)
    if not license_ids:
        return 0
    plans.generic_plans_until_commit()  # the memberships' foreign-key checks
    if connection.vendor == "postgresql":
        # One set-based statement: building and sending 10,000 model instances through
        # bulk_create costs far more than the insert itself.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Membership._meta.db_table} "  # noqa: S608 (table name only)
                "(group_id, license_id, added_at) "
                "SELECT %s, unnest(string_to_array(%s, ',')::bigint[]), now()"
                + ("" if new_group else " ON CONFLICT (group_id, license_id) DO NOTHING"),
                [group.pk, _joined(license_ids)],
            )
            return cursor.rowcount
    before = Membership.objects.filter(group=group).count()
    for chunk in _chunks(license_ids):
        Membership.objects.bulk_create(
            [Membership(group=group, license_id=pk) for pk in chunk], ignore_conflicts=True
        )
    return Membership.objects.filter(group=group).count() - before


def _remove(group, license_ids) -> int:
    removed = 0
    for chunk in _chunks(license_ids):
        removed += Membership.objects.filter(group=group, license_id__in=chunk).delete()[0]
    return removed


@transaction.atomic
def create_group(user, *, name, description="", license_ids=(), slcs=(), request=None):
    _require_license_role(user)
    name = clean_name(user, name)
    description = clean_description(description)
    # On PostgreSQL a group made of SLCs gets them in one statement with their lookup, and
    # is refused (rolled back) unless every one was found.
    in_one_statement = connection.vendor == "postgresql" and not license_ids
    if in_one_statement:
        slcs = _clean_codes(slcs)
    else:
        members = visible_license_ids(user, ids=license_ids, slcs=slcs)
    try:
        with transaction.atomic():
            group = LicenseGroup.objects.create(
                organization_id=user.organization_id,
                name=name,
                description=description,
                created_by=user,
            )
    except IntegrityError as exc:  # a concurrent create took the name
        raise Conflict(
            "Your company already has a group with this name.", code="name_taken", field="name"
        ) from exc
    if in_one_statement:
        added = _add_visible_codes(group, user, slcs) if slcs else 0
        if added != len(slcs):
            raise _unknown_licenses()
    else:
        added = _add(group, members, new_group=True)
    record("group.create", request=request, actor=user, target=group, changes={"licenses": added})
    return group


def _locked(group):
    """Serialise membership changes of one group, so none is lost."""
    return LicenseGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def update_group(
    user, group, *, name=None, description=None, add=(), remove=(), request=None, slcs=None
):
    """Rename, describe, add and remove licenses. `slcs` (a full list, as the API's PATCH
    sends) replaces the licenses the user can see; the ones the user cannot see stay."""
    require_edit(user, group)
    group = _locked(group)
    changes = {}
    if name is not None:
        new = clean_name(user, name, exclude_pk=group.pk)
        if new != group.name:
            changes["name"] = [group.name, new]
            group.name = new
    if description is not None:
        new = clean_description(description)
        if new != group.description:
            changes["description"] = [group.description, new]
            group.description = new
    add_ids = visible_license_ids(user, ids=add)
    remove_ids = visible_license_ids(user, ids=remove)
    if slcs is not None:
        wanted = visible_license_ids(user, slcs=slcs)
        current = set(
            access.licenses_visible_to(user)
            .filter(memberships__group=group)
            .values_list("pk", flat=True)
        )
        add_ids |= wanted - current
        remove_ids |= current - wanted
    if changes:
        group.save(update_fields=["name", "description", "updated_at"])
    added = _add(group, add_ids - remove_ids) if add_ids else 0
    removed = _remove(group, remove_ids) if remove_ids else 0
    if added:
        changes["licenses_added"] = added
    if removed:
        changes["licenses_removed"] = removed
    if changes:
        record("group.update", request=request, actor=user, target=group, changes=changes)
    return group


@transaction.atomic
def add_licenses(user, group, *, ids=(), slcs=(), request=None) -> int:
    require_edit(user, group)
    group = _locked(group)
    added = _add(group, visible_license_ids(user, ids=ids, slcs=slcs))
    if added:
        record(
            "group.update",
            request=request,
            actor=user,
            target=group,
            changes={"licenses_added": added},
        )
    return added


@transaction.atomic
def remove_license(user, group, license_id, request=None) -> int:
    require_edit(user, group)
    group = _locked(group)
    removed = _remove(group, visible_license_ids(user, ids=[license_id]))
    if removed:
        record(
            "group.update",
            request=request,
            actor=user,
            target=group,
            changes={"licenses_removed": removed},
        )
    return removed


@transaction.atomic
def delete_group(user, group, request=None) -> None:
    """Delete a group; its licenses are untouched."""
    require_edit(user, group)
    record("group.delete", request=request, actor=user, target=group)
    group.delete()


@transaction.atomic
def grant_group(admin, group, user_id, request=None) -> int:
    """Grant a License User every license now in the group (one time: licenses added to the
    group later are not granted). Returns how many grants were new."""
    if not access.can_manage_visibility(admin):
        raise ServiceError(
            "Only License Admins decide who sees licenses.", code="forbidden", status=403
        )
    user = access.license_users_of(admin).filter(pk=user_id).first()
    if user is None:
        raise ServiceError(
            "Choose a License User of your company.", code="invalid_user", field="user_id"
        )
    members = list(
        access.licenses_visible_to(admin)
        .filter(memberships__group=group)
        .values_list("pk", flat=True)
    )
    before = LicenseGrant.objects.filter(user=user).count()
    plans.generic_plans_until_commit()  # the grants' foreign-key checks
    for chunk in _chunks(members):
        LicenseGrant.objects.bulk_create(
            [LicenseGrant(license_id=pk, user=user, granted_by=admin) for pk in chunk],
            ignore_conflicts=True,
        )
    new = LicenseGrant.objects.filter(user=user).count() - before
    record(
        "group.grant",
        request=request,
        actor=admin,
        target=group,
        changes={"user": user.email, "licenses": len(members), "new_grants": new},
    )
    return new


@transaction.atomic
def set_license_groups(user, lic, group_ids, request=None) -> None:
    """The license is in exactly the ticked groups among those the user may change; groups the
    user may not change keep it as they are."""
    try:
        wanted = {int(pk) for pk in group_ids}
    except (TypeError, ValueError) as exc:
        raise ServiceError("Group ids must be numbers.", code="invalid_groups") from exc
    editable = {g.pk: g for g in access.groups_editable_by(user)}
    if not wanted <= editable.keys():
        raise ServiceError(
            "Choose license groups of your company that you may change.", code="unknown_groups"
        )
    current = set(
        Membership.objects.filter(license=lic, group_id__in=editable).values_list(
            "group_id", flat=True
        )
    )
    Membership.objects.filter(license=lic, group_id__in=current - wanted).delete()
    Membership.objects.bulk_create(
        [Membership(group_id=pk, license=lic) for pk in wanted - current],
        ignore_conflicts=True,
    )
    if wanted != current:
        record(
            "license.groups",
            request=request,
            actor=user,
            target=lic,
            changes={
                "added": sorted(editable[pk].name for pk in wanted - current),
                "removed": sorted(editable[pk].name for pk in current - wanted),
            },
        )
