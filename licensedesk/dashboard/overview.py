"""The Dashboard: what a partner looks at every morning, counted over exactly what the user
may see (`access`), each number with the link to the list that shows the same rows.

A fixed number of queries whatever the size of the company: counts and sums are read from
the indexes that hold them, lists are cut to a few rows by the database."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from licensedesk import access
from licensedesk.accounts import queries as user_queries
from licensedesk.activation.models import Activation
from licensedesk.care import overview as care_overview
from licensedesk.care import tiers
from licensedesk.care.status import today
from licensedesk.licenses.queries import start_of_day
from licensedesk.monitoring import device_licenses, maintenance
from licensedesk.monitoring.models import SEVERITY, Health, State

FEW = 5  # rows in each short list (next Care endings, worst installations, recent activity)
PROBLEM_STATES = (State.CRITICAL, State.OFFLINE, State.ATTENTION)  # worst first


@dataclass
class Figure:
    """A number on the Dashboard and the list behind it."""

    count: int
    label: str
    url: str
    tone: str = ""  # a state or badge class, for its colour


@dataclass
class Dashboard:
    licenses: dict = field(default_factory=dict)
    care: dict = field(default_factory=dict)
    installations: dict = field(default_factory=dict)
    activity: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.licenses or self.people)


def link(viewname: str, **params) -> str:
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return reverse(viewname) + (f"?{urlencode(query)}" if query else "")


def dashboard_for(user, on: date | None = None) -> Dashboard:
    """Everything the Dashboard shows to `user` on `on` (today)."""
    on = on or today()
    board = Dashboard()
    if access.has_license_role(user):
        counts = license_counts(user, on)
        board.licenses = license_figures(counts, on)
        board.care = care_figures(user, counts, on)
        board.installations = installation_figures(user)
        board.activity = recent_activity(user)
    if access.is_company_admin(user):
        board.people = people_figures(user)
    return board


def license_counts(user, on: date) -> dict:
    """Every count and sum of the licenses tiles and the Care windows, in one pass over the
    licenses the user may see: a License User's are read once, not once per number; a
    License Admin's from the company's index that holds these columns
    (`license_org_figures_idx`)."""
    month = on.replace(day=1)
    return (
        access.licenses_visible_to(user)
        .order_by()
        .aggregate(
            registered=Count("*"),
            devices=Sum("device_licenses"),
            used=Sum("devices_used"),
            # Columns the index holds, never NULL where counted (not the id, which it lacks).
            unspecified=Count("organization", filter=Q(customer__isnull=True)),
            this_month=Count("registered_at", filter=Q(registered_at__gte=start_of_day(month))),
            **care_overview.window_counts(care_overview.window_bounds(on)),
        )
    )


def license_figures(counts: dict, on: date) -> dict:
    """Registered, Unspecified (no customer), registered this month; device licenses used of
    total (`license_counts`)."""
    month = on.replace(day=1)
    devices, used = counts["devices"] or 0, counts["used"] or 0
    figures = {
        "registered": Figure(counts["registered"], "registered", link("licenses:list")),
        "unspecified": Figure(
            counts["unspecified"],
            "without customer (Unspecified)",
            link("licenses:list", customer="none"),
        ),
        "this_month": Figure(
            counts["this_month"],
            f"registered since {month:%B} {month.day}",
            link("licenses:list", registered_from=month),
        ),
    }
    return {
        **figures,
        "tiles": list(figures.values()),
        "devices": Figure(used, "device licenses used", link("licenses:list", ordering="-devices")),
        "devices_total": devices,
        "devices_pct": round(100 * used / devices) if devices else 0,
    }


def care_figures(user, counts: dict, on: date) -> dict:
    """For each Care tier: ending within 30 and 90 days, ended in the last 90 (renewal
    opportunities; counted in `license_counts`); and the next few endings of either tier."""
    windows = care_overview.windows_counted(care_overview.window_bounds(on), counts)
    labels = {
        "ending_30": ("ends within 30 days", "warn"),
        "ending_90": ("ends within 90 days", "warn"),
        "ended_90": ("ended in the last 90 days: renew", "bad"),
    }
    figures = {
        f"{tier}_{key}": Figure(
            w["count"], f"{tiers.LABELS[tier]} {labels[key][0]}", w["url"], labels[key][1]
        )
        for tier in tiers.TIERS
        for key, w in windows[tier].items()
    }
    return {
        **figures,
        "columns": ["Ends in 30 days", "Ends in 90 days", "Ended, last 90 days"],
        # One row per tier, its windows in the columns' order: a table reads better than six
        # tiles.
        "rows": [
            (tiers.LABELS[tier], [figures[f"{tier}_{key}"] for key in labels])
            for tier in tiers.TIERS
        ],
        "next": next_endings(user, on),
        "next_urls": [
            (
                tiers.LABELS[tier],
                link(
                    "licenses:list",
                    care_tier=tier,
                    care_ends_from=on,
                    ordering=f"care_{tier}_end",
                ),
            )
            for tier in tiers.TIERS
        ],
    }


def next_endings(user, on: date) -> list[tuple]:
    """The next few Care endings of either tier: (date, tier's label, license), by date; the
    few of each tier from its own index, then merged."""
    endings = []
    for tier in tiers.TIERS:
        ends = tiers.ends_field(tier)
        licenses = (
            access.licenses_visible_to(user)
            .filter(**{f"{ends}__gte": on})
            .select_related("product", "customer")
            .order_by(ends, "id")[:FEW]
        )
        endings += [(getattr(lic, ends), tiers.LABELS[tier], lic) for lic in licenses]
    return sorted(endings, key=lambda e: (e[0], e[2].pk, e[1]))[:FEW]


def installation_figures(user) -> dict:
    """How many installations are Critical, Offline, in Attention and Pending now, and the
    worst few (the order of the Installations page; a tie in time goes by id)."""
    health = access.health_visible_to(user)
    shown = (*PROBLEM_STATES, State.PENDING)
    counts = dict(
        health.filter(severity__in=[SEVERITY[state] for state in shown])
        .values_list("state")
        .annotate(n=Count("*"))
        .order_by()
    )
    worst_first = ("severity", F("last_report_at").desc(nulls_last=True))
    # The few are picked on the Health row's own columns, which a License User's grants
    # reach through indexes alone; the names are joined for those few only. Rows reported
    # at the same instant keep the installation's id order, not its name's.
    few = (
        health.filter(severity__in=[SEVERITY[state] for state in PROBLEM_STATES])
        .order_by(*worst_first, "installation_id")
        .values("pk")[:FEW]
    )
    now = timezone.now()
    worst = [
        row.installation
        for row in Health.objects.filter(pk__in=few)
        .select_related(
            "installation", "installation__license__customer", "installation__maintenance"
        )
        .order_by(*worst_first, "installation_id")
    ]
    for installation in worst:
        window = getattr(installation, "maintenance", None)
        installation.paused_until = window.ends_at if window and window.is_on(now) else None
    # A technician's maintenance window pauses an installation's alerts: say whose, and until
    # when (one more than shown tells that there are more).
    paused = list(
        access.installations_visible_to(user)
        .filter(maintenance.in_maintenance_q(now, installation_path=""))
        .select_related("maintenance", "license__customer")
        .order_by("maintenance__ends_at", "pk")[: FEW + 1]
    )
    figures = {
        state: Figure(
            counts.get(state, 0), State(state).label, link("monitoring:list", state=state), state
        )
        for state in shown
    }
    # Devices in grace stop recording when it ends: the installations to activate this week.
    grace = health.filter(device_licenses.grace_ending_q(now, path="")).count()
    grace_ending = Figure(
        grace,
        "with devices whose grace ends within 7 days",
        link("monitoring:list", devices="grace_ending"),
        "warn" if grace else "",
    )
    return {
        "states": figures,
        "grace_ending": grace_ending,
        "worst": worst,
        "paused": paused[:FEW],
        "more_paused": len(paused) > FEW,
    }


def recent_activity(user) -> dict:
    """The last registrations and activations of licenses the user may see."""
    registrations = list(
        access.licenses_visible_to(user)
        .filter(registered_at__isnull=False)
        .select_related("product", "version", "customer", "registered_by")
        .order_by(F("registered_at").desc(), "-id")[:FEW]
    )
    # Newest first by id (it grows with time), along the primary key; picked before joining
    # what they show, as the join misleads the planner on the visibility rule (docs/benchmarks.md).
    newest = access.activations_visible_to(user).order_by("-id").values("pk")[:FEW]
    activations = list(
        Activation.objects.filter(pk__in=newest)
        .select_related("license", "installation", "created_by")
        .order_by("-id")
    )
    return {
        "registrations": registrations,
        "activations": activations,
        "registrations_url": link("licenses:list", ordering="-registered"),
    }


def people_figures(admin) -> dict:
    """For the company administrator: the active users (as the Users page lists them: the
    invited included), those invited but not active yet, and administrators without the
    two-factor authentication the company requires."""
    organization = admin.organization
    required = organization.require_2fa_for_admins
    counted = {
        "active": Count("pk", filter=Q(is_active=True)),
        "invited": Count("pk", filter=user_queries.invited_q()),
    }
    if required:
        counted["no_2fa"] = Count("pk", filter=user_queries.missing_required_2fa_q(organization))
    counts = access.users_visible_to(admin).aggregate(**counted)
    figures = {
        "active": Figure(counts["active"], "active users", link("accounts:user_list")),
        "invited": Figure(
            counts["invited"],
            "invited, not yet active",
            link("accounts:user_list", status="invited"),
            "warn",
        ),
    }
    if required:
        figures["no_2fa"] = Figure(
            counts["no_2fa"],
            "administrators without the required 2FA",
            link("accounts:user_list", status="no_2fa"),
            "bad",
        )
    return figures
