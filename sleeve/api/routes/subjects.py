"""``/v1/subjects``: a musician's own face, owned like everything else."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from sleeve.api.deps import RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.schemas.jobs import JobView
from sleeve.schemas.subjects import NewSubject, SubjectView
from sleeve.service import subject_training, subjects

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_subject(body: NewSubject, user: UserDep, services: ServicesDep) -> SubjectView:
    return subjects.create_subject(services, user.id, body.name)


@router.get("")
def list_subjects(user: UserDep, services: ServicesDep) -> list[SubjectView]:
    return subjects.list_subjects(services, user.id)


@router.delete("/{subject_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subject(subject_id: RowId, user: UserDep, services: ServicesDep) -> None:
    subjects.delete_subject(services, user.id, subject_id)


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
