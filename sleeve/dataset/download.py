"""``--urls``: fetch images politely into a directory, resumably.

Bounded concurrency overall and per host, a minimum gap between requests to one host,
timeouts, a byte limit (Content-Length checked first, then counted while streaming), retries
with backoff on timeouts, connection errors, 429 and 5xx. Every finished URL is appended to
``state.jsonl`` in the download directory: a second run skips URLs already fetched and those
that failed for good (404, too large, not an image); transient failures are tried again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from sleeve.dataset.items import SourceItem, item_key

STATE = "state.jsonl"
# Magic numbers of the formats Pillow reads for us; anything else is "not an image".
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF", b"BM",
          b"II*\x00", b"MM\x00*")


@dataclass(frozen=True)
class DownloadOptions:
    concurrency: int = 16
    per_host: int = 2
    host_interval_s: float = 0.25  # between request starts to one host
    timeout_s: float = 20.0
    max_bytes: int = 50_000_000
    retries: int = 2
    backoff_s: float = 1.0
    user_agent: str = "SleeveDatasetBuilder/1.0 (+https://github.com/sleeve)"


@dataclass(frozen=True)
class Fetched:
    url: str
    ok: bool
    reason: str = ""  # why not, when not ok
    permanent: bool = False  # not worth trying again


class _Skip(Exception):
    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


def read_url_list(path: Path) -> list[tuple[str, dict[str, str]]]:
    """One URL a line (``#`` comments), or JSON Lines with ``url`` and metadata fields."""
    text = path.read_text(encoding="utf-8")
    found: list[tuple[str, dict[str, str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"--urls: line {number} is not JSON ({exc.msg})") from exc
            url, meta = str(row.pop("url", "")), {k: str(v) for k, v in row.items()}
        else:
            url, meta = line, {}
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"--urls: line {number} is not an http(s) URL")
        found.append((url, meta))
    return found


def file_for(directory: Path, url: str) -> Path:
    return directory / f"{item_key(url)}.img"


class _Host:
    def __init__(self, slots: int) -> None:
        self.slots = asyncio.Semaphore(slots)
        self.lock = asyncio.Lock()
        self.last = 0.0


class Downloader:
    def __init__(self, directory: Path, options: DownloadOptions,
                 on_done: Callable[[Fetched], None] | None = None) -> None:
        self.directory = directory
        self.options = options
        self.on_done = on_done
        self.hosts: dict[str, _Host] = {}

    def done_before(self) -> dict[str, dict[str, Any]]:
        state = self.directory / STATE
        if not state.exists():
            return {}
        found: dict[str, dict[str, Any]] = {}
        for line in state.read_text().splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            if entry["ok"] and not file_for(self.directory, entry["url"]).exists():
                continue
            if entry["ok"] or entry.get("permanent"):
                found[entry["url"]] = entry
        return found

    async def _polite(self, host: _Host) -> None:
        async with host.lock:
            wait = host.last + self.options.host_interval_s - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            host.last = time.monotonic()

    async def _once(self, client: httpx.AsyncClient, url: str) -> bytes:
        async with client.stream("GET", url) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Skip(f"HTTP {response.status_code}", permanent=False)
            if response.status_code != 200:
                raise _Skip(f"HTTP {response.status_code}", permanent=True)
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > self.options.max_bytes:
                raise _Skip("too large", permanent=True)
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self.options.max_bytes:
                    raise _Skip("too large", permanent=True)
        if not bytes(body[:12]).startswith(_MAGIC):
            raise _Skip("not an image", permanent=True)
        return bytes(body)

    async def fetch(self, client: httpx.AsyncClient, overall: asyncio.Semaphore,
                    url: str) -> Fetched:
        host = self.hosts.setdefault(urlsplit(url).netloc, _Host(self.options.per_host))
        result = Fetched(url, False, "not tried")
        async with host.slots, overall:  # a busy host must not hold global slots
            for attempt in range(self.options.retries + 1):
                if attempt:
                    await asyncio.sleep(self.options.backoff_s * 2 ** (attempt - 1))
                await self._polite(host)
                try:
                    data = await self._once(client, url)
                except _Skip as skip:
                    result = Fetched(url, False, skip.reason, skip.permanent)
                except httpx.TimeoutException:
                    result = Fetched(url, False, "timeout")
                except httpx.HTTPError as exc:
                    result = Fetched(url, False, f"network: {type(exc).__name__}")
                else:
                    path = file_for(self.directory, url)
                    tmp = path.with_suffix(".part")
                    tmp.write_bytes(data)
                    tmp.replace(path)
                    result = Fetched(url, True)
                    break
                if result.permanent:
                    break
        with (self.directory / STATE).open("a") as state:
            state.write(json.dumps({"url": url, "ok": result.ok, "reason": result.reason,
                                    "permanent": result.permanent}) + "\n")
        if self.on_done is not None:
            self.on_done(result)
        return result

    async def run(self, urls: list[str]) -> list[Fetched]:
        self.directory.mkdir(parents=True, exist_ok=True)
        timeout = httpx.Timeout(self.options.timeout_s)
        overall = asyncio.Semaphore(self.options.concurrency)
        headers = {"User-Agent": self.options.user_agent}
        async with httpx.AsyncClient(timeout=timeout, headers=headers,
                                     follow_redirects=True) as client:
            return list(await asyncio.gather(*(self.fetch(client, overall, u) for u in urls)))


def download(entries: list[tuple[str, dict[str, str]]], directory: Path,
             options: DownloadOptions, on_done: Callable[[Fetched], None] | None = None
             ) -> tuple[list[SourceItem], dict[str, str]]:
    """Fetches what is not fetched yet; the images as items, and each failed URL's reason."""
    downloader = Downloader(directory, options, on_done)
    before = downloader.done_before()
    todo = [url for url, _ in entries if url not in before]
    if on_done is not None:  # what an earlier run finished counts as done for the progress bar
        for url, _ in entries:
            if url in before:
                on_done(Fetched(url, before[url]["ok"], before[url]["reason"], True))
    fetched = asyncio.run(downloader.run(todo)) if todo else []
    outcome = {u: (e["ok"], e["reason"]) for u, e in before.items()}
    outcome.update({f.url: (f.ok, f.reason) for f in fetched})
    items, failed = [], {}
    for url, meta in entries:
        ok, reason = outcome.get(url, (False, "not tried"))
        if ok:
            items.append(SourceItem(url, "file", str(file_for(directory, url).resolve()), meta))
        else:
            failed[url] = reason
    return items, failed
