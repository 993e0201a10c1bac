from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.notifications import events, queries, services
from licensedesk.notifications.forms import ProfileForm
from licensedesk.notifications.models import Delivery, Mute


def _require_admin(request):
    access.require(request, access.is_license_admin(request.user), "notification_profiles")


@access.license_role_required
def profile_list(request):
    _require_admin(request)
    search = request.GET.get("q", "")
    profiles = queries.find_profiles(request.user, search).prefetch_related("groups")
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/profile_list.html",
        {"page": page, "q": search, "labels": events.LABELS},
    )


def _form(request, initial=None):
    form = ProfileForm(request.POST or None, initial=initial)
    return form.set_choices(
        access.groups_visible_to(request.user).only("id", "name", "description"),
        access.customers_visible_to(request.user).only("id", "name"),
        access.users_visible_to(request.user).filter(is_active=True),
    )


@access.license_role_required
def profile_create(request):
    _require_admin(request)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.create_profile(request.user, form.service_data(), request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The notification profile “{profile.name}” was created.")
            return redirect("notifications:profiles")
    return render(request, "notifications/profile_form.html", {"form": form, "adding": True})


@access.license_role_required
def profile_edit(request, profile_id):
    _require_admin(request)
    profile = get_object_or_404(access.profiles_visible_to(request.user), pk=profile_id)
    form = _form(request, ProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user, profile, form.service_data(), request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The notification profile “{profile.name}” was saved.")
            return redirect("notifications:profiles")
    return render(
        request,
        "notifications/profile_form.html",
        {"form": form, "adding": False, "profile": profile},
    )


@require_POST
@access.license_role_required
def profile_delete(request, profile_id):
    _require_admin(request)
    profile = get_object_or_404(access.profiles_visible_to(request.user), pk=profile_id)
    services.delete_profile(request.user, profile, request)
    messages.success(request, f"The notification profile “{profile.name}” was deleted.")
    return redirect("notifications:profiles")


@require_POST
@access.license_role_required
def profile_mute(request, profile_id):
    _require_admin(request)
    profile = get_object_or_404(access.profiles_visible_to(request.user), pk=profile_id)
    services.update_profile(request.user, profile, {"muted": not profile.muted}, request)
    return redirect("notifications:profiles")


@access.license_role_required
def delivery_list(request):
    deliveries = access.deliveries_visible_to(request.user).select_related("profile", "reminder")
    state = request.GET.get("state", "")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/delivery_list.html",
        {
            "page": page,
            "state": state,
            "states": Delivery.State.choices,
            "labels": events.LABELS,
        },
    )


@require_POST
@access.license_role_required
def delivery_retry(request, delivery_id):
    delivery = get_object_or_404(access.deliveries_visible_to(request.user), pk=delivery_id)
    try:
        services.retry_delivery(request.user, delivery, request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The delivery is queued again.")
    return redirect("notifications:deliveries")


@login_not_required
def mute(request, token):
    """The link at the bottom of every email: confirm (POST) to stop that profile or reminder
    emailing this address. A GET changes nothing."""
    try:
        data = signing.loads(token, salt="notifications.mute", max_age=180 * 86400)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if request.method == "POST":
        Mute.objects.get_or_create(
            email=data["e"], profile_id=data.get("p"), reminder_id=data.get("r")
        )
        return render(request, "notifications/muted.html", {"email": data["e"], "done": True})
    return render(request, "notifications/muted.html", {"email": data["e"], "done": False})
