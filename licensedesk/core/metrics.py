"""Prometheus metrics at /metrics for the people who run licensedesk (prometheus-client).

Counters live in each process; under `licensedesk serve` (several gunicorn processes) they
are shared through PROMETHEUS_MULTIPROC_DIR, which `serve` sets up before any process starts.
Gauges of the database (outbox jobs, the oldest due job's age, the worker's heartbeat) are read
when scraped. Labels stay small: no company, no user, the route pattern, not the path."""

import hmac
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from licensedesk.outbox.models import Job, WorkerHeartbeat

REQUESTS = Counter(
    "licensedesk_http_requests", "HTTP requests answered", ["route", "method", "status"]
)
STATUS_REPORTS = Counter(
    "licensedesk_status_reports",
    "Installation status reports: accepted (202), stored, refused (4xx/503)",
    ["outcome"],
)
ACTIVATIONS = Counter("licensedesk_activations", "Device activations processed", ["outcome"])
DELIVERIES = Counter(
    "licensedesk_deliveries", "Notification deliveries attempted", ["channel", "outcome"]
)


class DatabaseCollector:
    """What only the database knows, read at each scrape."""

    def collect(self):
        now = timezone.now()
        due = Q(state=Job.State.QUEUED, run_at__lte=now)
        jobs = Job.objects.aggregate(
            due=Count("pk", filter=due),
            running=Count("pk", filter=Q(state=Job.State.RUNNING)),
            failed=Count("pk", filter=Q(state=Job.State.FAILED)),
            oldest_due=Min("run_at", filter=due),
        )
        states = GaugeMetricFamily("licensedesk_outbox_jobs", "Outbox jobs", labels=["state"])
        for state in ("due", "running", "failed"):
            states.add_metric([state], jobs[state])
        yield states
        oldest = jobs["oldest_due"]
        yield GaugeMetricFamily(
            "licensedesk_outbox_oldest_due_job_age_seconds",
            "How long the oldest due job has waited (0: none due)",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        last_beat = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        yield GaugeMetricFamily(
            "licensedesk_worker_heartbeat_age_seconds",
            "Seconds since any worker last beat its heartbeat (-1: never)",
            value=(now - last_beat).total_seconds() if last_beat else -1,
        )


def scrape() -> bytes:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    output = generate_latest(registry)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return output + generate_latest(database)


@csrf_exempt
@login_not_required
def metrics_view(request):
    """Prometheus text format, for `Authorization: Bearer $LICENSEDESK_METRICS_TOKEN`."""
    from licensedesk.api.problems import problem

    expected = settings.METRICS_TOKEN
    if not expected:
        return problem(
            request,
            403,
            "Metrics are off: set LICENSEDESK_METRICS_TOKEN and send it as a bearer token.",
            "metrics_disabled",
        )
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        response = problem(
            request,
            401,
            "Send the metrics token: Authorization: Bearer <token>.",
            "not_authenticated",
        )
        response["WWW-Authenticate"] = 'Bearer realm="licensedesk metrics"'
        return response
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Counts every answered request by its route pattern (never the path: bounded labels)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        REQUESTS.labels(route or "unmatched", request.method, str(response.status_code)).inc()
        return response
