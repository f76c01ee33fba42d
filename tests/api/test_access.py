"""The access-control matrix: every route in the OpenAPI document has a rule, and the rule
holds. User B tries to read, change and delete each kind of user A's resource and is told it
does not exist (404, the same answer as for an id that never existed); anonymous calls to
protected routes get 401; admin-only routes give other users 403. A new route without an entry
in ``RULES`` fails the test until someone decides who may call it.

One PostgreSQL database; A's covers are rendered once by a worker, then every call goes to an
app without workers (so nothing a call creates is rendered).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import update

from sleeve.api.app import create_app
from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.db.types import utcnow
from sleeve.service.roles import ADMIN, set_role
from tests.photos.faces import face_jpeg
from tests.service.fixtures import finished_job, job_body, migrated_database, new_user

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
PROBLEM = "application/problem+json"

# Who may call a route:
#   public     anyone, credentials or not; it shows nobody's own data
#   maybe      anonymous allowed: public covers for anyone, private ones only for their owner
#   owner      signed in; every id in the path must be the caller's own (else 404)
#   admin      signed in with the admin role (else 403)
Kind = Literal["public", "maybe", "owner", "admin"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Rule:
    kind: Kind
    # A valid body (JSON, or multipart files), so that a refusal is about access, not input.
    body: Callable[[], Any] | None = None
    files: Callable[[], dict[str, Any]] | None = None
    # The owner's own call, when B's would change something the matrix still needs
    # (publishing A's private cover): the same route, a harmless body.
    owner_body: Callable[[], Any] | None = None


PASSWORD = "correct horse 1"
LOGIN_EMAIL = f"login{uuid.uuid4().hex[:10]}@example.com"


def _email() -> str:
    return f"acl{uuid.uuid4().hex[:10]}@example.com"


RULES: dict[str, Rule] = {
    "GET /healthz": Rule("public"),
    "GET /metrics": Rule("public"),
    "GET /readyz": Rule("public"),
    "POST /v1/auth/register": Rule("public", body=lambda: {"email": _email(),
                                                            "password": PASSWORD}),
    "POST /v1/auth/login": Rule("public", body=lambda: {"email": LOGIN_EMAIL,
                                                         "password": PASSWORD}),
    "POST /v1/auth/logout": Rule("owner"),
    "GET /v1/auth/oauth/{provider}/login": Rule("public"),
    "GET /v1/auth/oauth/{provider}/callback": Rule("public"),
    "GET /v1/me": Rule("owner"),
    "GET /v1/me/covers": Rule("owner"),
    "GET /v1/me/tokens": Rule("owner"),
    "POST /v1/me/tokens": Rule("owner", body=lambda: {"name": "acl"}),
    "DELETE /v1/me/tokens/{token_id}": Rule("owner"),
    "POST /v1/jobs": Rule("owner", body=lambda: job_body(count=1)),
    "GET /v1/jobs/{job_id}": Rule("owner"),
    "POST /v1/jobs/{job_id}/cancel": Rule("owner"),
    "GET /v1/jobs/{job_id}/events": Rule("owner"),
    "GET /v1/jobs/{job_id}/video": Rule("owner"),
    "GET /v1/covers/{cover_id}": Rule("maybe"),
    "PATCH /v1/covers/{cover_id}": Rule("owner", body=lambda: {"is_public": True},
                                        owner_body=lambda: {"is_public": False}),
    "GET /v1/covers/{cover_id}/image": Rule("maybe"),
    "GET /v1/covers/{cover_id}/kit": Rule("maybe"),
    "POST /v1/covers/{cover_id}/motion": Rule("owner", body=lambda: {"preset": "canvas"}),
    # Anyone may review a public cover; A's is private.
    "POST /v1/covers/{cover_id}/reviews": Rule(
        "owner", body=lambda: {"rating": 1, "comment": "B was here"},
        owner_body=lambda: {"rating": 5, "comment": "mine"}),
    "GET /v1/gallery": Rule("public"),
    "DELETE /v1/me": Rule("owner"),  # B deletes B's own account (B is new each time)
    "POST /v1/subjects": Rule("owner", body=lambda: {"name": "acl", "consent": True}),
    "GET /v1/subjects": Rule("owner"),
    "GET /v1/subjects/{subject_id}": Rule("owner"),
    "DELETE /v1/subjects/{subject_id}": Rule("owner"),
    "POST /v1/subjects/{subject_id}/photos": Rule(
        "owner", files=lambda: {"file": ("me.jpg", face_jpeg(), "image/jpeg")}),
    "GET /v1/subjects/{subject_id}/photos/{photo_id}/thumbnail": Rule("owner"),
    "DELETE /v1/subjects/{subject_id}/photos/{photo_id}": Rule("owner"),
    "POST /v1/subjects/{subject_id}/train": Rule("owner"),
    "POST /v1/check": Rule("owner", files=lambda: {"file": ("c.png", _png(), "image/png")}),
    "GET /v1/models": Rule("owner"),
    "GET /v1/models/events": Rule("admin"),
    "POST /v1/models/{model_id}/promote": Rule("admin", body=lambda: {"reason": "acl"}),
    "POST /v1/models/{model_id}/rollback": Rule("admin", body=lambda: {"reason": "acl"}),
    "GET /v1/runs": Rule("admin"),
    "GET /v1/reports/latest": Rule("admin"),
    "GET /v1/reports/{report_id}": Rule("admin"),
}


def _routes(spec: dict[str, Any]) -> set[str]:
    return {f"{method.upper()} {path}" for path, operations in spec["paths"].items()
            for method in operations}


# Parametrised from the snapshot (which test_openapi keeps equal to the live document) and the
# table, so a route missing on either side is a failing case of its own.
ROUTES = sorted(_routes(json.loads(SNAPSHOT.read_text())) | set(RULES))


@dataclass
class World:
    client: TestClient
    a: dict[str, str]
    admin: dict[str, str]
    job_id: str
    cover_id: str
    a_ids: set[str]

    def fresh(self, who: dict[str, str]) -> tuple[dict[str, str], str]:
        """A new token of ``who`` (bearer headers, token id), for a call to revoke."""
        made = self.client.post("/v1/me/tokens", json={"name": "acl"}, headers=who)
        assert made.status_code == 201, made.text
        return {"Authorization": f"Bearer {made.json()['token']}"}, made.json()["id"]

    def subject(self) -> str:
        made = self.client.post("/v1/subjects", json={"name": "A's face", "consent": True},
                                headers=self.a)
        assert made.status_code == 201, made.text
        subject_id: str = made.json()["id"]
        self.a_ids.add(subject_id)
        return subject_id

    def photo(self, subject_id: str) -> str:
        made = self.client.post(f"/v1/subjects/{subject_id}/photos", headers=self.a,
                                files={"file": ("a.jpg", face_jpeg(), "image/jpeg")})
        assert made.status_code == 201, made.text
        photo_id: str = made.json()["id"]
        self.a_ids.add(photo_id)
        return photo_id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("access")
    for url in migrated_database("postgresql", tmp):
        values: dict[str, Any] = {
            "database_url": url, "storage_url": f"file://{tmp / 'blobs'}", "concurrency": 1,
            "job_poll_s": 0.05, "rate_limit_jobs_per_minute": 10_000, "variant_wait_s": 0.0}
        with TestClient(create_app(Settings(**values)), raise_server_exceptions=False) as maker:
            a = new_user(maker)
            job = finished_job(maker, a, count=1)
        with TestClient(create_app(Settings(**values, embedded_worker=False)),
                        raise_server_exceptions=False) as client:
            admin_email = _email()
            for email in (admin_email, LOGIN_EMAIL):
                assert client.post("/v1/auth/register", json={
                    "email": email, "password": PASSWORD}).status_code == 201
            set_role(client.app.state.services.sessions, admin_email, ADMIN,  # type: ignore[attr-defined]
                     "tests")
            admin = client.post("/v1/auth/login", json={"email": admin_email,
                                                        "password": PASSWORD})
            client.cookies.clear()
            cover_id = job["covers"][0]["id"]
            assert client.get(f"/v1/covers/{cover_id}", headers=a).json()["is_public"] is False
            review = client.post(f"/v1/covers/{cover_id}/reviews",
                                 json={"rating": 5, "comment": "mine"}, headers=a)
            assert review.status_code == 201, review.text
            yield World(client, a, {"Authorization": f"Bearer {admin.json()['access_token']}"},
                        job["id"], cover_id, {job["id"], cover_id})
            with transaction(client.app.state.services.sessions) as session:  # type: ignore[attr-defined]
                session.execute(update(Job).where(Job.state == "queued")
                                .values(state="cancelled", finished_at=utcnow()))


def _call(world: World, method: str, path: str, rule: Rule, headers: dict[str, str],
          owner: bool = False) -> Any:
    make_body = rule.owner_body if owner and rule.owner_body else rule.body
    kwargs: dict[str, Any] = {"headers": headers}
    if make_body is not None:
        kwargs["json"] = make_body()
    if rule.files is not None:
        kwargs["files"] = rule.files()
    response = world.client.request(method, path, **kwargs)
    world.client.cookies.clear()  # a login's cookie must not authenticate the next call
    return response


def _detail(response: Any, ids: list[str]) -> str:
    """The problem's detail with the ids in it blanked, to compare two answers."""
    assert response.headers["content-type"] == PROBLEM, response.text
    detail: str = response.json()["detail"]
    for row_id in ids:
        detail = detail.replace(row_id, "ID")
    return detail


