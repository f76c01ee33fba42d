"""Everything a use case may touch, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from sleeve.config import Settings
from sleeve.db.engine import SessionFactory
from sleeve.jobs.backends import make_queue
from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import JobQueue
from sleeve.service.cursor import CursorCodec
from sleeve.service.engine_check import LocalEngines
from sleeve.service.identity_cache import IdentityCache
from sleeve.service.login_throttle import LoginThrottle, throttle_for
from sleeve.storage import BlobStore


@dataclass(frozen=True)
class Services:
    sessions: SessionFactory
    store: BlobStore
    queue: JobQueue
    settings: Settings
    identities: IdentityCache = field(default_factory=IdentityCache)
    logins: LoginThrottle = field(default_factory=LoginThrottle)
    cursors: CursorCodec = field(default_factory=CursorCodec)
    engines: LocalEngines = field(default_factory=LocalEngines)

    @classmethod
    def from_settings(cls, settings: Settings, run_workers: bool | None = None) -> Services:
        jobs = JobContext.from_settings(settings)
        return cls(jobs.sessions, jobs.store, make_queue(jobs, run_workers), settings,
                   logins=throttle_for(settings.queue, settings.broker_url,
                                       settings.celery_queue_prefix),
                   cursors=CursorCodec(settings.secret_key.get_secret_value()))
