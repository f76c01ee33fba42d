"""Why an LLM call produced no art direction. The message becomes the fallback reason."""

from __future__ import annotations


class LLMError(RuntimeError):
    """Any failure of the LLM path; callers fall back to the local analysis."""

    retryable = True
    attempts = 1  # how many requests were made before giving up

    def describe(self) -> str:
        return f"{self} ({self.attempts} attempts)" if self.attempts > 1 else str(self)


class LLMTimeoutError(LLMError):
    pass


class LLMHTTPError(LLMError):
    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(f"HTTP {status}{': ' + detail if detail else ''}")
        self.status = status
        # Client errors (bad key, bad model name) will not fix themselves on a retry.
        self.retryable = status >= 500 or status == 429


class LLMMalformedError(LLMError):
    """The answer was not the JSON object asked for, or failed validation."""


class CircuitOpenError(LLMError):
    retryable = False
