"""Use cases for subjects: a musician's own photos, given with consent, deleted for real.

A photo is taken in by ``sleeve.photos.take_subject_photo`` (type and limits from the content,
orientation applied, metadata stripped, exactly one clear face) before anything is stored;
refusals are problems naming the rule. Training is started by the diffusion use case; this
module says whether it can run here (``training_availability``).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sleeve.db.engine import transaction
from sleeve.db.models import Subject, SubjectPhotoRow
from sleeve.db.types import new_id, utcnow
from sleeve.jobs.subjects import StoredPhoto, load_photos, photo_prefix, photo_rows
from sleeve.photos import PHOTO_LIMITS, PhotoRejected, SubjectPhoto, take_subject_photo
from sleeve.photos.subject import EXTENSIONS
from sleeve.schemas.subjects import MAX_PHOTOS, SubjectPhotoView, SubjectView, TrainingView
from sleeve.service.context import Services
from sleeve.service.engine_check import check_engine
from sleeve.service.erasure import erase_subject
from sleeve.service.errors import Conflict, Invalid, NotFound
from sleeve.service.ownership import could_be_id, get_owned
from sleeve.service.uploads import rejection

TRAINING_ENGINE = "diffusion"


def training_availability(services: Services, session: Session) -> TrainingView:
    """Can a subject's DreamBooth-LoRA be trained here now (the diffusion engine on a live
    worker)? The same check that refuses such a job with 409."""
    try:
        check_engine(session, services.settings, services.engines, TRAINING_ENGINE)
    except Conflict as exc:
        return TrainingView(available=False, reason=exc.detail)
    return TrainingView(available=True, reason=None)


def photo_view(row: SubjectPhotoRow) -> SubjectPhotoView:
    share = row.face[2] / max(1, min(row.width, row.height))
    return SubjectPhotoView(
        id=row.id, subject_id=row.subject_id, verdict="accepted",
        reason=f"one face, {share:.0%} of the short side", format=row.format,
        width=row.width, height=row.height, face=tuple(row.face),
        thumbnail_url=f"/v1/subjects/{row.subject_id}/photos/{row.id}/thumbnail",
        created_at=row.created_at)


def _view(subject: Subject, photos: list[SubjectPhotoRow], training: TrainingView) -> SubjectView:
    return SubjectView(
        id=subject.id, name=subject.name, state=subject.state,
        consented_at=subject.consented_at, created_at=subject.created_at,
        photos=[photo_view(p) for p in photos], training=training)


def create_subject(services: Services, user_id: str, name: str, consent: bool) -> SubjectView:
    """A new subject; ``consent`` must be given (its time is stored with the subject)."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise Invalid("name: must be 1 to 100 characters")
    if consent is not True:
        raise Invalid("consent: must be true; photos of a person are stored only with their "
                      "consent")
    with transaction(services.sessions) as session:
        subject = Subject(user_id=user_id, name=name, consented_at=utcnow())
        session.add(subject)
        session.flush()
        return _view(subject, [], training_availability(services, session))


def list_subjects(services: Services, user_id: str) -> list[SubjectView]:
    with transaction(services.sessions) as session:
        subjects = list(session.scalars(
            select(Subject).where(Subject.user_id == user_id)
            .order_by(Subject.created_at, Subject.id)))
        photos: dict[str, list[SubjectPhotoRow]] = defaultdict(list)
        for row in session.scalars(
                select(SubjectPhotoRow).where(SubjectPhotoRow.user_id == user_id)
                .order_by(SubjectPhotoRow.created_at, SubjectPhotoRow.id)):
            photos[row.subject_id].append(row)
        training = training_availability(services, session)
        return [_view(s, photos[s.id], training) for s in subjects]


def get_subject(services: Services, user_id: str, subject_id: str) -> SubjectView:
    with transaction(services.sessions) as session:
        subject = get_owned(session, Subject, subject_id, user_id, "subject")
        return _view(subject, photo_rows(session, subject.id),
                     training_availability(services, session))


def _locked_subject(session: Session, user_id: str, subject_id: str) -> Subject:
    """The owner's subject, its row locked until commit (PostgreSQL) so that uploads and a
    delete of the same subject take turns."""
    subject = session.scalar(select(Subject).where(Subject.id == subject_id)
                             .with_for_update()) if could_be_id(subject_id) else None
    if subject is None or subject.user_id != user_id:
        raise NotFound(f"no subject {subject_id}")
    return subject


