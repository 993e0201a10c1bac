from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.api.openapi import errors
from licensedesk.groups import queries, services
from licensedesk.licenses import codes

router = Router(tags=["license groups"])

MAX_LICENSES = services.MAX_LICENSES_PER_CHANGE


class GroupSummary(Schema):
    id: int
    name: str
    description: str
    license_count: int
    created_by_id: int | None


class GroupOut(GroupSummary):
    licenses: list[str] = Field(description="SLCs in the group that you can see.")


class GroupIn(Schema):
    model_config = {"extra": "forbid"}
    name: str = Field(max_length=100)
    description: str = Field("", max_length=500)
    licenses: list[str] = Field(default_factory=list, max_length=MAX_LICENSES)


class GroupPatch(Schema):
    model_config = {"extra": "forbid"}
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=500)
    licenses: list[str] | None = Field(None, max_length=MAX_LICENSES)


class MemberIn(Schema):
    model_config = {"extra": "forbid"}
    slc: str = Field(max_length=100)


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _group(request, group_id):
    _license_role(request)
    return get_object_or_404(queries.find_groups(request.auth), pk=group_id)


def _out(request, group_id):
    group = _group(request, group_id)
    group.licenses_list = list(
        access.licenses_visible_to(request.auth)
        .filter(memberships__group=group)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return group


class GroupOutResolved(GroupOut):
    @staticmethod
    def resolve_licenses(obj):
        return obj.licenses_list


def _require_edit(request, group):
    access.require(request, access.can_edit_group(request.auth, group), "edit_group")


@router.get("", response=list[GroupSummary])
@paginate
def list_groups(request, search: str = ""):
    """The company's license groups, searched by name and description."""
    _license_role(request)
    return queries.find_groups(request.auth, search)


@router.post("", response={201: GroupOutResolved}, openapi_extra=errors(409))
def create_group(request, payload: GroupIn):
    _license_role(request)
    group = services.create_group(
        request.auth,
        name=payload.name,
        description=payload.description,
        slcs=payload.licenses,
        request=request,
    )
    # A new group holds exactly the licenses given, every one of which the caller sees: the
    # answer is known without reading the group back.
    group.licenses_list = sorted({codes.normalize(s) for s in payload.licenses})
    group.license_count = len(group.licenses_list)
    return 201, group


@router.get("/{id:group_id}", response=GroupOutResolved)
def get_group(request, group_id: int):
    return _out(request, group_id)


@router.patch("/{id:group_id}", response=GroupOutResolved, openapi_extra=errors(409))
def patch_group(request, group_id: int, payload: GroupPatch):
    """Change name, description, or the full list of licenses (licenses you cannot see are
    never removed)."""
    group = _group(request, group_id)
    _require_edit(request, group)
    services.update_group(
        request.auth,
        group,
        name=payload.name,
        description=payload.description,
        slcs=payload.licenses,
        request=request,
    )
    return _out(request, group_id)


@router.delete("/{id:group_id}", response={204: None})
def delete_group(request, group_id: int):
    group = _group(request, group_id)
    _require_edit(request, group)
    services.delete_group(request.auth, group, request=request)
    return 204, None


@router.post("/{id:group_id}/licenses", response=GroupOutResolved)
def add_license(request, group_id: int, payload: MemberIn):
    group = _group(request, group_id)
    _require_edit(request, group)
    services.add_licenses(request.auth, group, slcs=[payload.slc], request=request)
    return _out(request, group_id)


@router.delete("/{id:group_id}/licenses/{slc}", response={204: None})
def remove_license(request, group_id: int, slc: str):
    group = _group(request, group_id)
    _require_edit(request, group)
    lic = get_object_or_404(access.licenses_visible_to(request.auth), code=codes.normalize(slc))
    services.remove_license(request.auth, group, lic.pk, request=request)
    return 204, None
