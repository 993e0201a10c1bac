from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.core import secrets_flash
from licensedesk.core.errors import ServiceError
from licensedesk.customers.queries import chosen_customer
from licensedesk.exports import formats
from licensedesk.monitoring import (
    device_licenses,
    explain,
    export,
    installations,
    maintenance,
    queries,
    tokens,
    uptime,
)
from licensedesk.monitoring.models import State, StateChange, Thresholds
from licensedesk.monitoring.thresholds import (
    forget_thresholds,
    thresholds_for,
    thresholds_to_edit,
)

TOKEN_COOKIE = "ld_new_monitoring_token"
COLORS = {"healthy": "ok", "attention": "warn", "critical": "bad", "offline": "bad"}


def _installation(request, installation_id):
    return get_object_or_404(
        access.installations_visible_to(request.user).select_related(
            "license", "license__customer", "license__product", "maintenance"
        ),
        pk=installation_id,
    )


PER_PAGE = 50


@access.license_role_required
def installation_list(request):
    page, counts = queries.page_of_installations(
        request.user, request.GET, request.GET.get("page"), PER_PAGE
    )
    return render(
        request,
        "monitoring/installation_list.html",
        {
            "page": page,
            "params": request.GET,
            "states": State.choices,
            "device_filters": device_licenses.FILTERS.items(),
            "counts": {state: counts.get(state, 0) for state in State.values},
            "cards": [(value, label, counts.get(value, 0)) for value, label in State.choices],
            "customers": chosen_customer(request.user, request.GET.get("customer")),
            "groups": access.groups_visible_to(request.user).only("id", "name"),
        },
    )


@access.license_role_required
def installation_export(request):
    """The installations the page lists with its filters, in its order (`?format=…`)."""
    return formats.download(request, export.TABLE)


def _chart(segments, since, until, width=720):
    total = (until - since).total_seconds()
    bars = []
    for state, start, end in segments:
        x = round(width * (start - since).total_seconds() / total, 1)
        w = max(0.5, round(width * (end - start).total_seconds() / total, 1))
        bars.append({"state": state, "x": x, "w": w, "start": start, "end": end})
    return bars


@access.license_role_required
def installation_detail(request, installation_id):
    installation = _installation(request, installation_id)
    health = getattr(installation, "health", None)
    path = reverse("monitoring:detail", args=[installation.pk])
    secret = secrets_flash.take(request, TOKEN_COOKIE)
    now = timezone.now()
    context = {
        "installation": installation,
        "health": health,
        "maintenance": maintenance.current(installation, now),
        "now": now,
        "new_token": secret,
        # The configured address, as on the `--server` line beside it and in every email:
        # the host this page was opened under may not be one the installation can reach.
        "report_url": f"{settings.BASE_URL}/api/v1/installations/{installation.pk}/status",
        "licenses": device_licenses.DeviceLicenses.of(health, now),
    }
    thresholds = thresholds_for(installation.license.organization_id)
    context["reporting"] = explain.reporting(thresholds)
    context["report_interval"] = thresholds.report_interval
    if health is not None:
        since = now - timedelta(hours=24)
        context.update(
            {
                "report": health.last_report() or None,
                "timeline": _chart(uptime.timeline(installation, since, now), since, now),
                "uptimes": _uptime_cards(installation, now),
                "changes": StateChange.objects.filter(installation=installation)[:50],
            }
        )
    response = render(request, "monitoring/installation_detail.html", context)
    secrets_flash.clear(request, response, TOKEN_COOKIE, path)
    return response


def _uptime_cards(installation, now) -> list:
    """The uptime of each window; once monitoring started inside a window, the longer ones
    would show the same figure again, so they are left out."""
    cards = []
    for found in uptime.uptimes(installation, now):
        cards.append(found)
        if found.young:
            break
    return cards


