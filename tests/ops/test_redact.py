"""What an operator may see of a URL or a setting: never the password."""

from __future__ import annotations

import pytest

from sleeve.ops.redact import is_secret, mask_url, where


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://sleeve:hunter2@db:5432/s", "postgresql+psycopg://sleeve:***@db:5432/s"),
    ("redis://:p%40ss@cache:6379/0", "redis://:***@cache:6379/0"),
    ("amqp://guest:guest@mq//", "amqp://guest:***@mq//"),
    ("sqlite:///./sleeve-data/sleeve.db", "sqlite:///./sleeve-data/sleeve.db"),
    ("s3://bucket/prefix", "s3://bucket/prefix"),
    ("http://[::1", "***"),
])
def test_mask_url_hides_only_the_password(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_where_names_host_and_port() -> None:
    assert where("postgresql+psycopg://u:p@10.0.0.5:5433/db") == "10.0.0.5:5433"
    assert where("redis://cache/0") == "cache"


def test_secret_settings_are_the_secret_typed_ones() -> None:
    assert is_secret("llm_api_key") and is_secret("slack_webhook_url")
    assert is_secret("secret_key") and is_secret("oauth_providers")
    assert not is_secret("database_url") and not is_secret("queue")
