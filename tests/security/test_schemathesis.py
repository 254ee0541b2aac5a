"""The property-based API tester (issue 20, item 9): Schemathesis reads the live OpenAPI schema from
/api/schema/ and sends every operation generated requests, valid and invalid, with the demo data
seeded and a token issued to a demo leader by the management command. It fails on any 5xx, any status
code or body the schema does not describe, and any answer under /api/ that is not JSON.

Bounded: MAX_EXAMPLES requests per operation, derandomised (the same cases every run, so a failure
reproduces), no deadline per example; the whole run takes well under a few minutes.
"""

import io
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mocua.wsgi import application

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


def json_under_api(ctx, response, case) -> bool | None:
    """Every answer under /api/ is JSON, errors included."""
    found = [value for key, value in response.headers.items() if key.lower() == "content-type"]
    content_type = (found[0][0] if isinstance(found[0], list) else found[0]) if found else ""
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{case.method} {case.formatted_path} answered {response.status_code} "
                             f"as {content_type!r}, not JSON")
    return True


def not_a_server_error(ctx, response, case) -> bool | None:
    if response.status_code >= 500:
        raise AssertionError(f"{case.method} {case.formatted_path} answered {response.status_code}: "
                             f"{response.text[:500]}")
    return True


CHECKS_RUN = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
              json_under_api]


# Loaded once, at collection: generating the schema reads no database, and each operation becomes a test.
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())}


@pytest.fixture(scope="module")
def demo_token(django_db_setup, django_db_blocker):
    """The demo data (seed_demo) and a token the management command issues to a demo leader, once for
    the module, in a transaction rolled back at its end (each test's own nests inside it)."""
    # The WSGI application closes "old" connections when a request starts and ends, which inside a
    # test's transaction means the test's own; Django's test client disconnects the same handlers.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            out = io.StringIO()
            call_command("drf_create_token", "lanhdao.hacthanh", stdout=out)
            token = Token.objects.get(user__username="lanhdao.hacthanh").key
            assert token in out.getvalue()
            yield token
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_answers_as_its_schema_says(demo_token, db, label, mode):
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {demo_token}"}, checks=CHECKS_RUN)

    run()


def test_the_checks_exist():
    """The built-in checks this run names are Schemathesis's own (a rename would silently drop one)."""
    names = {check.__name__ for check in CHECKS.get_all()}
    assert {"status_code_conformance", "content_type_conformance", "response_schema_conformance"} <= names
