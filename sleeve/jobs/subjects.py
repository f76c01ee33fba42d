"""A subject's photos as workers read them, and where a subject's blobs live.

Everything of a subject is stored under ``subjects/{subject_id}/``: photos (original, face
crop, thumbnail) under ``photos/{photo_id}/``, and whatever training makes (class images,
LoRA weights) beside them. Deleting the subject deletes that one prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.db.models import Subject, SubjectPhotoRow
from sleeve.photos.faces import FaceBox
from sleeve.storage import BlobStore


def subject_prefix(subject_id: str) -> str:
    return f"subjects/{subject_id}/"


def photo_prefix(subject_id: str, photo_id: str) -> str:
    return f"{subject_prefix(subject_id)}photos/{photo_id}/"


@dataclass(frozen=True)
class StoredPhoto:
    """One accepted photo of a subject: the cleaned photo and the square crop around the face
    (JPEG), with the face's box in each (left, top, width, height in that image's pixels)."""

    id: str
    format: str  # of ``original``: jpeg, png or webp
    width: int
    height: int
    original: bytes
    face: FaceBox
    crop: bytes
    crop_face: FaceBox


def photo_rows(session: Session, subject_id: str) -> list[SubjectPhotoRow]:
    """The subject's photos, oldest first (the order they were uploaded)."""
    return list(session.scalars(
        select(SubjectPhotoRow).where(SubjectPhotoRow.subject_id == subject_id)
        .order_by(SubjectPhotoRow.created_at, SubjectPhotoRow.id)))


def load_photos(session: Session, store: BlobStore, subject: Subject) -> list[StoredPhoto]:
    """Every accepted photo of ``subject`` with its bytes, oldest first. The caller has
    already checked that whoever asks owns the subject."""
    return [
        StoredPhoto(
            id=row.id, format=row.format, width=row.width, height=row.height,
            original=store.get(row.original_key), face=FaceBox(*row.face),
            crop=store.get(row.crop_key), crop_face=FaceBox(*row.crop_face),
        )
        for row in photo_rows(session, subject.id)
    ]


def owned_subject(session: Session, subject_id: str, user_id: str) -> Subject | None:
    """The subject if ``user_id`` owns it (a job carries both ids)."""
    subject = session.get(Subject, subject_id) if len(subject_id) <= 32 else None
    return subject if subject is not None and subject.user_id == user_id else None
