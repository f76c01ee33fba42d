"""LLM art direction against a real local HTTP server: good answers are used; malformed,
slow and failing answers fall back to the local plan, recorded on the plan, and the cover is
still made."""

from __future__ import annotations

import pytest

from sleeve.config import Settings
from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief
from sleeve.core.plan import CoverPlan
from sleeve.llm.art_direction import ArtDirector, refine_plan, refine_plans, refine_with
from sleeve.llm.breaker import CircuitBreaker
from sleeve.llm.client import ChatClient
from sleeve.pipeline import render_plan
from tests.llm.conftest import FakeLLM

BRIEF = Brief(title="비 오는 밤", artist="Luna Vale", genre="발라드",
              lyrics="창밖에 비가 내리고\n마지막 지하철을 기다려", language="ko")
TIMEOUT_S = 0.3


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def director(fake: FakeLLM, *, failures: int = 3, clock: FakeClock | None = None) -> ArtDirector:
    client = ChatClient(fake.url, "test-model", "sk-test", timeout_s=TIMEOUT_S)
    breaker = CircuitBreaker(failures, cooldown_s=30.0, clock=clock or FakeClock())
    return ArtDirector(client, retries=2, breaker=breaker, backoff_s=0.0)


def local_plans(brief: Brief = BRIEF, count: int = 2) -> list[CoverPlan]:
    return plan_covers(brief, count=count, seed=11)


def test_good_answer_rewrites_the_plans(fake_llm: FakeLLM) -> None:
    plans, reason = refine_with(director(fake_llm), BRIEF, local_plans())
    assert reason is None
    first, second = plans
    assert first.art_direction_source == "llm" and first.art_direction_note == ""
    assert "a lone umbrella on a wet crosswalk" in first.prompt
    assert "rain on the window" in first.prompt  # English imagery from Korean lyrics
    assert first.palette.background == "#101a2b" and second.palette.background == "#2b1020"
    assert first.motifs == ["rain", "city"]  # unknown motifs are dropped
    assert first.concept == "waiting in the rain for someone who will not come"
    request = fake_llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test"
    assert request["body"]["response_format"] == {"type": "json_object"}
    assert "창밖에 비가 내리고" in request["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("malformed", "answer is not JSON"),
        ("invalid", "answer failed validation at palettes.0"),
        ("slow", f"no answer within {TIMEOUT_S:g} s"),
        ("error", "HTTP 500"),
    ],
)
def test_failures_fall_back_after_two_retries(fake_llm: FakeLLM, mode: str, reason: str) -> None:
    fake_llm.mode = mode
    local = local_plans()
    plans, why = refine_with(director(fake_llm), BRIEF, local)
    assert why is not None and reason in why and "(3 attempts)" in why
    assert len(fake_llm.requests) == 3  # the first try and two retries
    for plan, original in zip(plans, local, strict=True):
        assert plan.art_direction_source == "local"
        assert plan.art_direction_note == f"llm fallback: {why}"
        assert plan.prompt == original.prompt and plan.palette == original.palette
    # The job still succeeds: the fallen-back plan renders to a finished cover.
    cover = render_plan(plans[0], seed=11, size=256)
    assert cover.image.size == (256, 256)


def test_client_errors_are_not_retried(fake_llm: FakeLLM) -> None:
    # A 401 (bad key) or 404 (unknown model) will not fix itself: one request, then fall back.
    fake_llm.mode = "unauthorized"
    plans, why = refine_with(director(fake_llm), BRIEF, local_plans())
    assert why == "HTTP 401: bad key"
    assert len(fake_llm.requests) == 1 and plans[0].art_direction_source == "local"


def test_unreachable_server_falls_back() -> None:
    client = ChatClient("http://127.0.0.1:9/v1", "m", None, TIMEOUT_S)
    d = ArtDirector(client, retries=2, backoff_s=0.0)
    plans, why = refine_with(d, BRIEF, local_plans())
    assert why is not None and "cannot reach" in why
    assert plans[0].art_direction_note.startswith("llm fallback: cannot reach")


def test_circuit_opens_after_repeated_failures_and_closes_after_cooldown(
    fake_llm: FakeLLM,
) -> None:
    clock = FakeClock()
    d = director(fake_llm, failures=2, clock=clock)
    fake_llm.mode = "error"
    for n in range(2):
        refine_with(d, Brief(title=f"song {n}", artist="a"), local_plans())
    assert d.breaker.state == "open" and len(fake_llm.requests) == 6
    # While open, calls are skipped: the server hears nothing, the plan still comes back.
    plans, why = refine_with(d, BRIEF, local_plans())
    assert why is not None and "circuit open" in why
    assert len(fake_llm.requests) == 6 and plans[0].art_direction_source == "local"
    # After the cool-down one trial call goes out; success closes the circuit.
    clock.now += 31
    fake_llm.mode = "good"
    plans, why = refine_with(d, BRIEF, local_plans())
    assert why is None and plans[0].art_direction_source == "llm"
    assert d.breaker.state == "closed" and len(fake_llm.requests) == 7


def test_failed_trial_reopens_the_circuit(fake_llm: FakeLLM) -> None:
    clock = FakeClock()
    d = director(fake_llm, failures=1, clock=clock)
    fake_llm.mode = "error"
    refine_with(d, BRIEF, local_plans())
    clock.now += 31
    refine_with(d, BRIEF, local_plans())
    assert d.breaker.state == "open" and len(fake_llm.requests) == 6


def test_same_brief_is_answered_from_the_cache(fake_llm: FakeLLM) -> None:
    d = director(fake_llm)
    first, _ = refine_with(d, BRIEF, local_plans())
    again, _ = refine_with(d, Brief(**BRIEF.model_dump()), local_plans())
    assert len(fake_llm.requests) == 1
    assert again == first
    refine_with(d, Brief(title="another song", artist="a"), local_plans())
    assert len(fake_llm.requests) == 2


def test_settings_entry_points(fake_llm: FakeLLM) -> None:
    off = Settings(llm_url=None)
    plans = local_plans()
    assert refine_plans(BRIEF, plans, off) == (plans, None)
    on = Settings(llm_url=fake_llm.url, llm_timeout_s=TIMEOUT_S, llm_model="settings-model")
    refined, reason = refine_plans(BRIEF, plans, on)
    assert reason is None and all(p.art_direction_source == "llm" for p in refined)
    plan, reason = refine_plan(BRIEF, plans[1], on, index=1)
    assert reason is None and plan.palette.background == "#2b1020"
    assert len(fake_llm.requests) == 1  # one director per settings: the cache is shared
