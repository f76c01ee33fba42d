"""Every input the OpenAPI document names, and a request that sets one of them to a given
value while every other required input is valid: for tests that try hostile values on all."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from sleeve.core.fields import EMAIL_PATTERN


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(spec, option)
    return schema


def _valid(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A small valid value for ``schema`` (so that only the value under test is hostile)."""
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: _valid(spec, v) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if schema.get("pattern") == EMAIL_PATTERN:
        return f"v{uuid.uuid4().hex[:8]}@example.com"
    return "x" * max(1, schema.get("minLength", 1))


def text_inputs(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, list[str], str]]:
    """(method, path, where, name path, type) for every string or integer input."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                kind = _resolve(spec, param["schema"]).get("type")
                if kind in {"string", "integer"}:
                    yield method, path, param["in"], [param["name"]], kind
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                yield from _body_inputs(spec, method, path, body["schema"], [])


def _body_inputs(spec: dict[str, Any], method: str, path: str, schema: dict[str, Any],
                  prefix: list[str]) -> Iterator[tuple[str, str, str, list[str], str]]:
    for name, prop in _resolve(spec, schema).get("properties", {}).items():
        kind = _resolve(spec, prop).get("type")
        if kind == "object":
            yield from _body_inputs(spec, method, path, prop, [*prefix, name])
        elif kind in {"string", "integer"}:
            yield method, path, "body", [*prefix, name], kind


def request_for(client: TestClient, spec: dict[str, Any], method: str, path: str, where: str,
             names: list[str], value: Any, auth: dict[str, str]) -> Any:
    operation = spec["paths"][path][method]
    url, query, headers = path, {}, dict(auth)
    for param in operation.get("parameters", []):
        chosen = value if (param["in"], [param["name"]]) == (where, names) else \
            _valid(spec, param["schema"]) if param.get("required") else None
        if chosen is None:
            continue
        if param["in"] == "path":
            shown = uuid.uuid4().hex if chosen == "x" else str(chosen)
            url = url.replace("{" + param["name"] + "}", quote(shown, safe=""))
        elif param["in"] == "query":
            query[param["name"]] = str(chosen)
        elif param["in"] == "header":
            headers[param["name"]] = str(chosen).encode()  # type: ignore[assignment]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return client.request(method, url, params=query, headers=headers)
    payload = _valid(spec, body["schema"])
    if where == "body":
        target = payload
        for name in names[:-1]:
            target = target.setdefault(name, {})
        target[names[-1]] = value
    # ensure_ascii: a lone surrogate travels as the JSON escape \ud800.
    return client.request(method, url, params=query, content=json.dumps(payload).encode(),
                          headers={**headers, "Content-Type": "application/json"})
