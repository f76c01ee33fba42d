"""The one place that reads ``SLEEVE_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLEEVE_", extra="ignore")

    database_url: str = "sqlite:///./sleeve-data/sleeve.db"
    storage_url: str = "file://./sleeve-data/blobs"
    queue: str = Field(default="local", pattern="^(local|celery)$")
    broker_url: str = "redis://127.0.0.1:6379/0"
    engine: str = "procedural"
    concurrency: int = Field(default=2, ge=1, le=64)
    job_timeout_s: float = Field(default=600.0, gt=0)
    secret_key: SecretStr = SecretStr("")
    # Fonts: an extra directory searched before the system font directories.
    font_dir: str | None = None
    # Optional OpenAI-compatible art direction.
    llm_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 10.0
    # Diffusion engine.
    sdxl_model: str | None = None
    sdxl_refiner: str | None = None
    slack_webhook_url: SecretStr | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
