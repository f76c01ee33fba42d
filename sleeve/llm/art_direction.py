"""LLM art direction that can never take a job down.

``refine_plans(brief, plans, settings)`` asks the LLM once per brief (cached by brief hash),
validates the answer, and rewrites each plan's prompt, palette, motifs and concept. On any
failure — timeout, HTTP error, malformed or invalid JSON, the circuit open — the plans come
back unchanged except for ``art_direction_note``, which records why, and the reason is
returned so the caller can log it. Nothing here raises.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.core.plan import CoverPlan
from sleeve.core.prompt import build_prompt
from sleeve.llm.breaker import CircuitBreaker
from sleeve.llm.cache import LRUCache
from sleeve.llm.client import ChatClient
from sleeve.llm.errors import CircuitOpenError, LLMError, LLMMalformedError
from sleeve.llm.schema import ArtDirection, instructions

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]


def brief_message(brief: Brief) -> str:
    fields = {"title": brief.title, "artist": brief.artist, "album": brief.album,
              "genre": brief.genre, "language": brief.language, "lyrics": brief.lyrics[:4000]}
    return json.dumps({k: v for k, v in fields.items() if v}, ensure_ascii=False)


class ArtDirector:
    """One LLM endpoint with its retries, circuit breaker and cache (shared across jobs)."""

    def __init__(self, client: ChatClient, *, retries: int = 2,
                 breaker: CircuitBreaker | None = None,
                 cache: LRUCache[ArtDirection] | None = None, backoff_s: float = 0.5,
                 sleep: Sleep = time.sleep) -> None:
        self.client = client
        self.retries = retries
        self.breaker = breaker or CircuitBreaker()
        self.cache: LRUCache[ArtDirection] = cache if cache is not None else LRUCache()
        self.backoff_s = backoff_s
        self._sleep = sleep

    def direct(self, brief: Brief) -> ArtDirection:
        """The LLM's art direction for ``brief``; raises ``LLMError`` when there is none."""
        key = f"{self.client.model}:{brief.digest()}"
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if not self.breaker.allow():
            raise CircuitOpenError(
                f"circuit open after repeated failures; retrying in {self.breaker.retry_in():.0f} s"
            )
        try:
            direction = self._with_retries(brief)
        except LLMError:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        self.cache.put(key, direction)
        return direction

    def _with_retries(self, brief: Brief) -> ArtDirection:
        messages = [{"role": "system", "content": instructions()},
                    {"role": "user", "content": brief_message(brief)}]
        for attempt in range(self.retries + 1):
            try:
                return self._validated(self.client.complete_json(messages))
            except LLMError as exc:
                if not exc.retryable or attempt == self.retries:
                    exc.attempts = attempt + 1
                    raise
                log.info("LLM attempt %d failed (%s); retrying", attempt + 1, exc)
                self._sleep(self.backoff_s * 2**attempt)
        raise AssertionError("unreachable")

    @staticmethod
    def _validated(data: dict[str, object]) -> ArtDirection:
        try:
            return ArtDirection.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise LLMMalformedError(f"answer failed validation at {where}: {first['msg']}") from exc


def apply(direction: ArtDirection, plan: CoverPlan, index: int) -> CoverPlan:
    """``plan`` with the LLM's picture, palette, motifs and concept; cover ``index`` takes the
    ``index``-th palette so a batch keeps its variety."""
    palette = direction.palettes[index % len(direction.palettes)].to_palette()
    motifs = direction.drawn_motifs() or plan.motifs
    prompt, negative = build_prompt(scene=direction.scene, imagery=direction.imagery,
                                    palette=palette, style=plan.style, mood=plan.mood)
    keywords = list(dict.fromkeys([*direction.imagery, *plan.keywords]))
    return plan.model_copy(update={
        "palette": palette, "motifs": motifs, "keywords": keywords,
        "concept": direction.concept or f"{plan.mood.label}: {direction.scene}",
        "prompt": prompt, "negative_prompt": negative or plan.negative_prompt,
        "art_direction_source": "llm", "art_direction_note": "",
    })


def fall_back(plan: CoverPlan, reason: str) -> CoverPlan:
    return plan.model_copy(update={"art_direction_source": "local",
                                   "art_direction_note": f"llm fallback: {reason}"})


def refine_with(director: ArtDirector, brief: Brief, plans: Sequence[CoverPlan],
                first_index: int = 0) -> tuple[list[CoverPlan], str | None]:
    """Plans rewritten by ``director``'s art direction, or the local ones and the reason.
    ``first_index`` is the batch position of ``plans[0]`` (it picks the palette)."""
    try:
        direction = director.direct(brief)
    except LLMError as exc:
        reason = exc.describe()
    except Exception as exc:  # the LLM path must never fail a job
        log.exception("unexpected error in LLM art direction")
        reason = f"unexpected error: {exc.__class__.__name__}"
    else:
        refined = [apply(direction, plan, i) for i, plan in enumerate(plans, first_index)]
        return refined, None
    log.warning("LLM art direction fell back to local analysis: %s", reason)
    return [fall_back(plan, reason) for plan in plans], reason


_directors: dict[tuple[object, ...], ArtDirector] = {}
_directors_lock = threading.Lock()


def director_for(settings: Settings) -> ArtDirector:
    """The process-wide director for these settings: its breaker and cache outlive one job."""
    if not settings.llm_url:
        raise ValueError("SLEEVE_LLM_URL is unset")
    key = (settings.llm_url, settings.llm_model, settings.llm_timeout_s, settings.llm_retries,
           settings.llm_breaker_failures, settings.llm_breaker_cooldown_s)
    with _directors_lock:
        if key not in _directors:
            api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            client = ChatClient(settings.llm_url, settings.llm_model, api_key,
                                settings.llm_timeout_s)
            breaker = CircuitBreaker(settings.llm_breaker_failures,
                                     settings.llm_breaker_cooldown_s)
            _directors[key] = ArtDirector(client, retries=settings.llm_retries, breaker=breaker)
        return _directors[key]


def refine_plans(brief: Brief, plans: Sequence[CoverPlan],
                 settings: Settings) -> tuple[list[CoverPlan], str | None]:
    """Every plan of one job through the LLM (one call per brief); unchanged when
    ``SLEEVE_LLM_URL`` is unset. Returns (plans, fallback reason or None)."""
    if not settings.llm_url:
        return list(plans), None
    return refine_with(director_for(settings), brief, plans)


def refine_plan(brief: Brief, plan: CoverPlan, settings: Settings,
                index: int = 0) -> tuple[CoverPlan, str | None]:
    """One plan; ``index`` picks among the LLM's palettes (cover *i* of a batch)."""
    if not settings.llm_url:
        return plan, None
    refined, reason = refine_with(director_for(settings), brief, [plan], first_index=index)
    return refined[0], reason
