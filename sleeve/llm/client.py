"""An OpenAI-compatible chat-completions client that returns one JSON object.

Standard library only (``urllib``), so LLM art direction works on the core install too.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from sleeve.llm.errors import LLMError, LLMHTTPError, LLMMalformedError, LLMTimeoutError

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def endpoint(base_url: str) -> str:
    """``…/v1`` or the full ``…/chat/completions`` URL → the chat-completions URL."""
    url = base_url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def parse_content(body: bytes) -> dict[str, Any]:
    """The JSON object in the first choice's message (code fences tolerated)."""
    try:
        payload = json.loads(body)
        content = payload["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LLMMalformedError(f"malformed chat-completions response ({exc})") from exc
    if not isinstance(content, str):
        raise LLMMalformedError("message content is not text")
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LLMMalformedError(f"answer is not JSON ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise LLMMalformedError("answer is JSON but not an object")
    return data


@dataclass(frozen=True)
class ChatClient:
    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 10.0

    def complete_json(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """One chat completion in JSON mode; raises an ``LLMError`` on any failure."""
        request = urllib.request.Request(
            endpoint(self.base_url),
            data=json.dumps({
                "model": self.model, "messages": messages, "temperature": 0.7,
                "response_format": {"type": "json_object"},
            }).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise LLMHTTPError(exc.code, str(exc.reason)) from exc
        except TimeoutError as exc:
            raise LLMTimeoutError(f"no answer within {self.timeout_s:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise LLMTimeoutError(f"no answer within {self.timeout_s:g} s") from exc
            raise LLMError(f"cannot reach {self.base_url}: {exc.reason}") from exc
        except OSError as exc:
            raise LLMError(f"cannot reach {self.base_url}: {exc}") from exc
        return parse_content(body)
