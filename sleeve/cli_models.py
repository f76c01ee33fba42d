"""`sleeve retrain` and `sleeve models list|events|promote|rollback`: the learning loop from
the command line. The CLI acts with database access, so it needs no admin login; every
promotion and rollback still records who (``--by``, default the OS user) and why."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from sleeve.cli_output import (
    EXIT_FAILED,
    cli_services,
    fail,
    out,
    service_errors,
)

models_app = typer.Typer(help="The model registry: style policies and LoRA fine-tunes.",
                         no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why; kept on the event.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who; default: the OS user.")]



def _actor(by: str | None) -> str:
    return by or f"cli:{getpass.getuser()}"



def _emit(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str) + "\n")
        return
    table = Table(*columns, box=None)
    for row in rows:
        table.add_row(*(str(row.get(c) if row.get(c) is not None else "") for c in columns))
    out.print(table)


def retrain(
    kind: Annotated[str, typer.Option("--kind", help="policy or lora.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Promote even if the off-policy gate fails (needs --reason).")] = False,
    reason: ReasonOption = "",
    by: ByOption = None,
    if_needed: Annotated[bool, typer.Option(
        "--if-needed", help="Only when the rating-drop check fires.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Fit a new style policy (promoted only behind its DR gate) or train a LoRA candidate."""
    from sleeve.service import models

    if kind not in models.RETRAIN_KINDS:
        fail(f"--kind: choose one of {', '.join(models.RETRAIN_KINDS)}")
    if force and not reason.strip():
        fail("--force needs --reason: a forced promotion records who and why")
    with service_errors():
        services = cli_services()
        if if_needed:
            from sleeve.jobs.context import JobContext
            from sleeve.jobs.learning_tasks import drop_check

            ctx = JobContext(services.sessions, services.store, services.settings)
            if not drop_check(ctx).triggered:
                _emit([{"kind": kind, "outcome": "skipped", "reason": "ratings did not drop"}],
                      ("kind", "outcome", "reason"), as_json)
                return
        result = models.retrain(services, kind, force=force, reason=reason,
                                actor=_actor(by)).as_dict()
    _emit([result], ("kind", "outcome", "model_id", "version", "reason"), as_json)
    if result["outcome"] == "failed":
        raise typer.Exit(EXIT_FAILED)


@models_app.command("list")
def models_list(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every registered version, newest first per kind."""
    from sleeve.service import models

    with service_errors():
        rows = [m.model_dump(mode="json") for m in models.list_models(cli_services(), kind)]
    _emit(rows, ("id", "kind", "version", "state", "created_at", "promoted_at"), as_json)


@models_app.command("events")
def models_events(
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Registrations, promotions, rollbacks and retirements, newest first."""
    from sleeve.service import models

    with service_errors():
        rows = [e.model_dump(mode="json") for e in models.list_events(cli_services(), kind=kind)]
    _emit(rows, ("created_at", "kind", "action", "model_version_id", "actor", "reason"),
          as_json)


@models_app.command("promote")
def models_promote(model_id: str, reason: ReasonOption = "", by: ByOption = None,
                   as_json: JsonOption = False) -> None:
    """Make a version live (the live one of its kind is retired)."""
    from sleeve.service import models

    with service_errors():
        view = models.promote_as(cli_services(), _actor(by), model_id, reason)
    _emit([view.model_dump(mode="json")], ("id", "kind", "version", "state"), as_json)


@models_app.command("rollback")
def models_rollback(model_id: str, reason: ReasonOption = "", by: ByOption = None,
                    as_json: JsonOption = False) -> None:
    """Take the live version out and bring back the one live before it."""
    from sleeve.service import models

    with service_errors():
        view = models.rollback_as(cli_services(), _actor(by), model_id, reason)
    _emit([view.model_dump(mode="json")], ("id", "kind", "version", "state"), as_json)
