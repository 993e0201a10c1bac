"""`{% license_row lic %}`: one row of the Licenses table.

Built with format_html (every value escaped) rather than template markup: rendering the
same row through the template engine, a `{% url %}` and a dozen variables per row, was most
of the time of a 100-row page (docs/benchmarks.md)."""

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from licensedesk.care import status as care_status
from licensedesk.core.templatetags.ld import care_badge

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


@register.simple_tag
def license_row(lic):
    status = lic.care_status
    return format_html(
        _ROW,
        lic.pk,
        lic.code,
        _url("licenses:detail", "SLC", lic.code),
        lic.code,
        lic.product.name,
        lic.version.name,
        format_html(
            '<a href="{}">{}</a>',
            _url("customers:detail", 0, lic.customer_id),
            lic.customer.name,
        )
        if lic.customer_id
        else _UNSPECIFIED,
        Truncator(lic.description).chars(80),
        lic.devices_used,
        lic.device_licenses,
        format_html_join(
            "",
            '<a href="{}" class="badge">{}</a> ',
            ((_url("groups:detail", 0, g.pk), g.name) for g in lic.groups.all()),
        ),
        format_html("{} · {} ", lic.care_level, lic.care_ends_on.isoformat())
        if lic.care_ends_on
        else "",
        care_badge(status),
        care_status.LABELS[status],
    )
