"""License groups: create, edit, delete, change membership, grant a group's licenses."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.core import text
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.core.inserts import insert_from
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses import codes
from licensedesk.licenses.models import LicenseGrant

MAX_LICENSES_PER_CHANGE = 200_000
CHUNK = 5_000  # keeps IN (…) lists and inserts within every database's limits


def _require_license_role(user):
    if not access.has_license_role(user):
        access.refuse("license_role")


def require_edit(user, group):
    if not access.can_edit_group(user, group):
        access.refuse(
            "edit_group", "Only License Admins and the group's creator can change this group."
        )


def clean_name(user, name, exclude_pk=None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("Give the group a name.", code="invalid_name", field="name")
    if len(name) > 100:
        raise ServiceError("The name is too long (100 characters at most).", field="name")
    clash = access.groups_visible_to(user).filter(text.same_name(name))
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


def _pks_where(licenses, field: str, values) -> set[int]:
    """Primary keys of `licenses` whose `field` is one of `values`."""
    found: set[int] = set()
    for chunk in _chunks(values):
        found.update(licenses.filter(**{f"{field}__in": chunk}).values_list("pk", flat=True))
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
    by_id = _pks_where(visible, "pk", ids)
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


def _unknown_licenses() -> ServiceError:
    return ServiceError(
        "Some of these licenses are not among the licenses you can see.",
        code="unknown_licenses",
        field="licenses",
    )


def _add(group, licenses) -> int:
    """Put `licenses` (a queryset of licenses the user sees) in `group`, in one INSERT … SELECT;
    returns how many were new. Call it with the group locked (`_locked`) or just created:
    every writer of a group's licenses locks the group first, so none is added twice."""
    already = Membership.objects.filter(group=group, license=OuterRef("pk"))
    return insert_from(
        Membership,
        licenses.filter(~Exists(already)),
        group=Value(group.pk),
        license=F("pk"),
        added_at=Value(timezone.now()),
    )


def _add_ids(group, user, license_ids) -> int:
    """`_add` the licenses of these ids (checked by `visible_license_ids`), in chunks."""
    visible = access.licenses_visible_to(user)
    return sum(_add(group, visible.filter(pk__in=chunk)) for chunk in _chunks(license_ids))


def _remove(group, license_ids) -> int:
    removed = 0
    for chunk in _chunks(license_ids):
        removed += Membership.objects.filter(group=group, license_id__in=chunk).delete()[0]
    return removed


@transaction.atomic
def create_group(user, *, name, description="", slcs=(), request=None):
    """A new group of the licenses of these SLCs, every one of which the user must see."""
    _require_license_role(user)
    name = clean_name(user, name)
    description = clean_description(description)
    slcs = _clean_codes(slcs)
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
    # Looked up and added in one statement per chunk; refused (all rolled back) unless every
    # code was found among the licenses the user sees.
    visible = access.licenses_visible_to(user)
    added = sum(_add(group, visible.filter(code__in=chunk)) for chunk in _chunks(slcs))
    if added != len(slcs):
        raise _unknown_licenses()
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
    added = _add_ids(group, user, add_ids - remove_ids)
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
    added = _add_ids(group, user, visible_license_ids(user, ids=ids, slcs=slcs))
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
        access.refuse("license_visibility", "Only License Admins decide who sees licenses.")
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
    # Locked like any change of a group's licenses (`_add` counts on it); in id order, so that
    # two of these never wait for each other.
    list(LicenseGroup.objects.select_for_update().filter(pk__in=wanted - current).order_by("pk"))
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
