"""Monitoring: tokens, report intake, state changes, offline detection, alerts, history."""

import hashlib
import json
import math
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Avg, Count, F, Max, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from licensedesk.audit.services import record
from licensedesk.core import rows
from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring.models import (
    SEVERITY,
    Health,
    HourlyStat,
    Installation,
    LatestReport,
    Report,
    State,
    StateChange,
    Thresholds,
)
from licensedesk.notifications import events
from licensedesk.notifications.services import emit

TOKEN_PREFIX = "ldmon_"
MIN_REPORT_GAP = 10  # seconds: faster reports from one installation get 429
RAW_KEPT = timedelta(hours=48)
HOURLY_KEPT = timedelta(days=365)
_thresholds_cache: dict = {}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def thresholds_for(org_id: int) -> Thresholds:
    """The company's thresholds (defaults if it never changed them), cached for a minute."""
    cached = _thresholds_cache.get(org_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    found = Thresholds.objects.filter(organization_id=org_id).first() or Thresholds(
        organization_id=org_id
    )
    _thresholds_cache[org_id] = (time.monotonic() + 60, found)
    return found


def forget_thresholds(org_id: int) -> None:
    _thresholds_cache.pop(org_id, None)


@transaction.atomic
def add_installation(user, lic, hostname: str, request=None) -> Installation:
    """An installation added by hand (before or without any activation)."""
    hostname = " ".join(str(hostname or "").split())
    if not hostname or len(hostname) > 200:
        raise ServiceError(
            "Give the installation's host name (200 characters at most).",
            code="invalid_hostname",
            field="hostname",
        )
    installation = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname=hostname)
    record("installation.create", request=request, actor=user, target=installation)
    return installation


@transaction.atomic
def issue_token(user, installation, request=None) -> str:
    """Enable monitoring, or rotate its token: the old token stops working. Returns the new
    secret, which is shown once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    health, created = Health.objects.select_for_update().get_or_create(
        installation=installation,
        defaults={"organization_id": installation.license.organization_id, "state_since": now},
    )
    health.token_digest = digest(secret)
    health.token_prefix = secret[: len(TOKEN_PREFIX) + 4]
    health.enabled = True
    if health.state == State.UNKNOWN:
        _set_state(health, State.PENDING, [], now)
    health.save()
    record(
        "monitoring.enable" if created else "monitoring.rotate_token",
        request=request,
        actor=user,
        target=installation,
    )
    return secret


@transaction.atomic
def disable(user, installation, request=None) -> None:
    health = Health.objects.select_for_update().filter(installation=installation).first()
    if health is None or not health.enabled:
        return
    health.token_digest = None
    health.enabled = False
    _set_state(health, State.UNKNOWN, ["monitoring disabled"], timezone.now())
    health.alerted_state = State.UNKNOWN  # disabling is no outage: nothing to alert
    health.save()
    record("monitoring.disable", request=request, actor=user, target=installation)


@dataclass(frozen=True)
class Reporter:
    """The installation a monitoring token speaks for (its Health row), as a report needs it."""

    pk: int
    installation_id: int
    organization_id: int


_BY_TOKEN = (
    "SELECT id, installation_id, organization_id FROM monitoring_health "
    "WHERE token_digest = %s AND enabled"
)


def health_for_token(secret: str) -> Reporter | None:
    """The installation a monitoring token speaks for, or None. Plain SQL: this runs for
    every report, and building the ORM query cost more than running it."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = rows.fetch_one(_BY_TOKEN, [digest(secret)])
    return Reporter(*row) if row else None


def _set_state(health, state, reasons, now) -> bool:
    """Change the state (recording the change); True if it changed."""
    health.reasons = reasons
    if health.state == state:
        return False
    StateChange.objects.create(
        installation_id=health.installation_id,
        from_state=health.state,
        to_state=state,
        at=now,
        reasons=reasons[:20],
    )
    health.state = state
    health.severity = SEVERITY[state]
    health.state_since = now
    return True


def _too_soon(last_report_at, now) -> None:
    if last_report_at is not None:
        gap = (now - last_report_at).total_seconds()
        if gap < MIN_REPORT_GAP:
            raise RateLimited(max(1, math.ceil(MIN_REPORT_GAP - gap)))


