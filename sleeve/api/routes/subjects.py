"""``/v1/subjects``: a musician's own face, owned like everything else."""

from __future__ import annotations

from fastapi import APIRouter, status

from sleeve.api.deps import RowId, ServicesDep, UserDep
from sleeve.schemas.subjects import NewSubject, SubjectView
from sleeve.service import subjects

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
