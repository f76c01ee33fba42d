"""Reading multipart uploads: bounded file reads, and bodies that may be JSON or multipart."""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile as StarletteUpload

from sleeve.service.errors import Invalid, TooLarge, Unsupported

# What a multipart body may carry beyond its file: boundaries, part headers, small fields.
MULTIPART_OVERHEAD = 64 * 1024
_CHUNK = 1024 * 1024
Model = TypeVar("Model", bound=BaseModel)


async def read_upload(upload: StarletteUpload, field: str, limit: int) -> bytes:
    """The whole file, or 413 as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{field}: over the {limit / 1024 / 1024:.0f} MB limit", "too-large")
        parts.append(chunk)
    return b"".join(parts)


def _validated(model: type[Model], raw: bytes | str) -> Model:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        # Reported like FastAPI's own body errors (422, fields under "body").
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from exc


async def json_or_multipart(request: Request, model: type[Model], json_field: str,
                            file_field: str, file_limit: int) -> tuple[Model, bytes | None]:
    """The body as ``model``: either the JSON body itself, or multipart with the JSON in
    ``json_field`` and an optional file in ``file_field`` (at most ``file_limit`` bytes)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "multipart/form-data":
        return _validated(model, await request.body()), None
    form = await request.form(max_files=1, max_fields=4)
    raw = form.get(json_field)
    if not isinstance(raw, str):
        raise Invalid(f"{json_field}: send the request JSON as this form field")
    body = _validated(model, raw)
    upload = form.get(file_field)
    if upload is None:
        return body, None
    if not isinstance(upload, StarletteUpload):
        raise Unsupported(f"{file_field}: send a file")
    return body, await read_upload(upload, file_field, file_limit)


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with every ``$ref`` resolved in place, for ``openapi_extra``
    (which cannot add to the OpenAPI components)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(copy.deepcopy(definitions[ref.removeprefix("#/$defs/")]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved

