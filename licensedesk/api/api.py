from ninja import NinjaAPI

from licensedesk.api import openapi, problems
from licensedesk.api.auth import ActiveSessionAuth, TokenAuth
from licensedesk.api.parser import JsonParser
from licensedesk.exports import api as exports_api
from licensedesk.monitoring import intake


class API(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema of the API's operations and of the status reports' plain view, errors
        and components completed (api/openapi.py)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = openapi.Document(self, path_prefix)
        intake.document(schema)
        exports_api.document(schema)
        return openapi.finish(schema)


api = API(
    title="licensedesk API",
    version="1",
    description=(
        "Authenticate with `Authorization: Bearer <personal access token>` (create one under "
        "Profile → Access tokens) or with the browser session. Errors are RFC 9457 problem "
        "details. Lists take `limit` and `offset` and answer `{items, count}`."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    parser=JsonParser(),
    urls_namespace="api",
)
problems.install(api)

# Each app contributes its own router.
from licensedesk.accounts.api import router as accounts_router  # noqa: E402
from licensedesk.activation.api import router as activation_router  # noqa: E402
from licensedesk.audit.api import router as audit_router  # noqa: E402
from licensedesk.customers.api import router as customers_router  # noqa: E402
from licensedesk.exports.api import router as exports_router  # noqa: E402
from licensedesk.groups.api import router as groups_router  # noqa: E402
from licensedesk.licenses.api import router as licenses_router  # noqa: E402
from licensedesk.monitoring.api import router as monitoring_router  # noqa: E402
from licensedesk.notifications.api import router as notifications_router  # noqa: E402

api.add_router("/", monitoring_router)
api.add_router("/", activation_router)  # then online activations: fewer routes to walk past
api.add_router("/", accounts_router)
api.add_router("/", exports_router)  # before the lists: `licenses/export` is no SLC
api.add_router("/audit-events", audit_router)
api.add_router("/customers", customers_router)
api.add_router("/licenses", licenses_router)
api.add_router("/license-groups", groups_router)
api.add_router("/", notifications_router)
