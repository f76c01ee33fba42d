"""Roles: ``user`` (everyone) and ``admin``. Only an operator with access to the database
changes a role (``sleeve users grant-admin|revoke-admin EMAIL``); nothing a visitor sends,
no e-mail address and no setting grants one. Every change is recorded in ``role_events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from sleeve.db.engine import SessionFactory, transaction
from sleeve.db.models import RoleEvent, User
from sleeve.service.errors import NotFound

Role = Literal["user", "admin"]
USER: Role = "user"
ADMIN: Role = "admin"


@dataclass(frozen=True)
class RoleChange:
    email: str
    old_role: str
    new_role: str
    changed: bool


def role_of(sessions: SessionFactory, user_id: str) -> str | None:
    """The role as stored now (never cached: a revoked admin loses the role at once)."""
    with transaction(sessions) as session:
        return session.scalar(select(User.role).where(User.id == user_id))


def set_role(sessions: SessionFactory, email: str, role: Role, actor: str) -> RoleChange:
    """Gives the account with ``email`` the ``role``, recording who did it; a no-op (not
    recorded) when it already has it."""
    wanted = email.strip().lower()
    with transaction(sessions) as session:
        user = session.scalar(select(User).where(User.email == wanted).with_for_update())
        if user is None:
            raise NotFound(f"no account with the e-mail {wanted}")
        old = user.role
        if old == role:
            return RoleChange(wanted, old, role, changed=False)
        user.role = role
        session.add(RoleEvent(user_id=user.id, email=wanted, old_role=old, new_role=role,
                              actor=actor[:200]))
        return RoleChange(wanted, old, role, changed=True)


def role_history(sessions: SessionFactory, email: str) -> list[RoleEvent]:
    with transaction(sessions) as session:
        return list(session.scalars(
            select(RoleEvent).where(RoleEvent.email == email.strip().lower())
            .order_by(RoleEvent.created_at)))