@dataclass(frozen=True)
class Pending:
    """One validated report, its state derived, as it is to be stored."""

    health_id: int
    digest: str | None  # the token it came with: stored only while the row still holds it
    now: datetime
    state: str
    reasons: list
    report: dict  # as JSON
    product_version: str
    hostname: str
    cpu: float
    memory: float
    devices_total: int
    devices_offline: int


WRITTEN, TOO_SOON, GONE = "written", "too soon", "gone"


def pending(health, report, state, reasons, now, digest=None) -> Pending:
    return Pending(
        health_id=health.pk,
        digest=digest,
        now=now,
        state=state,
        reasons=reasons,
        report=report.model_dump(mode="json"),
        product_version=report.product_version,
        hostname=report.hostname,
        cpu=report.host.cpu_pct,
        memory=report.host.memory_pct,
        devices_total=report.devices.total,
        devices_offline=report.devices.offline,
    )


# PostgreSQL: a batch of reports in one statement, one round trip. It locks the Health rows
# (still enabled, and still holding the report's token when one is given; in id order, so
# that two batches never wait for each other in a circle), refuses a report less than
# MIN_REPORT_GAP after the row's last one, and writes each row, the latest report whole, its
# state change (from the state the row holds now) and the report's figures for the history.
# Simultaneous reports of one installation queue on the row lock; the second then sees the
# first's time and is too soon.
_STORE_REPORTS = """
WITH batch AS (
    SELECT * FROM jsonb_to_recordset(%(batch)s::jsonb) AS b(id bigint, digest varchar,
        now timestamptz, state varchar, severity smallint, reasons jsonb, change_reasons jsonb,
        report jsonb, product_version varchar, hostname varchar, cpu float8, memory float8,
        devices_total int, devices_offline int)
), old AS (
    SELECT h.id, h.installation_id, h.state, h.state_since, h.last_report_at
    FROM monitoring_health h JOIN batch b ON b.id = h.id
    WHERE h.enabled AND (b.digest IS NULL OR h.token_digest = b.digest)
    ORDER BY h.id
    FOR UPDATE OF h
), written AS (
    UPDATE monitoring_health h
    SET reasons = b.reasons, last_report_at = b.now,
        product_version = b.product_version, hostname = b.hostname, state = b.state,
        severity = b.severity,
        state_since = CASE WHEN old.state = b.state THEN old.state_since ELSE b.now END
    FROM old JOIN batch b ON b.id = old.id
    WHERE h.id = old.id
      AND (old.last_report_at IS NULL OR old.last_report_at <= b.now - %(gap)s::interval)
    RETURNING h.id, h.installation_id, old.state AS old_state, b.state AS new_state, b.now,
        b.change_reasons, b.cpu, b.memory, b.devices_total, b.devices_offline, b.report
), latest AS (
    INSERT INTO monitoring_latestreport (health_id, report)
    SELECT id, report FROM written
    ON CONFLICT (health_id) DO UPDATE SET report = EXCLUDED.report
), changed AS (
    INSERT INTO monitoring_statechange (installation_id, from_state, to_state, at, reasons)
    SELECT installation_id, old_state, new_state, now, change_reasons
    FROM written WHERE old_state <> new_state
), stored AS (
    INSERT INTO monitoring_report (installation_id, received_at, state, cpu, memory,
        devices_total, devices_offline)
    SELECT installation_id, now, new_state, cpu, memory, devices_total, devices_offline
    FROM written
)
SELECT b.id, old.id IS NOT NULL, written.id IS NOT NULL, old.last_report_at
FROM batch b LEFT JOIN old ON old.id = b.id LEFT JOIN written ON written.id = b.id
"""


class TokenGone(ServiceError):
    """The token was revoked or rotated, or monitoring turned off, since it was looked up."""

    def __init__(self):
        super().__init__(
            "This monitoring token is no longer valid.", code="monitoring_disabled", status=401
        )


def store_reports(entries: list[Pending]) -> list[tuple[str, object]]:
    """Store these reports; for each, (WRITTEN, None), (TOO_SOON, the row's last report time)
    or (GONE, None): monitoring turned off or the token replaced. Several reports of one
    installation are stored one after the other, in their order."""
    outcomes: dict[int, tuple[str, object]] = {}
    waiting = list(enumerate(entries))
    while waiting:
        batch, later, seen = [], [], set()
        for index, entry in waiting:
            (later if entry.health_id in seen else batch).append((index, entry))
            seen.add(entry.health_id)
        store = _store_in_one_statement if connection.vendor == "postgresql" else _store_locked
        outcomes.update(store(batch))
        waiting = later
    return [outcomes[index] for index in range(len(entries))]


