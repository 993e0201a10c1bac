from django.shortcuts import render

from licensedesk.core.ratelimit import RateLimited


def too_many_requests(request, exc: RateLimited):
    response = render(request, "429.html", {"retry_after": exc.retry_after}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
