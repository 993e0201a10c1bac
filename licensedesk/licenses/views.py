from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.care import status as care_status
from licensedesk.care import tiers
from licensedesk.core import ratelimit
from licensedesk.core.errors import ServiceError
from licensedesk.core.ids import parse_id
from licensedesk.core.responses import too_many_requests
from licensedesk.exports import formats
from licensedesk.groups.services import set_license_groups
from licensedesk.licenses import export, pages, queries, selection, services
from licensedesk.licenses.forms import LicenseEditForm, RegisterForm
from licensedesk.licenses.menus import menus_for

PAGE_SIZES = (25, 50, 100)


def _visible_license(request, code):
    return get_object_or_404(
        access.licenses_visible_to(request.user).select_related(
            "product", "version", "customer", "registered_by"
        ),
        code=code,
    )


@access.license_role_required
def license_list(request):
    menus = menus_for(request.user, chosen_customer=request.GET.get("customer"))
    listing = pages.Listing(request.user, request.GET, groups=menus.groups)
    size = parse_id(request.GET.get("size"))
    paginator = pages.LicensePaginator(listing, size if size in PAGE_SIZES else 50)
    page = paginator.get_page(request.GET.get("page"))
    editable_groups = menus.editable_groups(request.user)
    can_grant = access.can_manage_visibility(request.user)
    return render(
        request,
        "licenses/license_list.html",
        {
            "page": page,
            "params": request.GET,
            "ordering": request.GET.get("ordering") or queries.DEFAULT_ORDERING,
            "products": menus.editions,
            "care_choices": care_status.CHOICES,
            "care_tiers": tiers.CHOICES,
            "date_ranges": queries.date_ranges(request.GET),
            "customers": menus.customers,
            "can_grant": can_grant,
            "can_import": access.can_import_licenses(request.user),
            "groups": menus.groups,
            "editable_groups": editable_groups,
            "license_users": menus.license_users,
            # Rows get a checkbox only if there is something to do with the ticked ones.
            "bulk": bool(editable_groups) or can_grant,
            "ticked": selection.take(request),
        },
    )


@access.license_role_required
def license_export(request):
    """Exactly what the list shows with these filters (`?format=csv|xlsx|json`)."""
    return formats.download(request, export.TABLE)


@access.license_role_required
def license_register(request):
    customers = access.customers_visible_to(request.user).only("id", "name")
    form = RegisterForm(request.POST or None, initial={"slc": request.GET.get("slc", "")})
    form.set_customers(customers)
    form.set_groups(access.groups_editable_by(request.user).only("id", "name"))
    preset = parse_id(request.GET.get("customer"))
    if preset and not form.is_bound:
        form.initial["customer_id"] = preset
    existing = None
    partial = bool(request.GET.get("partial"))  # the form alone, for the page's dialog
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lic = services.register(
                request.user,
                data["slc"],
                customer_id=data["customer_id"],
                new_customer=data["new_customer"],
                description=data["description"],
                group_ids=data.get("group_ids") or (),
                request=request,
            )
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
        except services.AlreadyRegistered as exc:
            existing = (
                exc.license
                if access.licenses_visible_to(request.user).filter(pk=exc.license.pk).exists()
                else None
            )
            form.add_error("slc", exc.message)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{lic.code} is registered.")
            target = reverse("licenses:detail", args=[lic.code])
            if partial:  # the dialog's script goes there itself (a redirect it would follow)
                return HttpResponse(status=201, headers={"Location": target})
            return redirect(target)
    template = "licenses/register_dialog.html" if partial else "licenses/register.html"
    return render(request, template, {"form": form, "existing": existing})


@access.license_role_required
def license_detail(request, code):
    lic = _visible_license(request, code)
    context = {
        "license": lic,
        "care_periods": lic.care_periods.order_by("-starts_on"),
        "addons": lic.addons.all(),
        "can_grant": access.can_manage_visibility(request.user),
    }
    context["activations"] = lic.activations.select_related("installation", "created_by")[:20]
    context["installations"] = lic.installations.all()
    member_of = set(lic.memberships.values_list("group_id", flat=True))
    editable = list(access.groups_editable_by(request.user).only("id", "name"))
    editable_ids = {g.pk for g in editable}
    context["groups"] = [
        g
        for g in access.groups_visible_to(request.user).filter(pk__in=member_of)
        if g.pk not in editable_ids
    ]
    context["editable_groups"] = [(g, g.pk in member_of) for g in editable]
    if context["can_grant"]:
        granted = set(lic.grants.values_list("user_id", flat=True))
        context["license_users"] = [
            (u, u.pk in granted) for u in access.license_users_of(request.user)
        ]
    return render(request, "licenses/license_detail.html", context)


@access.license_role_required
def license_edit(request, code):
    lic = _visible_license(request, code)
    form = LicenseEditForm(
        request.POST or None,
        initial={"customer_id": lic.customer_id, "description": lic.description},
    ).set_customers(access.customers_visible_to(request.user).only("id", "name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_license(request.user, lic, form.cleaned_data, request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{lic.code} was saved.")
            return redirect("licenses:detail", code=lic.code)
    return render(request, "licenses/license_edit.html", {"form": form, "license": lic})


@require_POST
@access.license_role_required
def license_visibility(request, code):
    lic = _visible_license(request, code)
    try:
        services.set_visibility(request.user, lic, request.POST.getlist("user_ids"), request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Who can see this license was saved.")
    # Back to the section just saved, still open.
    return redirect(reverse("licenses:detail", args=[lic.code]) + "?visibility=1#visibility")


@require_POST
@access.license_role_required
def license_bulk_grant(request):
    access.require(request, access.can_manage_visibility(request.user), "license_visibility")
    ids = selection.ticked_ids(request.POST)
    action = request.POST.get("action")
    user_id = request.POST.get("user_id", "").strip()
    try:
        if not ids:
            raise ServiceError("Select licenses first.")
        if action not in ("grant", "revoke"):
            raise ServiceError("Choose Grant access or Revoke access.")
        if not user_id:
            raise ServiceError("Choose a License User first.")
        changed = services.bulk_grant(
            request.user, ids, user_id, grant=action == "grant", request=request
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        selection.keep(request, ids)  # the rows come back ticked
    else:
        verb = "granted" if action == "grant" else "revoked"
        messages.success(request, f"Access {verb} on {changed} license(s).")
    back = request.POST.get("back", "")
    return redirect(reverse("licenses:list") + ("?" + back if back else ""))


@require_POST
@access.license_role_required
def license_groups(request, code):
    """Put the license in exactly the ticked groups, among the groups the user may change."""
    lic = _visible_license(request, code)
    try:
        set_license_groups(request.user, lic, request.POST.getlist("group_ids"), request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The license's groups were saved.")
    return redirect("licenses:detail", code=lic.code)
