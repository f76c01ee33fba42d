"""The one place that reads ``SLEEVE_*`` environment variables."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "SLEEVE_"
# Read from the working directory, like pydantic-settings does.
ENV_FILE = ".env"
Source = Literal["default", "environment", ".env"]


class Settings(BaseSettings):
    # The environment wins over a `.env` file in the working directory (`sleeve config show`
    # tells which one each setting came from).
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, extra="ignore", env_file=ENV_FILE, env_file_encoding="utf-8"
    )

    database_url: str = "sqlite:///./sleeve-data/sleeve.db"
    storage_url: str = "file://./sleeve-data/blobs"
    # fsspec options for the store as a JSON object, e.g. for s3:// on MinIO or another
    # S3-compatible server: {"endpoint_url": "http://minio:9000", "key": "...", "secret": "..."}.
    # Empty: the provider's usual credentials (AWS_* variables, instance roles).
    storage_options: SecretStr = SecretStr("{}")
    queue: str = Field(default="local", pattern="^(local|celery)$")
    broker_url: str = "redis://127.0.0.1:6379/0"
    engine: str = "procedural"
    concurrency: int = Field(default=2, ge=1, le=64)
    job_timeout_s: float = Field(default=600.0, gt=0)
    # Motion loops are drawn at this fraction of their preset's size: 1 for release; less
    # for a quick draft on a small machine (and in tests).
    motion_scale: float = Field(default=1.0, ge=0.05, le=1.0)
    secret_key: SecretStr = SecretStr("")
    # Fonts: an extra directory searched before the system font directories.
    font_dir: str | None = None
    # Off: only SLEEVE_FONT_DIR is searched (a container or test that ships its own fonts).
    system_fonts: bool = True
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
    # No CUDA graphs by default: graphs recorded in one worker thread break in another
    # (PyTorch #123177), and max-autotune's graphs would be used from every job thread.
    sdxl_compile_mode: str = Field(default="max-autotune-no-cudagraphs",
                                   pattern="^(default|max-autotune-no-cudagraphs)$")
    # A replacement VAE (e.g. madebyollin/sdxl-vae-fp16-fix): decodes in fp16, no fp32 upcast.
    sdxl_vae: str | None = None
    # none: all weights on the GPU; model: one model at a time (12–16 GB cards); sequential:
    # layer by layer (slowest, smallest). Unset: chosen from free GPU memory at load.
    sdxl_offload: str | None = Field(default=None, pattern="^(none|model|sequential)$")
    # VAE tiling/slicing: decode a 1024² latent in pieces so it fits small GPUs.
    sdxl_vae_tiling: bool = True
    # Fast paths (1–4 steps): an LCM-LoRA file/directory for the base model, or a Turbo model.
    sdxl_lcm_lora: str | None = None
    sdxl_turbo: bool = False
    # lanczos: resample + unsharp; tiled-img2img: also redraw detail tile by tile with SDXL.
    sdxl_upscale: str = Field(default="lanczos", pattern="^(lanczos|tiled-img2img)$")
    # Hub ids are only read from the local Hugging Face cache unless this is set.
    sdxl_allow_download: bool = False
    # A learned ×4 upscaler (a diffusers StableDiffusionUpscalePipeline directory or cached hub
    # id, e.g. stabilityai/stable-diffusion-x4-upscaler), run in overlapping tiles; unset:
    # Lanczos (SLEEVE_SDXL_UPSCALE).
    upscaler_model: str | None = None
    upscaler_steps: int = Field(default=20, ge=1, le=100)
    llm_retries: int = Field(default=2, ge=0, le=10)
    # The LLM circuit opens after this many failed calls in a row and stays open for cooldown.
    llm_breaker_failures: int = Field(default=3, ge=1)
    llm_breaker_cooldown_s: float = Field(default=60.0, gt=0)
    slack_webhook_url: SecretStr | None = None
    # Retries on 429 (after Retry-After) and 5xx / connection errors (exponential backoff).
    slack_retries: int = Field(default=3, ge=0, le=10)
    slack_backoff_s: float = Field(default=0.5, ge=0)
    # Scheduled tasks (crontab, UTC), run inside `sleeve serve` or by Celery beat.
    scheduler_enabled: bool = True
    report_cron: str = "0 8 * * mon"
    # The weekly retrain of the style policy and LoRA, and the daily rating-drop check (UTC).
    retrain_cron: str = "0 3 * * mon"
    drop_check_cron: str = "0 4 * * *"
    # Promoted fine-tunes (LoRA weights) are copied here from the blob store before use:
    # diffusers loads weights from a local path.
    model_cache_dir: str = "./sleeve-data/models"
    # Service (HTTP API, jobs, accounts).
    # Run the embedded queue's worker processes beside `sleeve serve`; off for an API-only process
    # whose jobs are run elsewhere (another process with workers, or the benchmark).
    embedded_worker: bool = True
    # Niceness of the embedded queue's worker processes: renders yield the CPU to the API.
    worker_nice: int = Field(default=10, ge=0, le=19)
    # How long a request for an image variant (another size or format) waits for the worker
    # that makes it before answering 202 with Retry-After.
    variant_wait_s: float = Field(default=10.0, ge=0, le=60)
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
    # Any case is accepted and kept upper-case, the spelling logging.setLevel() takes.
    log_level: Annotated[str, Field(pattern="^(?i:debug|info|warning|error|critical)$"),
                         AfterValidator(str.upper)] = "INFO"
    # auto: readable lines when stderr is a terminal, JSON lines otherwise.
    log_format: str = Field(default="auto", pattern="^(auto|json|text)$")
    # Prefix for the Celery queue names (`cpu`, `gpu`), to share one broker between deployments.
    celery_queue_prefix: str = ""
    # Where Celery keeps task results (dataset chords need them); empty: the broker, if Redis.
    celery_result_backend: str = ""
    # Learning from ratings (docs/learning.md): the style policy's share of uniform
    # exploration, the LoRA canary, the rating-drop trigger and LoRA training.
    policy_floor: float = Field(default=0.1, ge=0.0, le=1.0)
    canary_share: float = Field(default=0.1, ge=0.0, le=1.0)
    canary_min_ratings: int = Field(default=50, ge=1)
    canary_confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    drop_threshold: float = Field(default=0.5, gt=0.0)
    drop_min_ratings: int = Field(default=30, ge=1)
    drop_recent_days: int = Field(default=7, ge=1)
    drop_baseline_days: int = Field(default=28, ge=1)
    lora_min_covers: int = Field(default=20, ge=1)
    lora_steps: int = Field(default=500, ge=1)
    lora_rank: int = Field(default=8, ge=1, le=256)
    lora_learning_rate: float = Field(default=1e-4, gt=0.0)
    # A subject's DreamBooth-LoRA (docs/diffusion.md): steps, rank, learning rate, the
    # class images made for prior preservation (and their loss weight; 0: none), 8-bit Adam
    # (needs bitsandbytes), gradient checkpointing, and its own time limit.
    dreambooth_steps: int = Field(default=500, ge=1, le=20_000)
    dreambooth_rank: int = Field(default=16, ge=1, le=256)
    dreambooth_learning_rate: float = Field(default=1e-4, gt=0.0)
    dreambooth_class_images: int = Field(default=50, ge=0, le=1000)
    dreambooth_prior_weight: float = Field(default=1.0, ge=0.0)
    dreambooth_8bit_adam: bool = False
    dreambooth_gradient_checkpointing: bool = True
    dreambooth_timeout_s: float = Field(default=3600.0, gt=0)
    # `sleeve worker` serves its own /metrics (render seconds) on this port when set.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("storage_options")
    @classmethod
    def _storage_options_object(cls, value: SecretStr) -> SecretStr:
        try:
            parsed = json.loads(value.get_secret_value() or "{}")
        except ValueError as exc:
            raise ValueError("must be a JSON object of fsspec options") from exc
        if not isinstance(parsed, dict):
            raise ValueError("must be a JSON object of fsspec options")
        return value

    def storage_options_dict(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.storage_options.get_secret_value() or "{}")
        return parsed


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def _variables() -> tuple[dict[str, str], dict[str, str]]:
    """``SLEEVE_*`` names (lower case, as Settings matches them) in the environment and .env."""
    env = {k.lower(): k for k in os.environ if k.upper().startswith(PREFIX)}
    dotenv = dotenv_values(ENV_FILE) if Path(ENV_FILE).is_file() else {}
    return env, {k.lower(): k for k in dotenv if k.upper().startswith(PREFIX)}


def setting_sources() -> dict[str, Source]:
    """Where each setting's value comes from, by the rule Settings follows: the environment
    wins over .env, which wins over the default."""
    env, dotenv = _variables()
    sources: dict[str, Source] = {}
    for field in Settings.model_fields:
        name = (PREFIX + field).lower()
        sources[field] = "environment" if name in env else ".env" if name in dotenv else "default"
    return sources


def unknown_variables() -> list[str]:
    """``SLEEVE_*`` variables (environment or .env) that name no setting: typos, usually."""
    env, dotenv = _variables()
    known = {(PREFIX + field).lower() for field in Settings.model_fields}
    return sorted({original for names in (env, dotenv) for lower, original in names.items()
                   if lower not in known})