def _store_in_one_statement(batch) -> dict:
    # The batch travels as one JSON document: as arrays, psycopg escaped every quote of every
    # report in Python (0.13 ms a report; docs/benchmarks.md).
    found = rows.fetch_all(
        _STORE_REPORTS,
        {
            "batch": json.dumps(
                [
                    {
                        "id": e.health_id,
                        "digest": e.digest,
                        "now": e.now.isoformat(),
                        "state": e.state,
                        "severity": SEVERITY[e.state],
                        "reasons": e.reasons,
                        "change_reasons": e.reasons[:20],
                        "report": e.report,
                        "product_version": e.product_version,
                        "hostname": e.hostname,
                        "cpu": e.cpu,
                        "memory": e.memory,
                        "devices_total": e.devices_total,
                        "devices_offline": e.devices_offline,
                    }
                    for _, e in batch
                ]
            ),
            "gap": timedelta(seconds=MIN_REPORT_GAP),
        },
    )
    by_id = {health_id: (ok, written, last) for health_id, ok, written, last in found}
    outcomes = {}
    for index, entry in batch:
        ok, written, last_report_at = by_id[entry.health_id]
        outcomes[index] = (
            (WRITTEN, None) if written else (TOO_SOON, last_report_at) if ok else (GONE, None)
        )
    return outcomes


def _store_locked(batch) -> dict:
    """SQLite: each report written under its Health row's lock (SQLite writes one at a time),
    with the same checks as the one statement."""
    outcomes = {}
    for index, entry in batch:
        with transaction.atomic():
            health = Health.objects.select_for_update().filter(pk=entry.health_id, enabled=True)
            if entry.digest is not None:
                health = health.filter(token_digest=entry.digest)
            health = health.first()
            if health is None:
                outcomes[index] = (GONE, None)
                continue
            last = health.last_report_at
            if last is not None and (entry.now - last).total_seconds() < MIN_REPORT_GAP:
                outcomes[index] = (TOO_SOON, last)
                continue
            _set_state(health, entry.state, entry.reasons, entry.now)
            health.last_report_at = entry.now
            health.product_version = entry.product_version
            health.hostname = entry.hostname
            health.save(
                update_fields=[
                    "reasons",
                    "state",
                    "severity",
                    "state_since",
                    "last_report_at",
                    "product_version",
                    "hostname",
                ]
            )
            LatestReport.objects.update_or_create(
                health_id=health.pk, defaults={"report": entry.report}
            )
            Report.objects.create(
                installation_id=health.installation_id,
                received_at=entry.now,
                state=entry.state,
                cpu=entry.cpu,
                memory=entry.memory,
                devices_total=entry.devices_total,
                devices_offline=entry.devices_offline,
            )
            outcomes[index] = (WRITTEN, None)
    return outcomes


def derive(health, report) -> tuple[str, list[str]]:
    """The state of a report and why, by its company's thresholds."""
    from licensedesk.monitoring.reports import derive_state

    return derive_state(report, thresholds_for(health.organization_id))


def ingest(health, report, now=None, *, digest=None) -> str:
    """Store one validated report of the installation of `health` (a Health, or the Reporter
    its token found) before returning, and derive the state; returns it. With `digest`, only
    while the row still holds that token. Simultaneous reports of one installation store one;
    the state change starts from the state the row holds when the report is written. Raises
    RateLimited (too soon after the last report) or TokenGone (monitoring turned off, token
    replaced)."""
    now = now or timezone.now()
    state, reasons = derive(health, report)
    [(outcome, last_report_at)] = store_reports(
        [pending(health, report, state, reasons, now, digest)]
    )
    if outcome == GONE:
        raise TokenGone
    if outcome == TOO_SOON:
        _too_soon(last_report_at, now)
        raise RateLimited(1)  # the clocks disagree by a hair; the next second will do
    return state


# Tokens seen by this process: digest -> Reporter. A report with a known token costs no
# lookup: its write checks the token again on the row, so a revoked or rotated token, or
# monitoring turned off, is refused at once (and forgotten here).
_known_tokens: dict[str, Reporter] = {}
KNOWN_TOKENS_KEPT = 100_000


def forget_known_tokens() -> None:
    global _warmed_in
    _known_tokens.clear()
    _warmed_in = None


