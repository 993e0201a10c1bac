"""A status report, from its checked token to the writer: the state it means by the company's
thresholds, then queued for the next batch (or stored before the answer with
LICENSEDESK_REPORT_FLUSH_MS=0)."""

from django.utils import timezone

from licensedesk.monitoring import tokens, writer
from licensedesk.monitoring.reports import StatusReport, derive_state
from licensedesk.monitoring.thresholds import thresholds_for


def receive(reporter: tokens.Reporter, report: StatusReport, now=None) -> str:
    """Take a validated report of `reporter`'s installation; returns its state. Raises
    RateLimited (too soon after the installation's last report), TokenGone (monitoring
    turned off or the token replaced since it was looked up) or NotStored."""
    now = now or timezone.now()
    state, reasons = derive_state(report, thresholds_for(reporter.organization_id))
    entry = writer.PendingReport.of(reporter, report, state, reasons, now)
    if writer.interval():
        writer.accept(entry)
        return state
    [(outcome, last_report_at)] = writer.store_reports([entry])
    if outcome == writer.GONE:
        if reporter.token_digest:
            tokens.forget(reporter.token_digest)
        raise tokens.TokenGone
    if outcome == writer.TOO_SOON:
        raise writer.too_soon(last_report_at, now)
    if outcome == writer.FAILED:
        raise writer.NotStored
    return state
