"""Fixtures shared across test packages: the databases (SQLite and PostgreSQL), settings over
them, and API clients. Defined in tests/service/fixtures.py."""

import pytest

from tests.service.fixtures import (  # noqa: F401 - fixtures
    auth,
    celery_broker,
    client,
    database_url,
    make_client,
    make_settings,
    own_database,
    settings,
)
from tests.service.s3 import s3_server  # noqa: F401 - fixture


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first (stable otherwise): under ``-n auto`` they start at once, side by side
    with the short ones, instead of being dealt out last and leaving the suite waiting."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
