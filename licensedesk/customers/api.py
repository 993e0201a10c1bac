from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.api.openapi import errors
from licensedesk.customers import queries, services

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    license_count: int
    care_active: int
    care_ending: int
    care_expired: int


class CustomerIn(Schema):
    model_config = {"extra": "forbid"}
    name: str = Field(max_length=200)


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _one(request, customer_id):
    _license_role(request)
    customers = queries.with_license_summary(
        access.customers_visible_to(request.auth), request.auth
    )
    return get_object_or_404(customers, pk=customer_id)


@router.get("", response=list[CustomerOut])
@paginate
def list_customers(request, search: str = ""):
    _license_role(request)
    return queries.with_license_summary(queries.find_customers(request.auth, search), request.auth)


@router.post("", response={201: CustomerOut}, openapi_extra=errors(409))
def create_customer(request, payload: CustomerIn):
    customer = services.create_customer(request.auth, payload.name, request=request)
    return 201, _one(request, customer.pk)


@router.get("/{id:customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
    return _one(request, customer_id)


@router.patch("/{id:customer_id}", response=CustomerOut, openapi_extra=errors(409))
def rename_customer(request, customer_id: int, payload: CustomerIn):
    customer = _one(request, customer_id)
    services.rename_customer(request.auth, customer, payload.name, request=request)
    return _one(request, customer_id)


@router.delete("/{id:customer_id}", response={204: None}, openapi_extra=errors(400))
def delete_customer(request, customer_id: int):
    customer = _one(request, customer_id)
    services.delete_customer(request.auth, customer, request=request)
    return 204, None
