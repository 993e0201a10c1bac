"""`{% license_row lic %}`: one row of the Licenses table.

Built as one string, every value passed through the standard library's `html.escape`, rather
than template markup: rendering the same row through the template engine, a `{% url %}` and
a dozen variables per row, was most of the time of a 100-row page, and `format_html`'s
per-value machinery still a quarter of a 25-row page (docs/benchmarks.md)."""

from functools import cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from licensedesk.care import status as care_status
from licensedesk.core.templatetags.ld import care_badge
from licensedesk.licenses.queries import groups_listed

register = template.Library()

_ROW = (
    '<tr><td><input type="checkbox" name="license_ids" value="{}" aria-label="Select {}"></td>'
    '<td><a href="{}"><code>{}</code></a></td><td>{} {}</td><td>{}</td><td>{}</td>'
    '<td class="nowrap">{} of {}</td><td>{}</td>'
    '<td class="nowrap">{}<span class="badge {}">{}</span></td></tr>'
)
_UNSPECIFIED = mark_safe('<span class="muted">Unspecified</span>')  # noqa: S308 - a constant


@cache
def _link(name: str, placeholder) -> tuple[str, str]:
    """(prefix, suffix) of the URL `name` around its one argument, reversed once."""
    prefix, _, suffix = reverse(name, args=[placeholder]).rpartition(str(placeholder))
    return prefix, suffix


def _url(name: str, placeholder, value) -> str:
    prefix, suffix = _link(name, placeholder)
    return f"{prefix}{value}{suffix}"


def _shortened(text: str, limit: int = 80) -> str:
    """At most `limit` characters, the last one "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _e(value) -> str:
    return escape(str(value), quote=True)


@register.simple_tag
def license_row(lic):
    status = lic.care_status
    code = _e(lic.code)
    customer = (
        f'<a href="{_url("customers:detail", 0, lic.customer_id)}">{_e(lic.customer.name)}</a>'
        if lic.customer_id
        else _UNSPECIFIED
    )
    groups = "".join(
        f'<a href="{_url("groups:detail", 0, g.pk)}" class="badge">{_e(g.name)}</a> '
        for g in groups_listed(lic)
    )
    care = f"{_e(lic.care_level)} · {lic.care_ends_on.isoformat()} " if lic.care_ends_on else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        _ROW.format(
            lic.pk,
            code,
            _url("licenses:detail", "SLC", _e(lic.code)),
            code,
            _e(lic.product.name),
            _e(lic.version.name),
            customer,
            _e(_shortened(lic.description)),
            lic.devices_used,
            lic.device_licenses,
            groups,
            care,
            care_badge(status),
            care_status.LABELS[status],
        )
    )
