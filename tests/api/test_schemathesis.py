"""The OpenAPI document tells the truth: schemathesis generates requests from it (valid and
invalid) and runs every check it has against the real app on PostgreSQL — no 5xx, only
documented status codes, content types, headers and response schemas, invalid data refused,
valid data accepted, auth enforced where documented.

Bounded: a few examples per operation and mode (about a minute in all).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

MAX_EXAMPLES = 10
# The document's own format: text printed on a cover (something visible, in scripts the
# server's fonts draw; the document says so, no regex can).
schemathesis.openapi.format("cover-text", st.from_regex(
    r"[A-Za-z0-9가-힣ぁ-ん][A-Za-z0-9 가-힣ぁ-ん'&.,!?-]{0,30}", fullmatch=True))


def _check(operation: Any, mode: GenerationMode, auth: dict[str, str],
           fixed: dict[str, Any]) -> None:
    # The credentials are fixed in the case (so no invalid case is made valid behind the
    # generator's back) and given explicitly at the call (so the auth checks know them valid).
    @given(case=operation.as_strategy(generation_mode=mode, headers=auth, **fixed))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers=auth)

    run()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_api_conforms_to_its_openapi_document(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    # No workers: generated jobs are stored, not rendered.
    client, auth = idle_client
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    # A cursor is only valid when the server signed it, which no schema can say: valid
    # requests carry one the server made (invalid ones still get anything).
    cursors = client.app.state.services.cursors  # type: ignore[attr-defined]
    valid_cursor = {"/v1/gallery": cursors.encode([5.0, 1, "f" * 32]),
                    "/v1/me/covers": cursors.encode(["2999-01-01T00:00:00+00:00", "f" * 32])}
    failures = []
    # Logging in sets a session cookie that the transport keeps (and that would then
    # authenticate requests meant to be anonymous); logging out revokes the token every other
    # operation is called with. Both go last.
    last = ("/v1/auth/login", "/v1/auth/logout")
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda operation: last.index(operation.path)
                        if operation.path in last else -1)
    assert len(operations) > 20
    for operation in operations:
        takes_input = bool(operation.path_parameters or operation.query or operation.headers
                           or operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.NEGATIVE and not takes_input:
                continue  # nothing to get wrong
            fixed = {}
            if mode is GenerationMode.POSITIVE and operation.path in valid_cursor:
                fixed["query"] = {"cursor": valid_cursor[operation.path]}
            try:
                _check(operation, mode, auth, fixed)
            except Unsatisfiable:
                # Its only input is the (fixed) credentials: nothing left to get wrong.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # try all; report every failure
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
