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
    # Where the weights run: auto picks cuda, then mps, then cpu.
    sdxl_device: str = Field(default="auto", pattern="^(auto|cuda|mps|cpu)$")
    # auto: fp16 on cuda/mps, fp32 on cpu (CPU half precision is slow and lossy).
    sdxl_dtype: str = Field(default="auto", pattern="^(auto|fp16|bf16|fp32)$")
    sdxl_scheduler: str = "dpmpp-2m-karras"
    sdxl_steps: int = Field(default=30, ge=1, le=150)
    sdxl_guidance: float = Field(default=6.0, ge=0.0, le=30.0)
    # Artwork is rendered at this square size, then upscaled to the cover size.
    sdxl_resolution: int = Field(default=1024, ge=64, le=2048)
    sdxl_compile: bool = False
    # VAE tiling/slicing: decode a 1024² latent in pieces so it fits small GPUs.
    sdxl_vae_tiling: bool = True
    # Fast paths (1–4 steps): an LCM-LoRA file/directory for the base model, or a Turbo model.
    sdxl_lcm_lora: str | None = None
    sdxl_turbo: bool = False
    # lanczos: resample + unsharp; tiled-img2img: also redraw detail tile by tile with SDXL.
    sdxl_upscale: str = Field(default="lanczos", pattern="^(lanczos|tiled-img2img)$")
    # Hub ids are only read from the local Hugging Face cache unless this is set.
    sdxl_allow_download: bool = False
    llm_retries: int = Field(default=2, ge=0, le=10)
    # The LLM circuit opens after this many failed calls in a row and stays open for cooldown.
    llm_breaker_failures: int = Field(default=3, ge=1)
    llm_breaker_cooldown_s: float = Field(default=60.0, gt=0)
    slack_webhook_url: SecretStr | None = None
    # Promoted fine-tunes (LoRA weights) are copied here from the blob store before use:
    # diffusers loads weights from a local path.
    model_cache_dir: str = "./sleeve-data/models"
    # Service (HTTP API, jobs, accounts).
    # Run the embedded queue's worker threads inside `sleeve serve`; off for an API-only process
    # whose jobs are run elsewhere (another process with workers, or the benchmark).
    embedded_worker: bool = True
    # A running job whose heartbeat is older than this is assumed dead and queued again.
    job_lease_s: float = Field(default=30.0, gt=0)
    job_poll_s: float = Field(default=1.0, gt=0)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    rate_limit_jobs_per_minute: int = Field(default=30, ge=1)
    session_cookie: str = "sleeve_session"
    session_max_age_s: int = Field(default=14 * 24 * 3600, ge=60)
    # Secure cookies need HTTPS; off for the embedded default on http://127.0.0.1.
    cookie_secure: bool = False
    # Public base URL (for OAuth redirect URIs behind a proxy); empty: taken from the request.
    public_url: str = ""
    # OAuth2/OIDC providers as JSON: {"kakao": {"client_id": ..., "client_secret": ...,
    # "authorize_url": ..., "token_url": ..., "userinfo_url": ..., "scope": ...,
    # "subject_key": "id", "email_key": "kakao_account.email"}}. See docs/oauth.md.
    oauth_providers: SecretStr = SecretStr("{}")
    log_level: str = "INFO"
    # Prefix for the Celery queue names (`cpu`, `gpu`), to share one broker between deployments.
    celery_queue_prefix: str = ""
    # `sleeve worker` serves its own /metrics (render seconds) on this port when set.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
