"""A real S3-compatible server for storage tests: moto in server mode, in its own process on
loopback (never a mocked client: Sleeve talks to it over HTTP through s3fs like to S3)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

KEY, SECRET, REGION = "sleeve-test", "sleeve-test-secret", "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    def options(self) -> dict[str, Any]:
        return {"endpoint_url": self.endpoint, "key": KEY, "secret": SECRET,
                "client_kwargs": {"region_name": REGION}}

    def options_json(self) -> str:
        return json.dumps(self.options())

    def url(self, prefix: str | None = None) -> str:
        return f"s3://{self.bucket}/{prefix or uuid.uuid4().hex}"

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=KEY,
                            aws_secret_access_key=SECRET, region_name=REGION)

    def keys(self, prefix: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
        import s3fs  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"S3 tests need the dev extra ({exc})") from exc
        pytest.skip(f"S3 tests need the dev extra ({exc})")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from moto.server import main; main()",
         "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = S3Server(f"http://127.0.0.1:{port}", f"sleeve-{uuid.uuid4().hex[:8]}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.client().create_bucket(Bucket=server.bucket)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
