"""Customers of a partner company: add, rename, remove."""

from django.db import transaction

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.core import text
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.customers.models import Customer
from licensedesk.licenses import search


def clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("Enter the customer's name.", code="invalid_customer_name", field="name")
    if len(name) > 200:
        raise ServiceError(
            "The customer's name is too long (200 characters at most).",
            code="invalid_customer_name",
            field="name",
        )
    return name


def _require_license_role(user):
    if not access.has_license_role(user):
        access.refuse("license_role")


def _require_admin(user):
    if not access.can_manage_customers(user):
        access.refuse("manage_customers", "Only License Admins can do this.")


@transaction.atomic
def get_or_create_customer(user, name, request=None) -> Customer:
    """The company's customer of that name (any case), created if there is none yet."""
    _require_license_role(user)
    name = clean_name(name)
    existing = access.company_customers(user).filter(text.same_name(name)).first()
    if existing is not None:
        return existing
    customer = Customer.objects.create(
        organization_id=user.organization_id, name=name, created_by=user
    )
    record("customer.create", request=request, actor=user, target=customer)
    return customer


@transaction.atomic
def create_customer(user, name, request=None) -> Customer:
    _require_license_role(user)
    name = clean_name(name)
    if access.company_customers(user).filter(text.same_name(name)).exists():
        raise Conflict(
            "A customer with this name already exists.", code="customer_exists", field="name"
        )
    return get_or_create_customer(user, name, request=request)


@transaction.atomic
def rename_customer(user, customer: Customer, name, request=None) -> Customer:
    _require_admin(user)
    name = clean_name(name)
    clash = access.company_customers(user).filter(text.same_name(name)).exclude(pk=customer.pk)
    if clash.exists():
        raise Conflict(
            "A customer with this name already exists.", code="customer_exists", field="name"
        )
    old = customer.name
    if old != name:
        customer.name = name
        customer.save(update_fields=["name"])
        search.refresh(customer.licenses.all())
        record(
            "customer.rename",
            request=request,
            actor=user,
            target=customer,
            changes={"name": [old, name]},
        )
    return customer


@transaction.atomic
def delete_customer(user, customer: Customer, request=None) -> int:
    """Remove a customer; its licenses become Unspecified. Returns how many were."""
    _require_admin(user)
    licenses = list(customer.licenses.values_list("pk", flat=True))
    moved = customer.licenses.update(customer=None)
    search.refresh_ids(licenses)
    record(
        "customer.delete",
        request=request,
        actor=user,
        target=customer,
        changes={"licenses_unspecified": moved},
    )
    customer.delete()
    return moved


def customer_for(user, customer_id) -> Customer:
    """A customer the user may pick, or a 400 that says nothing about other companies."""
    customer = access.customers_visible_to(user).filter(pk=customer_id).first()
    if customer is None:
        raise ServiceError(
            "Choose one of your customers.", code="unknown_customer", field="customer_id"
        )
    return customer
