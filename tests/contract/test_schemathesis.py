"""Issue 9.9: schemathesis over every operation, in-process against the WSGI app, positive and negative
data, bounded examples: no 5xx, and every response matches the status and schema documented for it."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from accounts.services.tokens import token_issue
from mudsite.api import api
from mudsite.wsgi import application

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
# The SSE stream is endless by design (tests/world/api has its own); schemathesis can only wait on it.
schema = schema.exclude(path_regex=r"/play/stream$")
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# The coverage phase's seven unexpected-method probes per operation were a third of the run; the 405
# envelope has its own tests (tests/world/api/test_http_limits.py), so the contract run keeps to the documented methods.
schema.config.phases.coverage.unexpected_methods = set()

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The raw WSGI app closes the database connection after each request; the test's transaction lives
    on it. Django's own test client disconnects the same receiver."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def bearer(tiny_world) -> dict[str, str]:
    account = tiny_world.player.account
    account.is_staff = True
    account.save(update_fields=["is_staff"])
    return {"Authorization": f"Bearer {token_issue(user=account)}"}


# ~60 s for 119 operations at 2 examples each on the loaded 2-core box: marked slow.
@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case, bearer):
    if "world" in (case.path_parameters or {}):
        case.path_parameters["world"] = "tiny"
    if isinstance(case.query, dict) and "wait" in case.query:
        case.query["wait"] = 0  # the long poll's wait is the clock, not the contract
    response = case.call(app=application, headers=bearer)
    case.validate_response(response, checks=CHECKS)
