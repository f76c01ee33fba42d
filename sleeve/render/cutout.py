"""The person in a photo separated from its background: GrabCut seeded by the face box.

The face box says a great deal about where the person is: the face itself and the neck
below it are certainly them, the head and shoulders around it probably are, a band along
the top and sides of the photo away from them certainly is not. GrabCut (colour models
refined by graph cuts) settles the rest. It runs on a copy of about ``WORK_SIDE`` pixels —
the silhouette needs no more, and its cost grows with the area — and the mask is smoothed
and scaled back up, so its edge is soft and round like a cut made with scissors, not a
staircase of pixels.

OpenCV's GrabCut starts its colour models with k-means from OpenCV's own random generator;
it is seeded before every call, so the same photo always gives the same mask.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from sleeve.core.portrait import FacePhoto

WORK_SIDE = 256
ITERATIONS = 4


def _seed_mask(h: int, w: int, face: tuple[float, float, float, float]) -> np.ndarray:
    """GrabCut's starting labels for a ``h``×``w`` photo with the face at ``face``."""
    x, y, fw, fh = face
    cx = x + fw / 2
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    # Probably the person: head and hair above the face, shoulders widening below it.
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    head = ((xs - cx) / (fw * 0.85)) ** 2 + ((ys - (y + fh * 0.45)) / (fh * 0.95)) ** 2 <= 1.0
    below = ys >= y + fh * 0.6
    reach = np.clip((ys - (y + fh * 0.6)) / (fh * 1.2), 0.0, 1.0)
    half_width = fw * (0.55 + 1.35 * reach)
    body = below & (np.abs(xs - cx) <= half_width)
    mask[head | body] = cv2.GC_PR_FGD
    # Certainly the person: the face, the hairline over it and the neck under it. Without
    # the hairline GrabCut may trade brown hair for a warm backdrop and shave the head flat.
    core = ((xs - cx) / (fw * 0.4)) ** 2 + ((ys - (y + fh * 0.5)) / (fh * 0.58)) ** 2 <= 1.0
    neck = ((ys >= y + fh * 0.9) & (ys <= y + fh * 1.7)
            & (np.abs(xs - cx) <= fw * (0.22 + 0.35 * np.clip((ys - y - fh) / fh, 0, 1))))
    mask[core | neck] = cv2.GC_FGD
    return mask


def with_person(photo: FacePhoto) -> FacePhoto:
    """``photo`` carrying its person mask, so every cover made from it reuses the cut."""
    return photo if photo.person is not None else replace(photo, person=person_mask(photo))


def person_mask(photo: FacePhoto) -> np.ndarray:
    """(h, w) float32 in [0, 1]: how much each pixel of the photo is the person."""
    if photo.person is not None:
        return photo.person
    pixels = photo.pixels
    h, w = pixels.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    sw, sh = max(8, round(w * scale)), max(8, round(h * scale))
    small = cv2.resize(pixels, (sw, sh), interpolation=cv2.INTER_AREA)
    x, y, fw, fh = photo.face
    face = (x * sw / w, y * sh / h, fw * sw / w, fh * sh / h)
    labels = _seed_mask(sh, sw, face)
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0x5EE7)
    # The rect is unused with GC_INIT_WITH_MASK (the labels say everything).
    cv2.grabCut(cv2.cvtColor(small, cv2.COLOR_RGB2BGR), labels, (0, 0, sw, sh), bgd, fgd,
                ITERATIONS, cv2.GC_INIT_WITH_MASK)
    person = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.uint8)
    person = _filled(_largest_part(person, face))
    # Close small bites, round the edge, then scale up: a soft, scissor-cut silhouette.
    k = max(3, round(min(sw, sh) * 0.02) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    person = cv2.morphologyEx(person, cv2.MORPH_CLOSE, kernel)
    soft = cv2.GaussianBlur(person.astype(np.float32), (0, 0), max(0.8, min(sw, sh) * 0.006))
    big = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    # Re-sharpen the upscaled edge to about two photo pixels of feather.
    return np.clip((big - 0.5) * 2.5 + 0.5, 0.0, 1.0).astype(np.float32)


def _filled(person: np.ndarray) -> np.ndarray:
    """The silhouette without holes: background enclosed by the person (a dark collar read as
    backdrop) is the person — a cut-out from paper has no holes."""
    _, labels = cv2.connectedComponents(1 - person, connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    holes = ~np.isin(labels, border) & (person == 0)
    person = person.copy()
    person[holes] = 1
    return person


def _largest_part(person: np.ndarray, face: tuple[float, float, float, float]) -> np.ndarray:
    """Only the connected part that holds the face: stray islands of 'person' go."""
    count, labels = cv2.connectedComponents(person, connectivity=8)
    if count <= 2:
        return person
    cx = int(min(person.shape[1] - 1, face[0] + face[2] / 2))
    cy = int(min(person.shape[0] - 1, face[1] + face[3] / 2))
    keep = labels[cy, cx]
    if keep == 0:
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        keep = int(np.argmax(sizes))
    return (labels == keep).astype(np.uint8)
