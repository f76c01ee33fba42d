"""`sleeve subjects add|list|delete|train`: a musician's photos from the command line.

The CLI works against the configured database and store (SLEEVE_DATABASE_URL,
SLEEVE_STORAGE_URL) with the operator's access, so it needs no login; it acts for the account
named by ``--user EMAIL`` (required: subjects always belong to someone, and photos of a person
are stored only for the account they were given to).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sleeve.cli_output import (
    EXIT_FAILED,
    cli_services,
    fail,
    out,
    service_errors,
)

subjects_app = typer.Typer(
    help="Subjects: your own photos, for covers that feature you (stored with your consent; "
         "`delete` removes every file).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
UserOption = Annotated[str, typer.Option(
    "--user", metavar="EMAIL", help="The account the subject belongs to (required).")]




def _write_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str, ensure_ascii=False) + "\n")


def _read_photos(paths: list[Path]) -> list[tuple[Path, bytes]]:
    from sleeve.photos import PHOTO_LIMITS
    from sleeve.schemas.subjects import MAX_PHOTOS

    if len(paths) > MAX_PHOTOS:
        fail(f"PHOTO: at most {MAX_PHOTOS} photos per subject; {len(paths)} given")
    read = []
    for path in paths:
        try:
            # Counted before reading: a huge file is refused without loading it.
            if path.stat().st_size > PHOTO_LIMITS.max_bytes:
                fail(f"{path}: over the {PHOTO_LIMITS.max_bytes // (1024 * 1024)} MB limit")
            read.append((path, path.read_bytes()))
        except OSError as exc:
            fail(f"{path}: cannot read it ({exc.strerror or exc})")
    return read


@subjects_app.command("add")
def subjects_add(
    name: Annotated[str, typer.Argument(
        metavar="NAME", help="Who is in the photos (1 to 100 characters).")],
    photos: Annotated[list[Path], typer.Argument(
        help="JPEG, PNG or WebP photos (≤ 15 MB, ≤ 40 MP), each with exactly one clear face.",
        metavar="PHOTO")],
    user: UserOption,
    consent: Annotated[bool, typer.Option(
        "--consent", help="Required: the person agrees that these photos (cleaned of all "
                          "metadata) are stored and used for their covers until deleted.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a subject from photos. All or nothing: if any photo is refused (no face,
    several faces, too small, wrong type...), nothing is kept and each refusal is named."""
    from sleeve.service import accounts, subjects
    from sleeve.service.errors import ServiceError

    if not consent:
        fail("--consent is required: photos of a person are stored only with their consent")
    files = _read_photos(photos)
    with service_errors():
        services = cli_services()
        user_id = accounts.account_id(services, user)
        subject = subjects.create_subject(services, user_id, name, consent)
        accepted, refused = [], []
        try:
            for path, data in files:
                try:
                    accepted.append(subjects.add_photo(services, user_id, subject.id, data))
                except ServiceError as exc:
                    refused.append(f"{path}: {exc.detail.removeprefix('file: ')}")
        finally:
            if refused or len(accepted) < len(files):
                subjects.delete_subject(services, user_id, subject.id)
        if refused:
            fail("nothing was kept; " + "; ".join(refused))
        view = subjects.get_subject(services, user_id, subject.id)
    if as_json:
        _write_json(view.model_dump(mode="json"))
        return
    out.print(f"{view.id}  {escape(view.name)}: {len(view.photos)} photo(s) accepted")
    for path, photo in zip(photos, view.photos, strict=True):
        out.print(f"  {escape(str(path))}: {photo.verdict} ({photo.reason})")


@subjects_app.command("list")
def subjects_list(user: UserOption, as_json: JsonOption = False) -> None:
    """The account's subjects, with their photos and training state."""
    from sleeve.service import accounts, subjects

    with service_errors():
        services = cli_services()
        found = subjects.list_subjects(services, accounts.account_id(services, user))
    if as_json:
        _write_json([s.model_dump(mode="json") for s in found])
        return
    if not found:
        out.print("no subjects")
    for s in found:
        out.print(f"{s.id}  {escape(s.name)}  {len(s.photos)} photo(s)  {s.state}  "
                  f"created {s.created_at:%Y-%m-%d %H:%M}")


@subjects_app.command("delete")
def subjects_delete(
    subject_id: Annotated[str, typer.Argument(metavar="ID", help="The subject's id.")],
    user: UserOption,
    as_json: JsonOption = False,
) -> None:
    """Delete the subject: its photos, crops, thumbnails and trained weights, from the
    database and the store. Covers already made stay."""
    from sleeve.service import accounts, subjects

    with service_errors():
        services = cli_services()
        subjects.delete_subject(services, accounts.account_id(services, user), subject_id)
    if as_json:
        _write_json({"id": subject_id, "deleted": True})
    else:
        out.print(f"{subject_id} deleted, with every stored file of it")


@subjects_app.command("train")
def subjects_train(
    subject_id: Annotated[str, typer.Argument(metavar="ID", help="The subject's id.")],
    user: UserOption,
    as_json: JsonOption = False,
) -> None:
    """Queue the training of the subject's DreamBooth-LoRA (needs the diffusion engine on a
    GPU worker; exit 1 with the reason when there is none)."""
    from sleeve.db.engine import transaction
    from sleeve.service import accounts, subjects
    from sleeve.service.subject_training import start_training

    with service_errors():
        services = cli_services()
        user_id = accounts.account_id(services, user)
        subjects.get_subject(services, user_id, subject_id)  # 404 first, as the API does
        with transaction(services.sessions) as session:
            training = subjects.training_availability(services, session)
        if not training.available:
            fail(f"training needs the diffusion engine: {training.reason}", EXIT_FAILED)
        job = start_training(services, user_id, subject_id).model_dump(mode="json")
    if as_json:
        _write_json(job)
    else:
        out.print(f"training queued: job {job['id']} (follow it with the API: "
                  f"/v1/jobs/{job['id']})")
