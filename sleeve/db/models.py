"""The tables. Every user-visible row (job, cover, review, subject) carries its owner."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sleeve.core.brief import Brief
from sleeve.db.types import UTCDateTime, new_id, utcnow

# Stable constraint names so migrations can alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(32)


# Marks a column that names a blob (a key, or a list of keys): backups copy exactly these, and
# tests that look for orphaned blobs compare the store against them.
BLOB: Final = {"blob": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _id() -> Mapped[str]:
    return mapped_column(ID, primary_key=True, default=new_id)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def _owner() -> Mapped[str]:
    return mapped_column(ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = _id()
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    # "user" | "admin"; changed only by `sleeve users grant-admin|revoke-admin` (see RoleEvent).
    role: Mapped[str] = mapped_column(String(16), default="user", server_default="user",
                                      nullable=False)
    created_at: Mapped[datetime] = _created()


class RoleEvent(Base):
    """Every role change: who was changed, to what, by whom (the CLI's operator) and when.

    No foreign key to users: the record outlives the account it describes.
    """

    __tablename__ = "role_events"

    id: Mapped[str] = _id()
    user_id: Mapped[str] = mapped_column(ID, nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    old_role: Mapped[str] = mapped_column(String(16), nullable=False)
    new_role: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = _created()


class WorkerEngine(Base):
    """An engine a live worker can run, refreshed by that worker's heartbeat.

    The API reads this before accepting a job when the workers are other processes (Celery):
    no row with a fresh heartbeat for an engine means no worker can run it now.
    """

    __tablename__ = "worker_engines"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    engine: Mapped[str] = mapped_column(String(32), primary_key=True)
    queue: Mapped[str] = mapped_column(String(64), nullable=False)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)


class OAuthAccount(Base):
    """A login through an OAuth2/OIDC provider, tied to one local user."""

    __tablename__ = "oauth_accounts"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oauth_provider_subject"),)

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    provider: Mapped[str] = mapped_column(String(50), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = _created()


class ApiToken(Base):
    """Bearer tokens and web sessions. Only a SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # personal | login | session
    name: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = _created()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BriefRow(Base):
    __tablename__ = "briefs"

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    artist: Mapped[str] = mapped_column(String(200), nullable=False)
    album: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    genre: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    lyrics: Mapped[str] = mapped_column(Text, default="", nullable=False)
    language: Mapped[str] = mapped_column(String(8), default="auto", nullable=False)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = _created()

    def to_brief(self) -> Brief:
        return Brief.model_validate({
            "title": self.title, "artist": self.artist, "album": self.album,
            "genre": self.genre, "lyrics": self.lyrics, "language": self.language,
        })


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_jobs_user_idempotency"),
        Index("ix_jobs_state_created", "state", "created_at"),
        Index("ix_jobs_user_created", "user_id", "created_at"),
    )

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    # None for a job that renders no brief (``subject_training``, migration 0010).
    brief_id: Mapped[str | None] = mapped_column(ID, ForeignKey("briefs.id"))
    subject_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("subjects.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    progress: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # What a running job is doing now (core.job_states.JobStage); NULL unless running
    # (migration 0008).
    stage: Mapped[str | None] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    engine: Mapped[str] = mapped_column(String(32), nullable=False)
    style: Mapped[str | None] = mapped_column(String(50))
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    queue: Mapped[str] = mapped_column(String(16), default="cpu", nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # Attempts that ended with the process running the job dying while its worker lived on.
    crashes: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    render_seconds: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    # The uploaded track's features (core.plan.AudioFeatures as JSON); the audio is not kept.
    audio: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # "covers" renders covers from a brief; "motion" makes a loop of one cover (migration
    # 0005): its cover, preset and length, and where the MP4 went; "subject_training" trains
    # its subject's DreamBooth-LoRA (migration 0010).
    kind: Mapped[str] = mapped_column(String(16), default="covers", server_default="covers",
                                      nullable=False)
    cover_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("covers.id", ondelete="CASCADE", use_alter=True))
    motion_preset: Mapped[str | None] = mapped_column(String(32))
    motion_seconds: Mapped[float | None] = mapped_column(Float)
    result_key: Mapped[str | None] = mapped_column(String(300), info=BLOB)


class Cover(Base):
    __tablename__ = "covers"
    __table_args__ = (
        # A job re-run after a crash resumes: covers already stored are not made twice.
        UniqueConstraint("job_id", "position", name="uq_covers_job_position"),
        Index("ix_covers_gallery", "is_public", "rating_avg", "rating_count", "id"),
    )

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    job_id: Mapped[str] = mapped_column(
        ID, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
    )
    brief_id: Mapped[str] = mapped_column(ID, ForeignKey("briefs.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    engine: Mapped[str] = mapped_column(String(32), nullable=False)
    style: Mapped[str] = mapped_column(String(50), nullable=False)
    genre: Mapped[str] = mapped_column(String(50), default="", nullable=False, index=True)
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    model_version_id: Mapped[str | None] = mapped_column(ID, ForeignKey("model_versions.id"))
    # How the style was chosen (policy version, context bucket, action, propensity): the log
    # off-policy evaluation learns from. None for covers made before policies were logged.
    choice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    blob_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Kept with the review that changes them (one transaction), so the gallery can page by them.
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    rating_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = _created()


class CoverVariant(Base):
    """An image of a cover other than its master (another size or format), made by a worker.

    The row is the render's state (one per cover, size and format: concurrent requests for one
    variant find the same row, and only the worker that claims it renders).
    """

    __tablename__ = "cover_variants"
    __table_args__ = (
        UniqueConstraint("cover_id", "size", "format", name="uq_cover_variants_cover_size_format"),
        Index("ix_cover_variants_state_created", "state", "created_at"),
    )

    id: Mapped[str] = _id()
    cover_id: Mapped[str] = mapped_column(
        ID, ForeignKey("covers.id", ondelete="CASCADE"), nullable=False
    )
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    state: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    blob_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("cover_id", "user_id", name="uq_reviews_cover_user"),)

    id: Mapped[str] = _id()
    cover_id: Mapped[str] = mapped_column(
        ID, ForeignKey("covers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[str] = _owner()
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _created()


class Subject(Base):
    """A musician's own face, for subject-conditioned covers (training lives elsewhere).

    Every blob of a subject lives under ``subjects/{id}/``, so deleting it deletes one prefix.
    """

    __tablename__ = "subjects"

    id: Mapped[str] = _id()
    user_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Its DreamBooth-LoRA: new → queued → training → trained | failed (sleeve.jobs.subjects).
    state: Mapped[str] = mapped_column(String(16), default="new", nullable=False)
    created_at: Mapped[datetime] = _created()
    # When the owner agreed to the photos being stored and used (migration 0009); subjects
    # made before consent was asked for have none and take no photos until it is given.
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubjectPhotoRow(Base):
    """An accepted photo of a subject: the cleaned original, a face crop and a thumbnail in
    the blob store (keys here), and where the face is. Refused uploads are never stored."""

    __tablename__ = "subject_photos"
    __table_args__ = (Index("ix_subject_photos_subject_created", "subject_id", "created_at"),)

    id: Mapped[str] = _id()
    subject_id: Mapped[str] = mapped_column(
        ID, ForeignKey("subjects.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[str] = _owner()
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    byte_size: Mapped[int] = mapped_column(Integer, nullable=False)
    # [left, top, width, height] in the original's pixels, and in the crop's.
    face: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    crop_face: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    original_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    crop_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    thumbnail_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    created_at: Mapped[datetime] = _created()


class ModelVersion(Base):
    __tablename__ = "model_versions"

    id: Mapped[str] = _id()
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # policy | lora | ...
    version: Mapped[str] = mapped_column(String(100), nullable=False)
    # training → candidate → canary (LoRA) → promoted → retired; rejected by a gate; failed.
    state: Mapped[str] = mapped_column(String(16), default="candidate", nullable=False)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    artifact_key: Mapped[str | None] = mapped_column(String(300), info=BLOB)
    created_at: Mapped[datetime] = _created()
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A ``subject_lora`` is one person's DreamBooth-LoRA, used only for that subject's jobs;
    # it goes with the subject (migration 0010).
    subject_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("subjects.id", ondelete="CASCADE"), index=True)


class Run(Base):
    """One run of a scheduled or manual task (weekly report, retrain, rating-drop check).

    ``slot`` is the scheduled time a run fills; unique per kind, so when several schedulers
    share one database only the first to insert the row runs the task. Manual runs have none.
    """

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("kind", "slot", name="uq_runs_kind_slot"),
        Index("ix_runs_kind_started", "kind", "started_at"),
    )

    id: Mapped[str] = _id()
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    slot: Mapped[str | None] = mapped_column(String(40))
    trigger: Mapped[str] = mapped_column(String(16), default="manual", nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), default="running", nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Report(Base):
    """A built report: its numbers here, its HTML page and charts in the blob store."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_created", "created_at"),)

    id: Mapped[str] = _id()
    run_id: Mapped[str | None] = mapped_column(ID, ForeignKey("runs.id", ondelete="SET NULL"))
    since: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    until: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    html_key: Mapped[str] = mapped_column(String(300), nullable=False, info=BLOB)
    chart_keys: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False, info=BLOB)
    slack: Mapped[str] = mapped_column(String(16), default="off", nullable=False)
    created_at: Mapped[datetime] = _created()


class ModelEvent(Base):
    """Every promotion, rollback, retirement and registration, with the metrics behind it."""

    __tablename__ = "model_events"

    id: Mapped[str] = _id()
    model_version_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("model_versions.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(320), nullable=False)  # an e-mail or "system"
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    created_at: Mapped[datetime] = _created()
