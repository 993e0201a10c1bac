"""`{% license_row lic %}`: one row of the Licenses table.

Built as one string, every value passed through the standard library's `html.escape`:
the template engine, and even `format_html`, cost too much per row (docs/benchmarks.md)."""

from django import template
from django.utils.safestring import mark_safe

from licensedesk.core.markup import escaped, shortened, url
from licensedesk.core.templatetags.ld import care_badge

register = template.Library()

# data-label: the column's name, shown beside each value where a phone stacks the row.
_ROW = (
    '<tr>{}<td><a href="{}"><code>{}</code></a></td><td data-label="Product">{} {}</td>'
    '<td data-label="Customer">{}</td><td data-label="Description">{}</td>'
    '<td class="nowrap" data-label="Device licenses">{} of {}</td><td data-label="Groups">{}</td>'
    '<td class="nowrap" data-label="Care Plus">{}</td>'
    '<td class="nowrap" data-label="Care Premium">{}</td></tr>'
)
_TICK = '<td><input type="checkbox" name="license_ids" value="{}" aria-label="Select {}"{}></td>'
_UNSPECIFIED = mark_safe('<span class="muted">Unspecified</span>')  # noqa: S308 - a constant


@register.simple_tag
def license_row(lic, selectable=True, ticked=frozenset()):
    """The row, with a checkbox to select it if the user has a bulk action (`selectable`),
    ticked if its id is in `ticked`."""
    code = escaped(lic.code)
    tick = _TICK.format(lic.pk, code, " checked" if lic.pk in ticked else "") if selectable else ""
    customer = (
        f'<a href="{url("customers:detail", 0, lic.customer_id)}">{escaped(lic.customer.name)}</a>'
        if lic.customer_id
        else _UNSPECIFIED
    )
    groups = "".join(
        f'<a href="{url("groups:detail", 0, g.pk)}" class="badge">{escaped(g.name)}</a> '
        for g in lic.groups.all()  # prefetched (queries.with_list_details)
    )
    return mark_safe(  # noqa: S308 - every value above is escaped
        _ROW.format(
            tick,
            url("licenses:detail", "SLC", escaped(lic.code)),
            code,
            escaped(lic.product.name),
            escaped(lic.version.name),
            customer,
            escaped(shortened(lic.description, 80)),
            lic.devices_used,
            lic.device_licenses,
            groups,
            tier_cell(lic.care_plus),
            tier_cell(lic.care_premium),
        )
    )


def tier_cell(care) -> str:
    """One Care tier of a row (`care.tiers.TierCare`): its end date and status badge."""
    ends = f"{care.ends_on.isoformat()} " if care.ends_on else ""
    return (
        f'{ends}<span class="badge {care_badge(care.status)}">{escaped(care.status_label)}</span>'
    )


@register.simple_tag
def care_tiers(lic):
    """Care Plus and Care Premium of a license, one after the other (lists without a column
    per tier)."""
    return mark_safe(  # noqa: S308 - tier_cell escapes
        " ".join(
            f'<span class="nowrap">{escaped(care.label)}: {tier_cell(care)}</span>'
            for care in lic.care_tiers
        )
    )
