"""Local file writes that never leave a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it (os.umask can only set it, and setting it
    even for a moment races with other threads creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # no /proc (macOS): the brief swap is the only way to read it
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync, then rename over ``path``. The file
    gets the mode any new file would (0644 under the usual umask 022): mkstemp makes it 0600,
    which would keep covers from other users and from a web server."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def slugify(text: str, max_length: int = 48) -> str:
    """A file-name-safe slug that keeps Hangul and kana (musicians name files in their script)."""
    text = unicodedata.normalize("NFKC", text).lower()
    # Letters, digits and combining marks (Thai vowels, Devanagari signs) stay; the rest is "-".
    kept = "".join(c if unicodedata.category(c)[0] in "LNM" else "-" for c in text)
    text = re.sub(r"-+", "-", kept).strip("-")
    return text[:max_length].strip("-") or "cover"
