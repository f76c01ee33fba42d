"""Use cases for subjects (a musician's own face). Training is run by the diffusion worker."""

from __future__ import annotations

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Subject
from sleeve.schemas.subjects import SubjectView
from sleeve.service.context import Services
from sleeve.service.errors import Invalid
from sleeve.service.ownership import get_owned


def create_subject(services: Services, user_id: str, name: str) -> SubjectView:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise Invalid("name: must be 1 to 100 characters")
    with transaction(services.sessions) as session:
        subject = Subject(user_id=user_id, name=name)
        session.add(subject)
        session.flush()
        return SubjectView.of(subject)


def list_subjects(services: Services, user_id: str) -> list[SubjectView]:
    with transaction(services.sessions) as session:
        rows = session.scalars(
            select(Subject).where(Subject.user_id == user_id).order_by(Subject.created_at)
        )
        return [SubjectView.of(s) for s in rows]


def delete_subject(services: Services, user_id: str, subject_id: str) -> None:
    with transaction(services.sessions) as session:
        session.delete(get_owned(session, Subject, subject_id, user_id, "subject"))