# The process (pid) whose memory holds every token enabled when it received its first report.
_warmed_in = None
_ENABLED_TOKENS = (
    "SELECT token_digest, id, installation_id, organization_id FROM monitoring_health "
    "WHERE enabled AND token_digest IS NOT NULL LIMIT %s"
)


def _learn_enabled_tokens() -> None:
    """A web process's first report: learn every enabled token in one query (10,000: one
    query of a few milliseconds) rather than each token at its first report to this process,
    one lookup apiece, as every process had to after each restart (docs/benchmarks.md).
    Digests only, as the rows hold them; a token revoked since is refused when its report is
    stored, and forgotten then."""
    global _warmed_in
    _warmed_in = os.getpid()
    for token_digest, *reporter in rows.fetch_all(_ENABLED_TOKENS, [KNOWN_TOKENS_KEPT]):
        _known_tokens[token_digest] = Reporter(*reporter)


def receive_report(secret: str, installation_id: int, read_report) -> str | None:
    """The intake of one status report: the token's installation must be `installation_id`;
    `read_report()` validates the body (raising on a bad one) once the token is known good.
    Returns the state, or None for an unknown token; raises NotYours, RateLimited, or what
    `read_report` raises. A report of a token this process has seen costs no query before
    its answer: it is stored with the next batch (`writer`), or, with
    LICENSEDESK_REPORT_FLUSH_MS=0, in one statement (PostgreSQL) before the answer."""
    from licensedesk.monitoring import writer

    if _warmed_in != os.getpid() and secret.startswith(TOKEN_PREFIX):
        _learn_enabled_tokens()
    token_digest = digest(secret)
    health = _known_tokens.get(token_digest)
    if health is None:
        health = health_for_token(secret)
        if health is None:
            return None
        if len(_known_tokens) >= KNOWN_TOKENS_KEPT:
            _known_tokens.clear()
        _known_tokens[token_digest] = health
    if health.installation_id != installation_id:
        raise NotYours
    report = read_report()
    if writer.interval():
        return writer.accept(health, report, token_digest)
    try:
        return ingest(health, report, digest=token_digest)
    except TokenGone:
        forget_token(token_digest)
        return None


def forget_token(token_digest: str) -> None:
    """A token found gone when a report was stored: its next report is looked up again."""
    _known_tokens.pop(token_digest, None)


class NotYours(Exception):
    """A monitoring token speaks only for its own installation."""


def detect_offline(now=None) -> int:
    """Installations silent for more than `offline_after` report intervals go Offline."""
    now = now or timezone.now()
    changed = 0
    watched = Health.objects.filter(enabled=True).exclude(
        state__in=[State.OFFLINE, State.PENDING, State.UNKNOWN]
    )
    limits = {}
    for org_id in watched.values_list("organization_id", flat=True).distinct():
        t = thresholds_for(org_id)
        limits.setdefault(t.report_interval * t.offline_after, []).append(org_id)
    for seconds, org_ids in limits.items():
        silent = watched.filter(
            organization_id__in=org_ids, last_report_at__lt=now - timedelta(seconds=seconds)
        )
        with transaction.atomic():
            rows = list(
                silent.select_for_update(skip_locked=True).values_list(
                    "pk", "installation_id", "state"
                )
            )
            if not rows:
                continue
            reason = [f"no report for more than {seconds} s"]
            StateChange.objects.bulk_create(
                [
                    StateChange(
                        installation_id=inst,
                        from_state=old,
                        to_state=State.OFFLINE,
                        at=now,
                        reasons=reason,
                    )
                    for _, inst, old in rows
                ]
            )
            changed += Health.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
                state=State.OFFLINE,
                severity=SEVERITY[State.OFFLINE],
                state_since=now,
                reasons=reason,
            )
    return changed


def alert_events(old: str, new: str) -> list[str]:
    """The events of a state change that held long enough."""
    found = []
    if new == State.OFFLINE:
        found.append(events.INSTALLATION_OFFLINE)
    if old == State.OFFLINE and new in (State.HEALTHY, State.ATTENTION, State.CRITICAL):
        found.append(events.INSTALLATION_ONLINE)
    if new == State.CRITICAL:
        found.append(events.INSTALLATION_CRITICAL)
    if old == State.CRITICAL and new in (State.HEALTHY, State.ATTENTION):
        found.append(events.INSTALLATION_RECOVERED)
    return found


