from tests.service.fixtures import (  # noqa: F401 - fixtures
    auth,
    client,
    database_url,
    make_client,
    make_settings,
    settings,
)
