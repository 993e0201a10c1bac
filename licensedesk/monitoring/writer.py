"""Storing status reports, in batches behind the answer.

Each web process collects the reports it has accepted and stores them every
LICENSEDESK_REPORT_FLUSH_MS (50 ms) from a thread of its own, each batch in one transaction:
storing each report in its own transaction cost the database more than the rest of the
request, and the endpoint answers 202 Accepted anyway.

What a 202 promises (docs/deploy.md, "Status reports"): the report is stored, or it is held
until the database takes it. A batch the database refuses is stored again report by report,
so that a bad one (logged with its installation) fails alone. While the database cannot be
reached, the batch stays in the process's buffer (buffer.py) and is stored when the database
comes back, in its order; the buffer is bounded (LICENSEDESK_REPORT_BUFFER reports, and
LICENSEDESK_REPORT_OUTAGE_S of outage), past which new reports get 503 with Retry-After
before being accepted. A process that stops normally (SIGTERM) stores what it holds first;
a process killed with -9 loses what it held: the last interval's reports, or during an
outage the whole buffer.

A report is checked before its answer (token, installation, body, at most one per
MIN_REPORT_GAP seen by this process); what only the Health row can tell — the token revoked a
moment ago, a report of the same installation to another process — is settled when the batch
is stored: such a report is dropped, and a revoked token is forgotten so that its next report
gets 401. LICENSEDESK_REPORT_FLUSH_MS=0 stores each report before answering (the tests do)."""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DataError, IntegrityError, transaction

from licensedesk.core import metrics
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import tokens
from licensedesk.monitoring.buffer import ReportBuffer
from licensedesk.monitoring.models import Health, LatestReport, Report, StateChange

log = logging.getLogger(__name__)

MIN_REPORT_GAP = timedelta(seconds=10)  # a faster report of one installation is refused
REMEMBERED = 100_000  # installations whose last report a process remembers

# What became of a report: stored; refused, its installation's last report being too recent;
# dropped, monitoring turned off or its token replaced; refused by the database (logged).
WRITTEN, TOO_SOON, GONE, FAILED = "written", "too soon", "gone", "failed"


@dataclass(frozen=True)
class PendingReport:
    """One validated report, its state derived, as it is to be stored."""

    health_id: int
    installation_id: int
    token_digest: str | None  # stored only while the Health row still holds this token
    received_at: datetime
    state: str
    reasons: list
    report: dict  # as JSON
    product_version: str
    hostname: str
    cpu: float
    memory: float
    devices_total: int
    devices_offline: int
    licenses: tuple  # the Health row's LICENSE_FIELDS, as the report gives them (or None)

    @classmethod
    def of(cls, reporter: tokens.Reporter, report, state, reasons, now) -> "PendingReport":
        """`report` (a reports.StatusReport) of `reporter`'s installation, in `state`."""
        return cls(
            health_id=reporter.health_id,
            installation_id=reporter.installation_id,
            token_digest=reporter.token_digest,
            received_at=now,
            state=state,
            reasons=reasons,
            report=report.model_dump(mode="json"),
            product_version=report.product_version,
            hostname=report.hostname,
            cpu=report.host.cpu_pct,
            memory=report.host.memory_pct,
            devices_total=report.devices.total,
            devices_offline=report.devices.offline,
            licenses=license_values(report.licenses),
        )


# The Health columns of a report's `licenses`, in the order of `license_values`.
LICENSE_FIELDS = (
    "devices_activated",
    "devices_in_grace",
    "devices_grace_expired",
    "devices_not_licensed",
    "grace_ends_at",
    "changes_used",
    "changes_allowed",
)
NO_LICENSES = (None,) * len(LICENSE_FIELDS)


def license_values(licenses) -> tuple:
    """The report's device license counts (a reports.Licenses or None) as LICENSE_FIELDS."""
    if licenses is None:
        return NO_LICENSES
    changes = licenses.changes_without_activation
    return (
        licenses.activated,
        licenses.in_grace,
        licenses.grace_expired,
        licenses.not_licensed,
        licenses.grace_ends_at,
        changes.used if changes else None,
        changes.allowed if changes else None,
    )


def store_reports(entries: list[PendingReport]) -> list[tuple[str, datetime | None]]:
    """Store these reports; for each, (WRITTEN, None), (TOO_SOON, the installation's last
    report time), (GONE, None) or (FAILED, None). Several reports of one installation are
    stored one after the other, in their order."""
    outcomes: dict[int, tuple] = {}
    waiting = list(enumerate(entries))
    while waiting:
        batch, later, seen = [], [], set()
        for index, entry in waiting:
            (later if entry.health_id in seen else batch).append((index, entry))
            seen.add(entry.health_id)
        outcomes.update(_store_batch(batch))
        waiting = later
    found = [outcomes[index] for index in range(len(entries))]
    metrics.STATUS_REPORTS.labels("stored").inc(sum(o == WRITTEN for o, _ in found))
    return found


