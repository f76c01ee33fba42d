"""The OpenAPI document tells the truth: schemathesis generates requests from it (valid and
invalid) and runs every check it has against the real app on PostgreSQL, authenticated — no
5xx, only documented status codes, content types, headers and response schemas, invalid data
refused, valid data accepted, auth enforced where documented (``tests/api/fuzzing.py``).

Bounded: up to ``MAX_EXAMPLES`` cases per operation and mode, over 2,000 in all (under a
minute on two idle cores); ``bench/fuzz.py`` runs longer.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.fuzzing import fuzz

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 35


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_api_conforms_to_its_openapi_document(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    # No workers: generated jobs are stored, not rendered.
    client, auth = idle_client
    report = fuzz(client, auth, MAX_EXAMPLES)
    assert report.operations > 20
    assert not report.failures, "\n\n".join(report.failures)
    assert report.cases >= 2000, report.cases  # "a few thousand"
