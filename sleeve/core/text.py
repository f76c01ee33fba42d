"""Unicode normalisation shared by every piece of user text."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi-control characters that are invisible but change comparison and layout.
_INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}
# Line and paragraph separators a paste from a word processor or a web page brings along.
_LINE_BREAKS = {"\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c"}
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")


def _keep(ch: str, keep_newlines: bool) -> bool:
    if ch in _INVISIBLE:
        return False
    if keep_newlines and ch == "\n":
        return True
    # Cc = control, Cs = lone surrogates, Co/Cn = private/unassigned: none can be typeset.
    return unicodedata.category(ch) not in {"Cc", "Cs", "Cn", "Co"}


def normalize(value: str, *, multiline: bool = False) -> str:
    """NFC, invisible/control characters removed, whitespace collapsed, trimmed.

    With ``multiline`` line breaks survive (lyrics), each line collapsed on its own and runs of
    blank lines reduced to one.
    """
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    # Whitespace becomes a space (a tab is a word break, not a control to delete) before
    # invisible and control characters go.
    text = "".join("\n" if ch in _LINE_BREAKS else " " if ch.isspace() else ch for ch in text)
    if not multiline:
        text = text.replace("\n", " ")
    text = "".join(ch for ch in text if _keep(ch, multiline))
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
