"""User administration, for company administrators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.accounts import queries, services
from licensedesk.accounts.forms import CompanyForm, UserForm
from licensedesk.core.errors import ServiceError


@access.company_admin_required
def user_list(request):
    users = access.users_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
        )
    status = request.GET.get("status", "active")
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "deleted":
        users = users.filter(is_active=False)
    elif status in queries.STATUS_FILTERS:
        users = users.filter(queries.STATUS_FILTERS[status](request.user.organization))
    page = Paginator(users.order_by("last_name", "first_name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_list.html", {"page": page, "q": query, "status": status})


@access.company_admin_required
def user_add(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(request.user, form.cleaned_data, request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{user} was added and invited by email to {user.email}.")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "adding": True})


@access.company_admin_required
def user_edit(request, user_id):
    user = get_object_or_404(access.users_visible_to(request.user), pk=user_id, is_active=True)
    form = UserForm.for_user(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, user, form.cleaned_data, request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{user} was saved.")
            return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "adding": False, "edited": user}
    )


@access.company_admin_required
def user_delete(request, user_id):
    user = get_object_or_404(access.users_visible_to(request.user), pk=user_id, is_active=True)
    if request.method == "POST":
        try:
            services.deactivate_user(request.user, user, request=request)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"{user} was deleted. Their sessions and tokens no longer work."
            )
            if user.pk == request.user.pk:
                return redirect("accounts:login")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_delete.html", {"deleted": user})


@require_POST
@access.company_admin_required
def user_resend_invitation(request, user_id):
    user = get_object_or_404(access.users_visible_to(request.user), pk=user_id, is_active=True)
    try:
        services.resend_invitation(request.user, user, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"A new invitation was sent to {user.email}.")
    return redirect("accounts:user_list")


@access.company_admin_required
def company_settings(request):
    org = request.user.organization
    form = CompanyForm(
        request.POST or None,
        initial={
            "name": org.name,
            "country": org.country,
            "require_2fa_for_admins": org.require_2fa_for_admins,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(request.user, form.cleaned_data, request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The company settings were saved.")
            return redirect("accounts:company")
    return render(request, "accounts/company.html", {"form": form})
