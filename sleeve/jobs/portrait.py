"""The photos a procedural job prints when it features a subject (the musician).

A job carries its subject's id; the worker reads that subject's accepted photos (cleaned at
intake: upright, no metadata, one face, its box recorded) and cuts each person out once, for
every cover of the job. A subject deleted since the job was made has cleared the job's link
(``subject_id`` is set to NULL), so such a job makes covers without them.
"""

from __future__ import annotations

import io

from PIL import Image

from sleeve.core.portrait import FacePhoto
from sleeve.db.engine import transaction
from sleeve.jobs.context import JobContext
from sleeve.pipeline import face_photo


class NoSubjectPhotos(ValueError):
    """The subject has no accepted photo to feature (or is not the job owner's)."""


def featured_photos(ctx: JobContext, subject_id: str, user_id: str) -> list[FacePhoto]:
    """The subject's accepted photos, oldest first, ready to print; raises NoSubjectPhotos
    when there are none (the job fails saying so)."""
    # The subject's photo store (the subjects use case: sleeve.jobs.subjects).
    from sleeve.jobs.subjects import load_photos, owned_subject

    with transaction(ctx.sessions) as session:
        subject = owned_subject(session, subject_id, user_id)
        stored = load_photos(session, ctx.store, subject) if subject is not None else []
    if not stored:
        raise NoSubjectPhotos(f"subject {subject_id} has no accepted photos to feature")
    photos = []
    for photo in stored:
        with Image.open(io.BytesIO(photo.original)) as image:
            photos.append(face_photo(image, photo.face.to_list()))
    return photos