def send_alerts(now=None) -> int:
    """Alert the state changes that held for the company's hold time (no flood when a system
    flaps: a change that doesn't hold is never alerted)."""
    now = now or timezone.now()
    sent = 0
    pending = Health.objects.filter(enabled=True).exclude(state=F("alerted_state"))
    for health in pending.select_related("installation__license"):
        hold = thresholds_for(health.organization_id).hold_seconds
        if (now - health.state_since).total_seconds() < hold:
            continue
        with transaction.atomic():
            locked = (
                Health.objects.select_for_update(skip_locked=True)
                .filter(pk=health.pk, state=health.state, alerted_state=health.alerted_state)
                .first()
            )
            if locked is None:
                continue  # another worker has it, or it changed meanwhile
            lic = health.installation.license
            for event in alert_events(health.alerted_state, health.state):
                emit(
                    event,
                    lic,
                    {
                        "installation": health.hostname or health.installation.hostname,
                        "installation_id": health.installation_id,
                        "state": health.state,
                        "reasons": health.reasons[:5],
                    },
                )
                sent += 1
            Health.objects.filter(pk=health.pk).update(alerted_state=health.state)
    return sent


def downsample(now=None) -> dict:
    """Fold raw reports into hourly figures, and prune what is past its keeping time."""
    now = now or timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    rows = (
        Report.objects.filter(received_at__gte=now - RAW_KEPT, received_at__lt=this_hour)
        .annotate(hour=TruncHour("received_at"))
        .values("installation_id", "hour")
        .annotate(
            n=Count("id"),
            healthy=Count("id", filter=Q(state=State.HEALTHY)),
            attention=Count("id", filter=Q(state=State.ATTENTION)),
            critical=Count("id", filter=Q(state=State.CRITICAL)),
            cpu=Avg("cpu"),
            memory=Avg("memory"),
            offline=Max("devices_offline"),
        )
    )
    stats = [
        HourlyStat(
            installation_id=r["installation_id"],
            hour=r["hour"],
            reports=r["n"],
            healthy=r["healthy"],
            attention=r["attention"],
            critical=r["critical"],
            cpu_avg=r["cpu"],
            memory_avg=r["memory"],
            devices_offline_max=r["offline"],
        )
        for r in rows
    ]
    with transaction.atomic():
        HourlyStat.objects.bulk_create(
            stats,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["installation", "hour"],
            update_fields=[
                "reports",
                "healthy",
                "attention",
                "critical",
                "cpu_avg",
                "memory_avg",
                "devices_offline_max",
            ],
        )
        pruned_raw = Report.objects.filter(received_at__lt=now - RAW_KEPT).delete()[0]
        pruned_hourly = HourlyStat.objects.filter(hour__lt=now - HOURLY_KEPT).delete()[0]
        pruned_changes = StateChange.objects.filter(at__lt=now - HOURLY_KEPT).delete()[0]
    return {
        "hours": len(stats),
        "pruned_raw": pruned_raw,
        "pruned_hourly": pruned_hourly,
        "pruned_changes": pruned_changes,
    }


def timeline(installation, since, until) -> list[tuple]:
    """[(state, start, end)] covering since…until, from the state changes."""
    before = (
        StateChange.objects.filter(installation=installation, at__lt=since).order_by("-at").first()
    )
    state = before.to_state if before else None
    changes = list(
        StateChange.objects.filter(installation=installation, at__gte=since, at__lt=until)
        .order_by("at", "id")
        .values_list("at", "to_state")
    )
    segments, start = [], since
    for at, to_state in changes:
        if state is not None and at > start:
            segments.append((state, start, at))
        state, start = to_state, at
    if state is not None and until > start:
        segments.append((state, start, until))
    return segments


def uptime(installation, window: timedelta, now=None) -> float | None:
    """Share of the window in which the installation reported (not Offline), in %; None if
    it was not monitored then."""
    now = now or timezone.now()
    segments = [
        s
        for s in timeline(installation, now - window, now)
        if s[0] not in (State.PENDING, State.UNKNOWN)
    ]
    watched = sum((end - start).total_seconds() for _, start, end in segments)
    if not watched:
        return None
    down = sum(
        (end - start).total_seconds() for state, start, end in segments if state == State.OFFLINE
    )
    return round(100.0 * (watched - down) / watched, 2)
