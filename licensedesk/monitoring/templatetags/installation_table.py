"""`{% installation_row installation %}`: one row of the Installations table, built as one
string with every value escaped (as `{% license_row %}` is): rendered through the template
engine, with two `{% url %}` tags and `timesince` per row, the rows cost more than the rest
of the page (docs/benchmarks.md)."""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from licensedesk.core.markup import escaped, shortened, url
from licensedesk.monitoring.device_licenses import DeviceLicenses, time_until

register = template.Library()

# data-label: the column's name, shown beside each value where a phone stacks the row.
_ROW = (
    '<tr><td>{}</td><td><a href="{}">{}</a>{}</td><td data-label="Customer">{}</td>'
    '<td data-label="License"><a href="{}"><code>{}</code></a></td>'
    '<td data-label="Version">{}</td><td class="nowrap" data-label="Last report">{}</td>'
    '<td data-label="Why"><small>{}</small></td></tr>'
)
_NOT_MONITORED = '<span class="badge muted">Not monitored</span>'


@register.simple_tag
def installation_row(installation, now=None):
    now = now or timezone.now()
    health = getattr(installation, "health", None)
    lic = installation.license
    if health is not None:
        label = escaped(health.get_state_display())
        state = f'<span class="badge state {escaped(health.state)}">{label}</span>'
        # The name the partner knows (from the activation, or given by hand) stays; the
        # host the installation reports as is shown beside it when it differs.
        host = installation.hostname or health.hostname or installation.uuid
        reported_as = health.hostname if health.hostname != host else ""
        version = health.product_version or installation.product_version
        reported = f"{timesince(health.last_report_at)} ago" if health.last_report_at else "—"
        why = shortened("; ".join(str(r) for r in health.reasons or []), 120)
    else:
        state, reported, why = _NOT_MONITORED, "—", ""
        host, reported_as = installation.hostname or installation.uuid, ""
        version = installation.product_version
    return mark_safe(  # noqa: S308 - every value above is escaped
        _ROW.format(
            state + _maintenance(installation, now) + _device_licenses(health, now),
            url("monitoring:detail", 0, installation.pk),
            escaped(host),
            _reported_as(reported_as),
            escaped(lic.customer.name if lic.customer_id else "Unspecified"),
            url("licenses:detail", "SLC", escaped(lic.code)),
            escaped(lic.code),
            escaped(version),
            escaped(reported),
            escaped(why),
        )
    )


def _reported_as(hostname: str) -> str:
    if not hostname:
        return ""
    return f'<br><small class="muted">reports as {escaped(hostname)}</small>'


def _maintenance(installation, now) -> str:
    """ "In maintenance until …" (alerts paused), or the window planned; "" without one."""
    window = getattr(installation, "maintenance", None)
    if window is None or window.is_over(now):
        return ""
    if window.is_on(now):
        until = window.ends_at.strftime("%Y-%m-%d %H:%M")
        return f'<br><span class="badge warn">In maintenance until {until} UTC</span>'
    starts = window.starts_at.strftime("%Y-%m-%d %H:%M")
    return f'<br><small class="muted">Maintenance from {starts} UTC</small>'


def _device_licenses(health, now) -> str:
    """Badges for devices in grace (and how soon they stop), expired, no changes left."""
    found = DeviceLicenses.of(health, now)
    if found is None or not found.needs_activation:
        return ""
    badges = []
    if found.in_grace:
        soon = found.grace_ends_at - now
        when = f", stop in {time_until(soon)}" if soon.total_seconds() > 0 else ""
        badges.append(f'<span class="badge warn">{found.in_grace} in grace{when}</span>')
    if found.grace_expired:
        badges.append(f'<span class="badge bad">{found.grace_expired} grace expired</span>')
    if found.no_changes_left:
        badges.append('<span class="badge warn">No changes left</span>')
    return "<br>" + " ".join(badges)
