"""What a worker needs to run a job: the database, the blob store and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sleeve.config import Settings
from sleeve.db.engine import SessionFactory, make_engine, make_session_factory
from sleeve.storage import BlobStore


@dataclass(frozen=True)
class JobContext:
    sessions: SessionFactory
    store: BlobStore
    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings) -> JobContext:
        return cls(
            sessions=make_session_factory(make_engine(settings.database_url)),
            store=BlobStore(settings.storage_url, settings.storage_options_dict()),
            settings=settings,
        )
