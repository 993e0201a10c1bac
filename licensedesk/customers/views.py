from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.customers import export, queries, services
from licensedesk.customers.forms import CustomerForm
from licensedesk.exports import formats
from licensedesk.licenses.pages import LicensePaginator, Listing
from licensedesk.licenses.queries import find_licenses


@access.license_role_required
def customer_list(request):
    search = request.GET.get("q", "")
    customers = queries.with_license_summary(
        queries.find_customers(request.user, search), request.user
    )
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/customer_list.html",
        {
            "page": page,
            "q": search,
            "form": CustomerForm(),
            "can_manage": access.can_manage_customers(request.user),
            "unspecified": find_licenses(request.user, {"customer": "none"}).count(),
        },
    )


@access.license_role_required
def customer_export(request):
    """The customers the page lists with its search (`?format=csv|xlsx|json`)."""
    return formats.download(request, export.TABLE)


@access.license_role_required
def customer_add(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(request.user, form.cleaned_data["name"], request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{customer.name} was added.")
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "adding": True})


def _visible_customer(request, customer_id):
    return get_object_or_404(access.customers_visible_to(request.user), pk=customer_id)


@access.license_role_required
def customer_detail(request, customer_id):
    customer = _visible_customer(request, customer_id)
    listing = Listing(request.user, {"customer": customer.pk})
    page = LicensePaginator(listing, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "page": page,
            "can_manage": access.can_manage_customers(request.user),
        },
    )


@access.license_role_required
def customer_rename(request, customer_id):
    customer = _visible_customer(request, customer_id)
    access.require(request, access.can_manage_customers(request.user), "manage_customers")
    form = CustomerForm(request.POST or None, initial={"name": customer.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_customer(request.user, customer, form.cleaned_data["name"], request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The customer was renamed.")
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "adding": False, "customer": customer},
    )


@access.license_role_required
def customer_delete(request, customer_id):
    customer = _visible_customer(request, customer_id)
    access.require(request, access.can_manage_customers(request.user), "manage_customers")
    if request.method == "POST":
        moved = services.delete_customer(request.user, customer, request)
        messages.success(
            request, f"{customer.name} was removed; its {moved} license(s) are now Unspecified."
        )
        return redirect("customers:list")
    count = customer.licenses.count()
    return render(
        request, "customers/customer_delete.html", {"customer": customer, "license_count": count}
    )
