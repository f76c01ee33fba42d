"""Fixtures for the API tests beyond the shared ones (tests/service/fixtures.py)."""

from tests.api.oauth_provider import oauth_provider  # noqa: F401 - fixture
