from licensedesk.api.problems import problem


class MethodNotAllowedProblemMiddleware:
    """django-ninja answers an unsupported method with a bare 405; API clients get a problem
    detail like every other error (RFC 9457), with the Allow header kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path_info.startswith("/api/")
            and response.get("Content-Type", "") != "application/problem+json"
        ):
            allowed = response.get("Allow", "")
            response = problem(
                request,
                405,
                f"This endpoint answers {allowed or 'other methods'}.",
                "method_not_allowed",
            )
            if allowed:
                response["Allow"] = allowed
        return response