def _photo_count(session: Session, subject_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(SubjectPhotoRow)
                              .where(SubjectPhotoRow.subject_id == subject_id)) or 0)


def _room_for_a_photo(session: Session, subject: Subject) -> None:
    if subject.consented_at is None:
        raise Conflict(f"subject {subject.id} has no recorded consent; create a new subject "
                       "with consent: true")
    if _photo_count(session, subject.id) >= MAX_PHOTOS:
        raise Conflict(f"subject {subject.id} already has {MAX_PHOTOS} photos, the most it "
                       "can have; delete one first")


def add_photo(services: Services, user_id: str, subject_id: str, data: bytes) -> SubjectPhotoView:
    """Takes in one uploaded photo: 201 with its verdict, or a problem naming the rule it
    breaks (413 too large, 415 not JPEG/PNG/WebP, 422 damaged, too many pixels, no face,
    several faces, face too small; 409 when the subject is full)."""
    with transaction(services.sessions) as session:
        _room_for_a_photo(session, get_owned(session, Subject, subject_id, user_id, "subject"))
    try:
        photo = take_subject_photo(data, PHOTO_LIMITS)
    except PhotoRejected as exc:
        raise rejection("file", exc.kind, str(exc), exc.reason) from exc
    photo_id = new_id()
    prefix = photo_prefix(subject_id, photo_id)
    try:
        with transaction(services.sessions) as session:
            # Locked: the count holds against concurrent uploads, and no photo is stored
            # under a prefix that a delete of the subject has already emptied.
            subject = _locked_subject(session, user_id, subject_id)
            _room_for_a_photo(session, subject)
            row = _store(services, session, subject, photo_id, prefix, photo)
            return photo_view(row)
    except BaseException:
        services.store.delete_prefix(prefix)
        raise


def _store(services: Services, session: Session, subject: Subject, photo_id: str, prefix: str,
           photo: SubjectPhoto) -> SubjectPhotoRow:
    keys = (f"{prefix}original.{EXTENSIONS[photo.format]}", f"{prefix}face.jpg",
            f"{prefix}thumbnail.jpg")
    for key, data in zip(keys, (photo.original, photo.crop, photo.thumbnail), strict=True):
        services.store.put(key, data)
    row = SubjectPhotoRow(
        id=photo_id, subject_id=subject.id, user_id=subject.user_id, format=photo.format,
        width=photo.width, height=photo.height, byte_size=len(photo.original),
        face=photo.face.to_list(), crop_face=photo.crop_face.to_list(),
        original_key=keys[0], crop_key=keys[1], thumbnail_key=keys[2], created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def _owned_photo(session: Session, user_id: str, subject_id: str,
                 photo_id: str) -> SubjectPhotoRow:
    row = get_owned(session, SubjectPhotoRow, photo_id, user_id, "photo")
    if row.subject_id != subject_id:
        raise NotFound(f"no photo {photo_id}")
    return row


def photo_thumbnail(services: Services, user_id: str, subject_id: str, photo_id: str) -> bytes:
    """The photo's thumbnail (JPEG); only its owner sees it."""
    with transaction(services.sessions) as session:
        key = _owned_photo(session, user_id, subject_id, photo_id).thumbnail_key
    return services.store.get(key)


def delete_photo(services: Services, user_id: str, subject_id: str, photo_id: str) -> None:
    """The photo's row and every blob of it (original, crop, thumbnail)."""
    with transaction(services.sessions) as session:
        row = _owned_photo(session, user_id, subject_id, photo_id)
        session.delete(row)
        session.flush()
        # Blobs go before the commit: if the store fails, the row stays and a retry finishes.
        services.store.delete_prefix(photo_prefix(subject_id, photo_id))


def delete_subject(services: Services, user_id: str, subject_id: str) -> None:
    """The subject, its photos, its training results and every blob under its prefix; covers
    made with it stay, no longer linked to it."""
    with transaction(services.sessions) as session:
        erase_subject(session, services.store, _locked_subject(session, user_id, subject_id))


def subject_photos(services: Services, user_id: str, subject_id: str) -> list[StoredPhoto]:
    """The subject's accepted photos with their bytes and face boxes, oldest first: what
    compositing and training use. 404 for anyone but the owner."""
    with transaction(services.sessions) as session:
        subject = get_owned(session, Subject, subject_id, user_id, "subject")
        return load_photos(session, services.store, subject)
