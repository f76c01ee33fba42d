"""``/v1/me``: the caller, their API tokens and their covers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from sleeve.api.deps import RowId, ServicesDep, UserDep
from sleeve.api.listing import ListParamsDep
from sleeve.api.session_cookie import end_session
from sleeve.schemas.accounts import NewToken, NewTokenView, TokenView, UserView
from sleeve.schemas.gallery import Page
from sleeve.service import accounts, listing

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get("")
def me(user: UserDep, services: ServicesDep) -> UserView:
    return accounts.who_am_i(services, user.id)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(user: UserDep, services: ServicesDep, response: Response) -> None:
    """Deletes the account and everything in it: jobs, covers (and the reviews on them),
    the caller's reviews, subjects and their photos, tokens, sessions and every stored file.
    Cannot be undone."""
    accounts.delete_account(services, user.id)
    end_session(services, response)


@router.get("/tokens")
def list_tokens(user: UserDep, services: ServicesDep) -> list[TokenView]:
    return accounts.my_tokens(services, user.id)


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(body: NewToken, user: UserDep, services: ServicesDep) -> NewTokenView:
    return accounts.new_token(services, user.id, body.name)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: RowId, user: UserDep, services: ServicesDep) -> None:
    accounts.drop_token(services, user.id, token_id)


@router.get("/covers")
def my_covers(
    user: UserDep, services: ServicesDep, params: ListParamsDep,
    sort: Annotated[listing.Sort, Query(description=(
        "`new`: newest first; `top`: best rated first."))] = "new",
) -> Page:
    return listing.my_covers(services, user.id, params.filters(sort), params.cursor,
                             params.limit)
