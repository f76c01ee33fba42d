"""Photo intake: what any uploaded picture goes through before Sleeve looks at it."""

from sleeve.photos.faces import FaceBox, find_faces, the_face
from sleeve.photos.intake import (
    PHOTO_LIMITS,
    IntakeLimits,
    Photo,
    PhotoRejected,
    RejectionReason,
    open_photo,
    sniff,
    strip_metadata,
    to_srgb,
    upright,
)
from sleeve.photos.subject import SubjectPhoto, face_crop, take_subject_photo

__all__ = [
    "PHOTO_LIMITS",
    "FaceBox",
    "IntakeLimits",
    "Photo",
    "PhotoRejected",
    "RejectionReason",
    "SubjectPhoto",
    "face_crop",
    "find_faces",
    "open_photo",
    "sniff",
    "strip_metadata",
    "take_subject_photo",
    "the_face",
    "to_srgb",
    "upright",
]
