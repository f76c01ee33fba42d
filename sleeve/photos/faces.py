"""Faces in a photo, with the Haar cascades that ship inside opencv-python-headless 4.x.

Nothing is downloaded: ``cv2.data.haarcascades`` is a folder of the installed wheel. Detection
runs on a grey copy at most ``DETECT_SIDE`` pixels long (plenty for a face that must fill 15% of
the short side, and it keeps a 40-megapixel upload as fast as a small one); boxes come back in
the photo's own pixels.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from sleeve.photos.intake import PhotoRejected

# The "alt2" frontal cascade: in our checks it found the face in every scaled copy of the
# test portraits with no false positive, where the default cascade invented a second face.
CASCADE = "haarcascade_frontalface_alt2.xml"
DETECT_SIDE = 640
# Faces smaller than this share of the short side are not looked for at all (noise, crowds
# far behind); faces between this and ``MIN_FACE_SHARE`` are found, then refused as too small.
SEARCH_SHARE = 0.05
MIN_FACE_SHARE = 0.15
# A second face at least this fraction of the largest one's width is "clearly visible" too.
SECOND_FACE_RATIO = 0.5


@dataclass(frozen=True)
class FaceBox:
    """A face in image pixels: left, top, width, height (a square from the cascade)."""

    left: int
    top: int
    width: int
    height: int

    @property
    def center(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2

    def to_list(self) -> list[int]:
        return [self.left, self.top, self.width, self.height]


@functools.cache
def _cascade() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(f"OpenCV's {CASCADE} is missing from {path.parent}; "
                           "install opencv-python-headless<5")
    return cascade


def find_faces(image: Image.Image) -> list[FaceBox]:
    """Every frontal face at least ``SEARCH_SHARE`` of the short side, largest first."""
    grey = image.convert("L")
    scale = min(1.0, DETECT_SIDE / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.BOX)
    smallest = max(20, int(min(grey.size) * SEARCH_SHARE))
    found = _cascade().detectMultiScale(np.asarray(grey), scaleFactor=1.1, minNeighbors=5,
                                        minSize=(smallest, smallest))
    boxes = [FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
             for x, y, w, h in (found if len(found) else [])]
    return sorted(boxes, key=lambda box: box.width * box.height, reverse=True)


def the_face(image: Image.Image, min_share: float = MIN_FACE_SHARE) -> FaceBox:
    """The one clearly visible face; PhotoRejected (422) saying why there is not exactly one."""
    faces = find_faces(image)
    if not faces:
        raise PhotoRejected("invalid", "no face found; send a photo where your face is clearly "
                            "visible, facing the camera", "no-face")
    largest = faces[0]
    if sum(1 for face in faces if face.width >= largest.width * SECOND_FACE_RATIO) > 1:
        raise PhotoRejected("invalid", "several faces found; send a photo of you alone",
                            "several-faces")
    short_side = min(image.size)
    if largest.width < short_side * min_share:
        raise PhotoRejected(
            "invalid", f"the face is too small ({largest.width / short_side:.0%} of the short "
            f"side; at least {min_share:.0%}); send a closer photo", "face-too-small")
    return largest
