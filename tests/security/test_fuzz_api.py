"""Fuzzing the JSON API from its own OpenAPI document (schemathesis, in-process WSGI).

Every operation registered when the test runs is exercised with a fixed budget as a
coordinator: no answer may be a 5xx, and a documented response must match its schema.
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

# A fixed budget of generated requests shared by the operations registered at run time,
# so the test stays well under a minute as other areas add endpoints.
BUDGET = 500
MAX_EXAMPLES, MIN_EXAMPLES = 30, 5
CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzz(operation, headers: dict[str, str], statuses: Counter[int], examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    run()


def test_api_answers_every_generated_request_without_5xx_and_as_documented(
        app, make_user) -> None:
    _, token = make_user("coordinator")
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, labels, statuses = [], [], Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, BUDGET // max(len(operations), 1)))
    for operation in operations:
        labels.append(operation.label)
        try:
            _fuzz(operation, headers, statuses, examples)
        except Exception as exc:  # collect all operations' failures, not just the first
            failures.append(f"{operation.label}: {str(exc)[:2000]}")
    assert labels, "the OpenAPI document lists no operations"
    # The generated requests reach the views (not only auth and validation refusals).
    assert sum(n for status, n in statuses.items() if status < 300) > 0, statuses
    assert failures == [], "\n\n".join(failures)
