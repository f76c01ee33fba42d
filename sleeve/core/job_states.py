"""A job's states and the stages of a running job: the worker writes them, the database
stores them, the API and the web page read them.

``queued → running → succeeded | failed | cancelled``. While running, ``stage`` says what the
worker is doing now: planning the covers, then for each cover painting its artwork, setting
its type and saving it (a motion job: drawing its frames, then saving the video; a subject's
training job: loading the base model, making its class images, then training).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
QUEUED: Final = "queued"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"
STATES: Final[tuple[str, ...]] = get_args(JobState)
TERMINAL: Final = frozenset({SUCCEEDED, FAILED, CANCELLED})

JobStage = Literal["planning", "artwork", "typography", "saving", "frames", "loading",
                   "class_images", "training"]
PLANNING: Final = "planning"
ARTWORK: Final = "artwork"
TYPOGRAPHY: Final = "typography"
SAVING: Final = "saving"
FRAMES: Final = "frames"
LOADING: Final = "loading"
CLASS_IMAGES: Final = "class_images"
TRAINING: Final = "training"
STAGES: Final[tuple[str, ...]] = get_args(JobStage)