@require_POST
@access.license_role_required
def enable_monitoring(request, installation_id):
    installation = _installation(request, installation_id)
    path = reverse("monitoring:detail", args=[installation.pk])
    response = redirect(path)
    secrets_flash.flash(
        response, TOKEN_COOKIE, tokens.issue_token(request.user, installation, request), path
    )
    return response


@require_POST
@access.license_role_required
def disable_monitoring(request, installation_id):
    installation = _installation(request, installation_id)
    tokens.disable(request.user, installation, request)
    messages.success(request, "Monitoring is off; the token no longer works.")
    return redirect("monitoring:detail", installation_id=installation.pk)


def _moment(value: str | None):
    """A `datetime-local` value of the maintenance form, read as UTC (the pages' time)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ServiceError("Give dates and times as YYYY-MM-DD HH:MM (UTC).") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@require_POST
@access.license_role_required
def set_maintenance(request, installation_id):
    """Snooze the installation's alerts, or plan a maintenance window (from–to, UTC)."""
    installation = _installation(request, installation_id)
    try:
        window = maintenance.set_maintenance(
            request.user,
            installation,
            snooze=request.POST.get("snooze") or None,
            starts_at=_moment(request.POST.get("starts_at")),
            ends_at=_moment(request.POST.get("ends_at")),
            request=request,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        until = window.ends_at.strftime("%Y-%m-%d %H:%M UTC")
        messages.success(request, f"Alerts of this installation pause until {until}.")
    return redirect("monitoring:detail", installation_id=installation.pk)


@require_POST
@access.license_role_required
def end_maintenance(request, installation_id):
    installation = _installation(request, installation_id)
    if maintenance.end_maintenance(request.user, installation, request):
        messages.success(request, "Maintenance ended: alerts resume now.")
    return redirect("monitoring:detail", installation_id=installation.pk)


@require_POST
@access.license_role_required
def add_installation(request, code):
    lic = get_object_or_404(access.licenses_visible_to(request.user), code=code)
    try:
        installation = installations.add_installation(
            request.user, lic, request.POST.get("hostname"), request
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("licenses:detail", code=lic.code)
    return redirect("monitoring:detail", installation_id=installation.pk)


class ThresholdsForm(forms.ModelForm):
    # Offline after 0 intervals would flip every installation to Offline between reports.
    LIMITS = {
        "report_interval": (10, 3600, "Between 10 and 3600 seconds."),
        "offline_after": (1, 100, "Between 1 and 100 report intervals."),
        "hold_seconds": (0, 86400, "At most a day (86400 seconds)."),
    }

    class Meta:
        model = Thresholds
        fields = [
            "report_interval",
            "offline_after",
            "hold_seconds",
            "storage_attention_pct",
            "storage_critical_pct",
            "devices_offline_attention_pct",
            "devices_offline_critical_pct",
            "cpu_attention_pct",
            "memory_attention_pct",
            "disk_critical_pct",
        ]

    def clean(self):
        data = super().clean()
        for low, high in (
            ("storage_attention_pct", "storage_critical_pct"),
            ("devices_offline_attention_pct", "devices_offline_critical_pct"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(low, "The attention level must not be above the critical level.")
        for name, value in list(data.items()):  # add_error removes the field from `data`
            if name.endswith("_pct") and value is not None and value > 100:
                self.add_error(name, "A percentage is at most 100.")
        for name, (low, high, message) in self.LIMITS.items():
            if data.get(name) is not None and not low <= data[name] <= high:
                self.add_error(name, message)
        return data


@access.license_role_required
def thresholds(request):
    access.require(request, access.is_license_admin(request.user), "monitoring_thresholds")
    form = ThresholdsForm(request.POST or None, instance=thresholds_to_edit(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        forget_thresholds(request.user.organization_id)
        record("monitoring.thresholds", request=request, changes=form.cleaned_data)
        messages.success(request, "The thresholds were saved.")
        return redirect("monitoring:thresholds")
    saved = explain.reporting(thresholds_to_edit(request.user), "an installation")
    return render(request, "monitoring/thresholds.html", {"form": form, "reporting": saved})
