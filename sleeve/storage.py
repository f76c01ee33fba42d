"""Blob store over fsspec: ``file://`` by default, ``s3://`` or ``gs://`` by URL.

Writes are atomic: on local files a blob is written to a temporary name in the same directory
and renamed into place, so a reader sees the whole blob or nothing. Object stores publish an
object only when its upload completes, which gives the same guarantee.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import fsspec

from sleeve.files import write_atomic

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,299}$")


class BlobNotFoundError(KeyError):
    pass


class InvalidKeyError(ValueError):
    pass


def _check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key.split("/"):
        raise InvalidKeyError(f"invalid blob key {key!r}")
    return key


class BlobStore:
    def __init__(self, url: str, options: Mapping[str, Any] | None = None) -> None:
        """``options``: fsspec's for the protocol (an S3 endpoint and credentials, say)."""
        self.url = url
        remote = not url.startswith("file://") and "://" in url
        # A remote filesystem of its own, listing nothing from a cache: another process may
        # have written or deleted a blob since, and clients holding an event loop thread do
        # not survive a fork.
        extra: dict[str, Any] = (
            {"skip_instance_cache": True, "use_listings_cache": False, **(options or {})}
            if remote else dict(options or {}))
        try:
            self.fs, root = fsspec.core.url_to_fs(url, **extra)
        except ImportError as exc:
            # fsspec names the package to install (s3fs for s3://, gcsfs for gs://).
            raise ValueError(f"SLEEVE_STORAGE_URL {url.split('://')[0]}:// needs: {exc}") from exc
        except ValueError as exc:
            raise ValueError(f"SLEEVE_STORAGE_URL is not a usable URL: {exc}") from exc
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple)
                                else (self.fs.protocol,))
        self.root = str(Path(root).resolve()) if self.local else root.rstrip("/")
        if self.local:
            Path(self.root).mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> str:
        return posixpath.join(self.root, _check_key(key))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if not self.local:
            self.fs.pipe_file(path, data)
            return
        write_atomic(Path(path), data)

    def get(self, key: str) -> bytes:
        try:
            data = self.fs.cat_file(self._path(key))
        except FileNotFoundError as exc:
            raise BlobNotFoundError(key) from exc
        assert isinstance(data, bytes)
        return data

    def chunks(self, key: str, size: int = 1 << 20) -> Iterator[bytes]:
        """The blob in pieces of ``size`` bytes (to stream it without holding it whole).
        Raises BlobNotFoundError at once, before the first piece is asked for."""
        try:
            handle = self.fs.open(self._path(key), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFoundError(key) from exc

        def read() -> Iterator[bytes]:
            with handle:
                while piece := handle.read(size):
                    yield piece

        return read()

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._path(key)))

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._path(key))

    def keys(self, prefix: str = "") -> list[str]:
        """Every key under ``prefix`` (a folder such as ``subjects/abc/``), sorted."""
        base = self.root if not prefix else self._path(prefix.rstrip("/"))
        try:
            found = self.fs.find(base, detail=False)
        except FileNotFoundError:
            return []
        root = self.root.rstrip("/") + "/"
        return sorted(str(path)[len(root):] for path in found if str(path).startswith(root))

    def delete_prefix(self, prefix: str) -> None:
        """Deletes every blob under the folder ``prefix`` (``subjects/abc/``), the temporary
        files of writes that were interrupted (a killed worker) included; a folder that holds
        nothing is fine. The prefix must end with ``/``, so ``covers/ab`` can never
        take ``covers/abc`` with it."""
        if not prefix.endswith("/"):
            raise InvalidKeyError(f"a prefix to delete ends with '/': {prefix!r}")
        path = self._path(prefix.rstrip("/"))
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(path, recursive=True)

    def ping(self) -> None:
        """Raises when the store cannot be reached or refuses writes (for /readyz): a store
        that only reads (a disk remounted read-only, a full one) fails every job. An object
        store has no folders until something is written under a prefix, so there the bucket
        is listed."""
        try:
            self.fs.ls(self.root if self.local else self.root.split("/", 1)[0], detail=False)
        except OSError:
            raise
        except Exception as exc:  # remote clients raise their own (botocore's, gcsfs')
            raise OSError(f"storage unreachable: {exc}") from exc
        # A local root that is gone (an unmounted volume) failed above, not re-created here.
        key = f"sleeve-ready/{uuid.uuid4().hex}"
        self.put(key, b"")
        self.delete(key)
