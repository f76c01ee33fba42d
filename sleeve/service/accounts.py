"""Accounts: local users (argon2), bearer tokens, web sessions, OAuth identities.

A web session and a bearer token are the same thing underneath: a random secret whose SHA-256
is stored in ``api_tokens`` with a kind (``session``, ``login``, ``personal``), so revoking,
expiry and lookup work one way for both.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sleeve.core.fields import check_email, check_line
from sleeve.core.text import normalize
from sleeve.db.engine import transaction
from sleeve.db.models import ApiToken, OAuthAccount, User
from sleeve.db.types import utcnow
from sleeve.schemas.accounts import NewTokenView, TokenView, UserView
from sleeve.schemas.auth import MAX_PASSWORD, MIN_PASSWORD
from sleeve.service.context import Services
from sleeve.service.erasure import erase_account
from sleeve.service.errors import Conflict, Invalid, NotFound, Unauthorized

TOKEN_PREFIX = "slv_"
LOGIN_TOKEN_TTL = timedelta(days=30)
_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps login timing the same either way.
_DUMMY_HASH = _hasher.hash("not a real password")


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str  # shown once, never stored
    prefix: str
    name: str
    kind: str
    created_at: datetime
    expires_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    """The address as stored: lower case; anything else is refused, not cleaned up."""
    try:
        return check_email(email).lower()
    except ValueError as exc:
        raise Invalid(f"email: {exc}") from exc


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"password: must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def register(session: Session, email: str, password: str) -> User:
    email = normalize_email(email)
    _check_password(password)
    user = User(email=email, password_hash=_hasher.hash(password))
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("an account with this email already exists") from exc
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.password_hash:
        raise Unauthorized("wrong email or password")
    return user


def issue_token(session: Session, user: User, kind: str, name: str = "",
                ttl: timedelta | None = None) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, kind=kind, name=name[:100], token_hash=_digest(token),
        prefix=token[:12], created_at=utcnow(),
        expires_at=utcnow() + ttl if ttl is not None else None,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, token, row.prefix, row.name, kind, row.created_at, row.expires_at)


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return session.get(User, row.user_id)


def revoke_secret(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def list_personal_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == "personal",
               ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ))


def revoke_personal_token(session: Session, user: User, token_id: str) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.kind != "personal" or row.revoked_at:
        raise NotFound("no such token")
    row.revoked_at = utcnow()


def oauth_user(session: Session, provider: str, subject: str, email: str | None,
               name: str = "") -> User:
    """The local user for a provider identity, created on first login.

    An existing local account is never taken over by an unverified provider email: a new
    identity gets its own user unless that email is free.
    """
    link = session.scalar(select(OAuthAccount).where(
        OAuthAccount.provider == provider, OAuthAccount.subject == subject))
    if link is not None:
        user = session.get(User, link.user_id)
        assert user is not None
        return user
    email = email.strip().lower() if email else None
    if email and session.scalar(select(User.id).where(User.email == email)) is not None:
        email = None
    user = User(email=email, display_name=name[:200])
    session.add(user)
    session.flush()
    session.add(OAuthAccount(user_id=user.id, provider=provider, subject=subject))
    session.flush()
    return user


# Use cases over whole transactions (what the API calls).


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise Unauthorized("this account no longer exists")
    return user


def sign_up(services: Services, email: str, password: str) -> UserView:
    with transaction(services.sessions) as session:
        return UserView.of(register(session, email, password))


def log_in(services: Services, email: str, password: str,
           address: str) -> tuple[UserView, IssuedToken]:
    """A bearer token for scripts; the web session is started separately. ``address`` is the
    client's, for the throttle."""
    key = email.strip().lower()
    services.logins.check(key, address)
    try:
        with transaction(services.sessions) as session:
            user = authenticate(session, email, password)
            issued = issue_token(session, user, "login", "login", LOGIN_TOKEN_TTL)
            view = UserView.of(user)
    except Unauthorized:
        services.logins.failed(key, address)
        raise
    services.logins.succeeded(key, address)
    return view, issued


def start_session(services: Services, user_id: str) -> IssuedToken:
    with transaction(services.sessions) as session:
        ttl = timedelta(seconds=services.settings.session_max_age_s)
        return issue_token(session, _user(session, user_id), "session", "web session", ttl)


def log_out(services: Services, token: str) -> None:
    with transaction(services.sessions) as session:
        revoke_secret(session, token)
    services.identities.clear()


def who_am_i(services: Services, user_id: str) -> UserView:
    with transaction(services.sessions) as session:
        return UserView.of(_user(session, user_id))


def account_id(services: Services, email: str) -> str:
    """The id of the account with ``email`` (for the operator's CLI, which acts for a user)."""
    with transaction(services.sessions) as session:
        found = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if found is None:
        raise NotFound(f"no account with the e-mail {email.strip()}")
    return found


def delete_account(services: Services, user_id: str) -> None:
    """The whole account, for real: jobs, covers, reviews, subjects and their photos, tokens
    and sessions, and every blob of them (see ``erasure``)."""
    with transaction(services.sessions) as session:
        user = session.scalar(select(User).where(User.id == user_id).with_for_update())
        if user is None:
            raise Unauthorized("this account no longer exists")
        erase_account(session, services.store, user)
    services.identities.clear()


def my_tokens(services: Services, user_id: str) -> list[TokenView]:
    with transaction(services.sessions) as session:
        return [TokenView.of(t) for t in list_personal_tokens(session, _user(session, user_id))]


def new_token(services: Services, user_id: str, name: str) -> NewTokenView:
    with transaction(services.sessions) as session:
        issued = issue_token(session, _user(session, user_id), "personal", name)
    return NewTokenView(id=issued.id, name=issued.name, prefix=issued.prefix,
                        created_at=issued.created_at, expires_at=None, token=issued.token)


def drop_token(services: Services, user_id: str, token_id: str) -> None:
    with transaction(services.sessions) as session:
        revoke_personal_token(session, _user(session, user_id), token_id)
    services.identities.clear()


def oauth_log_in(services: Services, provider: str, subject: str, email: str | None,
                 name: str) -> str:
    """The local user id for a provider identity (created on first login).

    What a provider says is input like any other: an unusable subject refuses the login, an
    unusable e-mail is left out, and the display name is cleaned.
    """
    try:
        subject = check_line(subject)
    except ValueError as exc:
        raise Unauthorized(f"{provider} login failed: unusable subject") from exc
    if not 1 <= len(subject) <= 255:
        raise Unauthorized(f"{provider} login failed: unusable subject")
    try:
        email = normalize_email(check_line(email)) if email else None
    except (ValueError, Invalid):
        email = None
    name = normalize(name)[:200]
    with transaction(services.sessions) as session:
        return oauth_user(session, provider, subject, email, name).id


def identify(services: Services, token: str) -> tuple[str, str | None] | None:
    """(user id, email) for a live token or session secret; None otherwise."""
    cached = services.identities.get(token)
    if cached is not None:
        return cached
    with transaction(services.sessions) as session:
        user = user_for_token(session, token)
        identity = (user.id, user.email) if user is not None else None
    if identity is not None:
        services.identities.put(token, identity)
    return identity
