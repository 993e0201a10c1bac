from django.conf import settings


def client_ip(request) -> str:
    """The caller's address. X-Forwarded-For is believed only for the proxies we were told of,
    so a spoofed header cannot dodge rate limits."""
    hops = settings.PROXY_HOPS
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
