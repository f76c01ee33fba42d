"""Everything a use case may touch, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from sleeve.config import Settings
from sleeve.db.engine import SessionFactory
from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import JobQueue, make_queue
from sleeve.service.identity_cache import IdentityCache
from sleeve.service.login_throttle import LoginThrottle
from sleeve.storage import BlobStore


@dataclass(frozen=True)
class Services:
    sessions: SessionFactory
    store: BlobStore
    queue: JobQueue
    settings: Settings
    identities: IdentityCache = field(default_factory=IdentityCache)
    logins: LoginThrottle = field(default_factory=LoginThrottle)

    @classmethod
    def from_settings(cls, settings: Settings, run_workers: bool | None = None) -> Services:
        jobs = JobContext.from_settings(settings)
        return cls(jobs.sessions, jobs.store, make_queue(jobs, run_workers), settings)