def _assert_intact(world: World, a_token: dict[str, str], subject_id: str | None) -> None:
    """B's attempts changed nothing of A's: the job, the private cover, A's review, A's
    token and subject."""
    job = world.client.get(f"/v1/jobs/{world.job_id}", headers=world.a)
    assert job.status_code == 200 and job.json()["state"] == "succeeded", job.text
    cover = world.client.get(f"/v1/covers/{world.cover_id}", headers=world.a).json()
    assert cover["is_public"] is False and cover["rating_count"] == 1, cover
    assert cover["my_review"]["comment"] == "mine", cover
    assert world.client.get("/v1/me", headers=a_token).status_code == 200
    if subject_id is not None:
        assert subject_id in world.client.get("/v1/subjects", headers=world.a).text


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_enforces_its_rule(world: World, route: str) -> None:
    live = _routes(world.client.get("/openapi.json").json())
    assert route in live, f"{route} is in RULES but not in the OpenAPI document"
    assert route in RULES, f"{route} has no access rule: add it to RULES in {__file__}"
    rule = RULES[route]
    method, template = route.split(" ", 1)
    names = re.findall(r"\{(\w+)\}", template)
    b = new_user(world.client)  # B is new each time: a route may log B out or delete B
    a_token, a_token_id = world.fresh(world.a)
    a_values: dict[str, str] = {
        "job_id": world.job_id, "cover_id": world.cover_id, "token_id": a_token_id,
        "model_id": uuid.uuid4().hex, "report_id": uuid.uuid4().hex, "provider": "github"}
    subject_id = world.subject() if "subject_id" in names else None
    if subject_id is not None:
        a_values["subject_id"] = subject_id
    if "photo_id" in names:
        assert subject_id is not None
        a_values["photo_id"] = world.photo(subject_id)
    missing = [n for n in names if n not in a_values]
    assert not missing, f"{route}: say whose {missing} the matrix uses (a_values)"
    path = template.format(**a_values)
    ids = [a_values[n] for n in names]
    never_ids = [uuid.uuid4().hex for _ in names]
    nowhere = template.format(**dict(zip(names, never_ids, strict=True)))

    anonymous = _call(world, method, path, rule, {})
    assert anonymous.status_code < 500, (route, anonymous.text)
    if rule.kind in {"owner", "admin"}:
        assert anonymous.status_code == 401, (route, anonymous.status_code, anonymous.text)
        assert anonymous.headers["content-type"] == PROBLEM
    else:
        assert anonymous.status_code != 401, (route, anonymous.text)

    as_b = _call(world, method, path, rule, b)
    assert as_b.status_code < 500, (route, as_b.text)
    _assert_intact(world, a_token, subject_id)
    if rule.kind == "admin":
        assert as_b.status_code == 403, (route, as_b.status_code, as_b.text)
        assert as_b.headers["content-type"] == PROBLEM
        # The admin gets past the role check (to the resource, which may not exist).
        as_admin = _call(world, method, path, rule, world.admin)
        assert as_admin.status_code not in {401, 403}, (route, as_admin.text)
    elif names and rule.kind in {"owner", "maybe"}:
        # Indistinguishable from an id that never existed: 404 and the same words.
        never = _call(world, method, nowhere, rule, b)
        assert as_b.status_code == never.status_code == 404, (route, as_b.text, never.text)
        assert _detail(as_b, ids) == _detail(never, never_ids), (route, as_b.text, never.text)
        if rule.kind == "maybe":
            assert anonymous.status_code == 404, (route, anonymous.text)
        # A, the owner, is not refused: not 401/403, and not the "never existed" 404.
        as_a = _call(world, method, path, rule, world.a, owner=True)
        assert as_a.status_code not in {401, 403}, (route, as_a.text)
        if as_a.status_code == 404:
            assert _detail(as_a, ids) != _detail(never, never_ids), (route, as_a.text)
    elif rule.kind == "owner":
        # No id in the path: B acts on B's own things, and sees nothing of A's.
        assert as_b.status_code in {200, 201, 202, 204}, (route, as_b.status_code, as_b.text)
        leaked = [row_id for row_id in world.a_ids if row_id in as_b.text]
        assert not leaked, (route, leaked)
