"""JSON bodies only as JSON: a body sent as text/plain or without a Content-Type is refused
with 415, not guessed at (a form or a mistaken client must not be read as JSON). Endpoints
that take another type (license requests) read their body themselves. Every string in a body
follows core/text.py: NUL and control characters refused (422), line ends normalized."""

from ninja.errors import ValidationError
from ninja.parser import Parser

from licensedesk.core import text
from licensedesk.core.errors import ServiceError


class UnsupportedMediaType(ServiceError):
    status = 415

    def __init__(self, content_type: str):
        super().__init__(
            f"Send this body as application/json, not {content_type or 'without a Content-Type'}.",
            code="unsupported_media_type",
        )


def is_json(content_type: str) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class JsonParser(Parser):
    def parse_body(self, request):
        if not is_json(request.content_type):
            raise UnsupportedMediaType(request.content_type)
        data = super().parse_body(request)
        found = text.first_problem(data)
        if found:  # one rule for every text of every body (core/text.py)
            path, message = found
            raise ValidationError(
                [{"loc": ["body", *path], "msg": f"Text {message}.", "type": "invalid_text"}]
            )
        return text.normalize_all(data)