def _store_batch(batch: list[tuple[int, PendingReport]]) -> dict[int, tuple]:
    """The batch in one transaction; if the database refuses it, each report in its own,
    so that a bad report (a NUL character PostgreSQL will not store) fails alone."""
    try:
        with transaction.atomic():
            return _store(batch)
    except (DataError, IntegrityError):
        if len(batch) == 1:
            [(index, entry)] = batch
            log.exception(
                "the status report of installation %s could not be stored", entry.installation_id
            )
            return {index: (FAILED, None)}
    outcomes = {}
    for item in batch:
        outcomes.update(_store_batch([item]))
    return outcomes


def _store(batch: list[tuple[int, PendingReport]]) -> dict[int, tuple]:
    """Lock the batch's Health rows (in id order, so that two batches never wait for each
    other in a circle), decide each report on its row as it is now, and write the rows, the
    latest reports, the state changes and the reports' figures for the history. Reports of
    one installation to two processes queue on the row's lock; the second is then too soon."""
    ids = {entry.health_id for _, entry in batch}
    locked = Health.objects.select_for_update().filter(pk__in=ids, enabled=True).order_by("pk")
    healths = {health.pk: health for health in locked}
    outcomes, written, fields, latest, changes, reports = {}, [], set(), [], [], []
    for index, entry in batch:
        health = healths.get(entry.health_id)
        if health is None or health.token_digest != entry.token_digest:
            outcomes[index] = (GONE, None)
            continue
        last = health.last_report_at
        if last is not None and entry.received_at - last < MIN_REPORT_GAP:
            outcomes[index] = (TOO_SOON, last)
            continue
        fields |= _take(health, entry, changes)
        written.append(health)
        latest.append(LatestReport(health_id=health.pk, report=entry.report))
        reports.append(
            Report(
                installation_id=health.installation_id,
                received_at=entry.received_at,
                state=entry.state,
                cpu=entry.cpu,
                memory=entry.memory,
                devices_total=entry.devices_total,
                devices_offline=entry.devices_offline,
            )
        )
        outcomes[index] = (WRITTEN, None)
    if written:
        # The rows exist (locked above): written as an upsert, they take one statement whose
        # cost grows with the rows alone; bulk_update's grows with rows times fields.
        Health.objects.bulk_create(
            written, update_conflicts=True, unique_fields=["id"], update_fields=sorted(fields)
        )
        LatestReport.objects.bulk_create(
            latest, update_conflicts=True, unique_fields=["health"], update_fields=["report"]
        )
        Report.objects.bulk_create(reports)
        StateChange.objects.bulk_create(changes)
    return outcomes


def _take(health: Health, entry: PendingReport, changes: list) -> set[str]:
    """Apply the report to its installation's Health row; returns the fields that changed,
    and adds the state change to `changes`, if any."""
    before = {"reasons": health.reasons, "product_version": health.product_version}
    before["hostname"] = health.hostname
    if change := health.change_state(entry.state, entry.reasons, entry.received_at):
        changes.append(change)
    health.last_report_at = entry.received_at
    health.product_version = entry.product_version
    health.hostname = entry.hostname
    changed = {name for name, value in before.items() if getattr(health, name) != value}
    changed.add("last_report_at")
    # The counts usually hold from one report to the next: compared here on the locked row,
    # they are written (and the grace alerts see them) only when they change.
    if tuple(getattr(health, name) for name in LICENSE_FIELDS) != entry.licenses:
        for name, value in zip(LICENSE_FIELDS, entry.licenses, strict=True):
            setattr(health, name, value)
        changed.update(LICENSE_FIELDS)
    return changed | {"state", "severity", "state_since"} if change else changed


def interval() -> float:
    """Seconds between two batches; 0: every report is stored before its answer."""
    return settings.LICENSEDESK_REPORT_FLUSH_SECONDS


class ReportWriter(ReportBuffer):
    """A web process's accepted reports (licensedesk/monitoring/buffer.py) and how a batch of
    them is stored."""

    def store(self, entries: list[PendingReport]) -> None:
        outcomes = store_reports(entries)
        for entry, (outcome, _) in zip(entries, outcomes, strict=True):
            if outcome == GONE and entry.token_digest:
                tokens.forget(entry.token_digest)


writer = ReportWriter()

# When this process last accepted a report of each installation (Health id).
_last_accepted: dict[int, datetime] = {}


def accept(entry: PendingReport) -> None:
    """Queue a report for the next batch, unless this process accepted one of the same
    installation less than MIN_REPORT_GAP ago (RateLimited) or its buffer takes no more
    (buffer.Unavailable)."""
    last = _last_accepted.get(entry.health_id)
    if last is not None and entry.received_at - last < MIN_REPORT_GAP:
        raise too_soon(last, entry.received_at)
    writer.submit(entry)  # Unavailable: refused, nothing remembered
    if len(_last_accepted) >= REMEMBERED:
        _last_accepted.clear()
    _last_accepted[entry.health_id] = entry.received_at


def too_soon(last_report_at: datetime, now: datetime) -> RateLimited:
    """The refusal of a report that came less than MIN_REPORT_GAP after the last one."""
    wait = (MIN_REPORT_GAP - (now - last_report_at)).total_seconds()
    return RateLimited(max(1, math.ceil(wait)))


def forget_accepted() -> None:
    _last_accepted.clear()


class NotStored(Exception):
    """The database refused the report (logged with its installation)."""
