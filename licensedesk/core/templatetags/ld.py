from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, label, key):
    """A column header (the whole <th>) that sorts by `key`, and reverses when already sorted
    by it; `aria-sort` tells screen readers which column the table is sorted by."""
    request = context["request"]
    current = request.GET.get("ordering") or context.get("ordering", "")
    params = request.GET.copy()
    params.pop("page", None)
    sort, arrow = "", ""
    if current == key:
        params["ordering"], sort, arrow = f"-{key}", "ascending", "▲"
    elif current == f"-{key}":
        params["ordering"], sort, arrow = key, "descending", "▼"
    else:
        params["ordering"] = key
    if not sort:
        return format_html('<th><a href="?{}">{}</a></th>', params.urlencode(), label)
    return format_html(
        '<th aria-sort="{}"><a href="?{}">{} <span aria-hidden="true">{}</span></a></th>',
        sort,
        params.urlencode(),
        label,
        arrow,
    )


@register.filter
def care_badge(status):
    return {"active": "ok", "ending": "warn", "expired": "bad"}.get(status, "muted")


@register.filter
def duration(seconds):
    """12345678 -> "142 d 21 h": an uptime people can read."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min"
