"""The API keeps its OpenAPI contract: schemathesis sends generated requests to every operation
of a live server (about 25 per operation, a fixed seed) and checks that none is a server error
and that every answer's status, content type and body are the documented ones. The server has
the demo companies' data; the run authorises itself as the administrator of a throwaway
company, so what its destructive calls change is that company's alone."""

import re
import uuid
from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import make_user
from licensedesk.accounts import tokens
from licensedesk.accounts.models import Organization, Role, User
from licensedesk.care.reminders import create_reminder
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.demo import create_demo_data, create_demo_licenses
from licensedesk.core.demo_monitoring import create_demo_monitoring
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.groups.services import create_group
from licensedesk.licenses import issuing, services
from licensedesk.licenses.models import License
from licensedesk.monitoring import tokens as monitoring_tokens
from licensedesk.monitoring.models import Health, Installation
from licensedesk.notifications import events
from licensedesk.notifications.services import create_profile

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
EXAMPLES = 25  # per operation
SEED = 2026
# Revoking the run's own token would turn every later request into a 401.
EXCLUDED = {"DELETE /api/v1/tokens/{token_id}"}


@dataclass
class Run:
    token: str  # the throwaway company's administrator's personal access token
    monitoring_token: str  # its installation's, for the status reports
    known: dict  # path parameter -> values that name the company's objects
    reporting: dict  # the same for the status reports


def throwaway_company() -> Run:
    """A company of its own with an object of every kind the API names in a path, and its
    administrator (whose own user is no path parameter: the run keeps its rights)."""
    org = Organization.objects.create(name="Contract Test Ltd", slug="contract", country="NL")
    admin = make_user(org, "admin@contract.example", Role.LICENSE_ADMIN, company_admin=True)
    member = make_user(org, "user@contract.example", Role.LICENSE_USER)
    product = Product.objects.get(code="C01")
    version = ProductVersion.objects.get(product=product, code="251")
    slcs = [
        lic.code
        for lic in issuing.issue(product=product, version=version, device_licenses=8, count=3)
    ]
    for slc in slcs:
        services.register(admin, slc, new_customer="Contract Customer")
    lic = License.objects.get(code=slcs[0])
    installation = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname="vms-ct")
    # Reports come from another installation: the run rotates and disables the first's token.
    reporting = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname="vms-rep")
    group = create_group(admin, name="Contract group", description="", slcs=slcs[:2])
    reminder = create_reminder(admin, {"scope": "all", "lead_times": [30]})
    profile = create_profile(
        admin, {"name": "On call", "events": [events.CARE_ENDING], "user_ids": [member.pk]}
    )
    _, secret = tokens.create_token(admin, "schemathesis")
    return Run(
        token=secret,
        monitoring_token=monitoring_tokens.issue_token(admin, reporting),
        reporting={"installation_id": [reporting.pk]},
        known={
            "slc": slcs,
            "installation_id": [installation.pk],
            "user_id": [member.pk],
            "customer_id": list(
                Customer.objects.filter(organization=org).values_list("pk", flat=True)
            ),
            "group_id": [group.pk],
            "reminder_id": [reminder.pk],
            "profile_id": [profile.pk],
        },
    )


@pytest.fixture
def contract_run(transactional_db) -> Run:
    create_demo_data()
    create_demo_licenses()
    create_demo_monitoring()
    return throwaway_company()


def operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()  # raises if the document has an invalid operation
        if operation.label not in EXCLUDED:
            yield operation


def cases_for(operation, known: dict):
    """Valid and invalid requests, and valid ones about the throwaway company's objects (a
    generated id is nearly always a 404)."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = re.findall(r"{(\w+)}", operation.path)
    if names and all(name in known for name in names):
        real = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})
        strategies.append(
            real.flatmap(lambda params: operation.as_strategy(path_parameters=params))
        )
    return st.one_of(strategies)


def failures_of(operation, base_url: str, run: Run) -> str | None:
    """Run the examples of one operation; the failure, if any. (schemathesis's pytest plugin,
    `from_fixture(...).parametrize()`, fails on pytest 9.2: its operations' strategies do
    the same with Hypothesis directly.)"""
    if operation.path.endswith("/status"):
        cases, token = cases_for(operation, run.reporting), run.monitoring_token
    else:
        cases, token = cases_for(operation, run.known), run.token

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.generate],  # the first failure, not shrunk: a faster report
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(cases)
    def check(case):
        case.call_and_validate(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )

    try:
        check()
    except Exception as exc:  # a check's failure (or several): reported with the others
        return f"{operation.label}: {exc}"
    return None


def other_companies() -> dict:
    """What the demo companies have, to show that the run changed none of it."""
    others = Organization.objects.exclude(slug="contract")
    rows = {
        User: ("organization__in", "is_active", "role", "email"),
        License: ("organization__in", "customer_id", "description"),
        Customer: ("organization__in", "name"),
        LicenseGroup: ("organization__in", "name"),
        Health: ("installation__license__organization__in", "enabled", "token_digest"),
    }
    return {
        model.__name__: list(
            model.objects.filter(**{scope: others}).order_by("pk").values_list("pk", *fields)
        )
        for model, (scope, *fields) in rows.items()
    }


@pytest.mark.slow
def test_the_api_keeps_its_contract(live_server, contract_run):
    before = other_companies()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    found = [
        failure
        for operation in operations(schema)
        if (failure := failures_of(operation, live_server.url, contract_run))
    ]
    assert not found, "\n\n".join(found)
    assert other_companies() == before
