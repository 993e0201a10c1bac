class ServiceError(Exception):
    """A business rule said no. Views show `message`; the API answers a problem detail with
    `status` and the stable `code`."""

    status = 400

    def __init__(self, message: str, code: str = "invalid", field: str | None = None, status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404

    def __init__(self, message="Not found.", code="not_found", field=None):
        super().__init__(message, code, field)
