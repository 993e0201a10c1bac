from datetime import date, datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.api.openapi import errors
from licensedesk.api.pagination import Pages
from licensedesk.core.ids import Id
from licensedesk.licenses import codes, pages, queries, services

router = Router(tags=["licenses"])


class LicensePages(Pages):
    """limit/offset pages of a `pages.Listing`, read as the Licenses page reads its pages.
    A search's matches are counted up to COUNT_CAP, or to the end of the page asked for if
    that is further (`count_capped` then says that more match): a broad search of a large
    company ("customer 17") is answered without reading every match. Lists without a search
    are counted exactly."""

    COUNT_CAP = 1_000

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description="How many licenses match. A search counts no further than 1,000 "
            "matches, or the end of the page asked for if that is further: then "
            "`count_capped` is true and more licenses match."
        )
        count_capped: bool = Field(
            False, description="True when more licenses match than `count` says."
        )

    def paginate_queryset(self, listing, pagination, request, **params):
        start = pagination.offset
        stop = start + min(pagination.limit, self.max_limit)
        if listing.searched:
            cap = max(self.COUNT_CAP, stop)
            found = listing.count_up_to(cap + 1)
            rows = listing.rows(start, stop) if found > start else []
            return {
                self.items_attribute: rows,
                "count": min(found, cap),
                "count_capped": found > cap,
            }
        found, total = listing.rows_and_total(start, stop)
        if total is None:
            total = self._items_count(listing.licenses)
        return {self.items_attribute: found, "count": total, "count_capped": False}


class ProductOut(Schema):
    code: str
    name: str


class CustomerRef(Schema):
    id: int
    name: str


class DevicesOut(Schema):
    total: int
    used: int


class TierOut(Schema):
    """One Care tier of a license."""

    level: str
    ends_on: date
    status: str
    # Set when this tier's Care has not started yet ("upcoming"), so a client can say when.
    starts_on: date | None = None


class CareOut(Schema):
    """Care Plus (upgrades) and Care Premium (support), each null without Care of its own.
    Care Basic comes with every license and does not end: it is not listed."""

    plus: TierOut | None
    premium: TierOut | None


class GroupRef(Schema):
    id: int
    name: str


class LicenseOut(Schema):
    slc: str
    product: ProductOut
    version: str
    customer: CustomerRef | None
    description: str
    device_licenses: DevicesOut
    care: CareOut
    expires_on: date | None
    registered_at: datetime | None
    groups: list[GroupRef]

    @staticmethod
    def resolve_slc(obj):
        return obj.code

    @staticmethod
    def resolve_version(obj):
        return obj.version.name

    @staticmethod
    def resolve_device_licenses(obj):
        return {"total": obj.device_licenses, "used": obj.devices_used}

    @staticmethod
    def resolve_groups(obj):
        return obj.groups.all()

    @staticmethod
    def resolve_care(obj):
        return care_of(obj)


def care_of(lic) -> dict:
    """The API's `care` of a license: one entry per tier, null without its Care."""
    return {
        care.tier: {
            "level": care.level,
            "ends_on": care.ends_on,
            "status": care.status,
            "starts_on": care.upcoming_start,
        }
        if care.ends_on
        else None
        for care in lic.care_tiers
    }


class RegisterIn(Schema):
    model_config = {"extra": "forbid"}
    slc: str = Field(max_length=100)
    customer_id: Id | None = None
    new_customer: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=services.MAX_DESCRIPTION)
    group_ids: list[Id] = Field(default_factory=list, max_length=1000)


class LicensePatch(Schema):
    model_config = {"extra": "forbid"}
    customer_id: Id | None = None
    new_customer: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=services.MAX_DESCRIPTION)


class VisibilityIn(Schema):
    model_config = {"extra": "forbid"}
    user_ids: list[Id] = Field(max_length=10_000)


class VisibleUser(Schema):
    id: int
    email: str
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.get_full_name()


class VisibilityOut(Schema):
    user_ids: list[Id]
    users: list[VisibleUser]


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _visible(request, slc):
    _license_role(request)
    return get_object_or_404(
        queries.with_list_details(request.auth, access.licenses_visible_to(request.auth)),
        code=codes.normalize(slc),
    )


class LicenseFilters(Schema):
    """The Licenses list's filters, as `GET /licenses` and its export take them."""

    search: str = ""
    customer: str = ""
    product: str = ""
    care_status: str = ""
    care_tier: str = ""
    group: str = ""
    ordering: str = ""


@router.get("", response=list[LicenseOut])
@paginate(LicensePages)
def list_licenses(request, filters: Query[LicenseFilters]):
    """Licenses you may see. `search` finds the licenses that each of its words matches
    somewhere: SLC, product and version, customer, description or a group's name (any
    case, accents forgiven). `customer` is an id or `none` (Unspecified); `care_status` is
    active, ending, expired, upcoming (not started yet) or none, of either Care tier (none:
    of neither) unless `care_tier` (plus or premium) names one; `group` a license group id;
    `ordering` one of slc, product, customer, care_plus_end, care_premium_end, devices,
    registered (prefix `-` to reverse)."""
    _license_role(request)
    return pages.Listing(request.auth, filters.dict())


@router.post("", response={201: LicenseOut}, openapi_extra=errors(409, 429))
def register_license(request, payload: RegisterIn):
    """Register an SLC for your company, for an existing customer or a new one."""
    lic = services.register(
        request.auth,
        payload.slc,
        customer_id=payload.customer_id,
        new_customer=payload.new_customer,
        description=payload.description,
        group_ids=payload.group_ids,
        request=request,
    )
    return 201, _visible(request, lic.code)


@router.get("/{slc}", response=LicenseOut)
def get_license(request, slc: str):
    return _visible(request, slc)


@router.patch("/{slc}", response=LicenseOut)
def patch_license(request, slc: str, payload: LicensePatch):
    """Change the customer or the description. The SLC, company and product never change."""
    lic = _visible(request, slc)
    services.update_license(request.auth, lic, payload.dict(exclude_unset=True), request)
    return _visible(request, slc)


def _visibility(lic):
    users = [g.user for g in lic.grants.select_related("user").order_by("user__email")]
    return {"user_ids": [u.pk for u in users], "users": users}


@router.get("/{slc}/visibility", response=VisibilityOut)
def get_visibility(request, slc: str):
    """The License Users granted this license (License Admins see every license)."""
    lic = _visible(request, slc)
    access.require(request, access.can_manage_visibility(request.auth), "license_visibility")
    return _visibility(lic)


@router.put("/{slc}/visibility", response=VisibilityOut)
def put_visibility(request, slc: str, payload: VisibilityIn):
    lic = _visible(request, slc)
    services.set_visibility(request.auth, lic, payload.user_ids, request=request)
    return _visibility(lic)
