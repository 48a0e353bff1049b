"""Schemathesis over the bridge's OpenAPI schema, against a served paper node: no route
answers a server error, and none answers without a token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from bridge_node import BridgeNode, bridge_node
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from nautilus_options.bridge.app import openapi_schema

pytestmark = pytest.mark.slow

#: Routes that must answer without a token.
PUBLIC = {"/api/v1/auth/login", "/api/v1/auth/refresh"}
#: Actions left out of fuzzing with a trade token: the kill switch ends trading for the
#: other cases, and background backtests would load the machine (both are tested directly).
NOT_FUZZED = {("POST", "/api/v1/control/kill"), ("POST", "/api/v1/backtests/jobs")}
EXAMPLES = 15


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BridgeNode]:
    with bridge_node(tmp_path_factory.mktemp("bridge-schema")) as running:
        yield running


def fuzz(check: Callable[[schemathesis.Case], None]) -> int:
    """Run ``check`` on generated cases of every operation; return how many operations."""
    operations = [
        result.ok()
        for result in schemathesis.openapi.from_dict(openapi_schema()).get_all_operations()
    ]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def run(case: schemathesis.Case) -> None:
            check(case)

        run()
    return len(operations)


def test_no_route_answers_without_a_token(served: BridgeNode) -> None:
    base = served.url.removesuffix("/api/v1")

    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=base, headers={})
        if case.path in PUBLIC:
            assert response.status_code < 500, (case.method, case.path, response.text)
        else:
            assert response.status_code == 401, (case.method, case.path, response.text)

    assert fuzz(check) > 30


@pytest.mark.parametrize("scope", ["read", "trade"])
def test_no_server_error_with_a_token(served: BridgeNode, scope: str) -> None:
    base = served.url.removesuffix("/api/v1")
    headers = {"Authorization": f"Bearer {served.token(scope)}"}

    def check(case: schemathesis.Case) -> None:
        if (case.method.upper(), case.path) in NOT_FUZZED:
            return
        case.call_and_validate(base_url=base, headers=headers, checks=[not_a_server_error])

    assert fuzz(check) > 30
