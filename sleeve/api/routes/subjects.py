"""``/v1/subjects``: a musician's own photos, given with consent, owned like everything else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from sleeve.api.deps import RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.api.uploads import read_upload
from sleeve.photos import PHOTO_LIMITS
from sleeve.schemas.jobs import JobView
from sleeve.schemas.subjects import MAX_PHOTOS, NewSubject, SubjectPhotoView, SubjectView
from sleeve.service import subject_training, subjects
from sleeve.service.errors import Invalid

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_subject(body: NewSubject, user: UserDep, services: ServicesDep) -> SubjectView:
    """A new subject. ``consent`` must be true: the photos are stored only with it."""
    return subjects.create_subject(services, user.id, body.name, body.consent)


@router.get("")
def list_subjects(user: UserDep, services: ServicesDep) -> list[SubjectView]:
    return subjects.list_subjects(services, user.id)


@router.get("/{subject_id}")
def get_subject(subject_id: RowId, user: UserDep, services: ServicesDep) -> SubjectView:
    """The subject with its photos (verdicts, thumbnail URLs) and whether it can be trained."""
    return subjects.get_subject(services, user.id, subject_id)


@router.delete("/{subject_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subject(subject_id: RowId, user: UserDep, services: ServicesDep) -> None:
    """Deletes the subject, its photos and everything trained from them. Covers already made
    stay, no longer linked to it."""
    subjects.delete_subject(services, user.id, subject_id)


@router.post("/{subject_id}/photos", status_code=status.HTTP_201_CREATED,
             responses=problems(409))
async def add_photo(
    subject_id: RowId, request: Request, user: UserDep, services: ServicesDep,
    file: Annotated[UploadFile, File(description=(
        f"One photo per request (at most {MAX_PHOTOS} per subject): JPEG, PNG or WebP, "
        "≤ 15 MB, ≤ 40 megapixels, with exactly one clearly visible face."))],
) -> SubjectPhotoView:
    """Checks the photo and stores it cleaned of all metadata (201 with its verdict), or
    refuses it with a problem whose ``reason`` names the rule."""
    form = await request.form()
    if sum(isinstance(value, StarletteUpload) for _, value in form.multi_items()) > 1:
        raise Invalid("file: send one photo per request")
    data = await read_upload(file, "file", PHOTO_LIMITS.max_bytes)
    return await run_in_threadpool(subjects.add_photo, services, user.id, subject_id, data)


@router.get("/{subject_id}/photos/{photo_id}/thumbnail", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
def photo_thumbnail(subject_id: RowId, photo_id: RowId, user: UserDep,
                    services: ServicesDep) -> Response:
    """The photo's thumbnail (JPEG, at most 320 pixels long); only its owner sees it."""
    data = subjects.photo_thumbnail(services, user.id, subject_id, photo_id)
    return Response(data, media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


@router.delete("/{subject_id}/photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_photo(subject_id: RowId, photo_id: RowId, user: UserDep,
                 services: ServicesDep) -> None:
    """Deletes the photo: its original, face crop and thumbnail."""
    subjects.delete_photo(services, user.id, subject_id, photo_id)


@router.post("/{subject_id}/train", status_code=status.HTTP_202_ACCEPTED,
             responses=problems(404, 409, 429))
def train_subject(subject_id: RowId, user: UserDep, services: ServicesDep,
                  response: Response) -> JobView:
    """Queue the training of the subject's DreamBooth-LoRA (a gpu job; follow it at
    ``/v1/jobs/{id}``). 409 when no diffusion engine can run it here, or it is already
    training."""
    job = subject_training.start_training(services, user.id, subject_id)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job
