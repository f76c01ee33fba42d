"""Fixtures shared across test packages: the databases (SQLite and PostgreSQL), settings over
them, and API clients. Defined in tests/service/fixtures.py."""

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
