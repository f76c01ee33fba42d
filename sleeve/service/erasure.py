"""Deleting for real: a subject (its photos, crops, thumbnails, training results) or a whole
account (jobs, covers, reviews, subjects, tokens, sessions, blobs).

Rows go first, inside the caller's transaction; then the blobs, still before the commit. If the
store fails, the transaction rolls back and nothing looks deleted that is not: a retry finishes
the job (deleting blobs twice is harmless). Covers made with a deleted subject stay with their
owner; only their link to the subject is cleared.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sleeve.db.models import (
    ApiToken,
    BriefRow,
    Cover,
    Job,
    OAuthAccount,
    Review,
    Subject,
    SubjectPhotoRow,
    User,
)
from sleeve.jobs import lifecycle
from sleeve.jobs.runner import cover_prefix
from sleeve.jobs.subjects import subject_prefix
from sleeve.service.covers import refresh_rating
from sleeve.storage import BlobStore

UNFINISHED = (lifecycle.QUEUED, lifecycle.RUNNING)


def erase_subject(session: Session, store: BlobStore, subject: Subject) -> None:
    """Deletes ``subject`` with every row and blob of it; jobs and covers made with it keep
    going without it (unfinished jobs that use it are cancelled first)."""
    for job_id in session.scalars(select(Job.id).where(
            Job.subject_id == subject.id, Job.state.in_(UNFINISHED))):
        lifecycle.cancel(session, job_id)
    session.execute(update(Job).where(Job.subject_id == subject.id).values(subject_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(SubjectPhotoRow).where(SubjectPhotoRow.subject_id == subject.id)
                    .execution_options(synchronize_session=False))
    session.delete(subject)
    session.flush()
    store.delete_prefix(subject_prefix(subject.id))


def erase_account(session: Session, store: BlobStore, user: User) -> None:
    """Deletes ``user`` and everything they made; their reviews of other people's covers go
    too, and those covers' rating summaries are recomputed without them."""
    for subject in session.scalars(select(Subject).where(Subject.user_id == user.id)).all():
        erase_subject(session, store, subject)
    reviewed = set(session.scalars(
        select(Review.cover_id).join(Cover, Cover.id == Review.cover_id)
        .where(Review.user_id == user.id, Cover.user_id != user.id)))
    session.execute(delete(Review).where(Review.user_id == user.id)
                    .execution_options(synchronize_session=False))
    for cover in session.scalars(select(Cover).where(Cover.id.in_(reviewed))):
        refresh_rating(session, cover)
    blobs = [cover_prefix(c) for c in session.scalars(
        select(Cover.id).where(Cover.user_id == user.id))]
    # A motion job of someone else's public cover stores its loop under that cover's prefix.
    loose = [key for key in session.scalars(
        select(Job.result_key).where(Job.user_id == user.id, Job.result_key.is_not(None)))
        if key is not None]
    for table in (Cover, Job, BriefRow, ApiToken, OAuthAccount):
        session.execute(delete(table).where(table.user_id == user.id)
                        .execution_options(synchronize_session=False))
    session.delete(user)
    session.flush()
    for prefix in blobs:
        store.delete_prefix(prefix)
    for key in loose:
        store.delete(key)

