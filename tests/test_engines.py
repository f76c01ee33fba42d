"""The engine registry: one instance per configuration, built once however many threads ask
for a cold engine at the same moment; a slow build holds up no other engine."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from sleeve.config import Settings
from sleeve.core.availability import Availability
from sleeve.core.plan import CoverPlan
from sleeve.engines import (
    ENGINE_NAMES,
    ENGINES,
    Engine,
    EngineRegistry,
    UnknownEngineError,
    get_engine,
)
from sleeve.engines.procedural import ProceduralEngine

THREADS = 32
# Only guards a test against hanging when the registry is broken; never reached when it works.
GIVE_UP_S = 60


class Counted:
    """An engine that does nothing but exist: the factory counts how many were built."""

    name = "counted"

    def availability(self) -> Availability:
        return Availability(True, "test")

    def render(self, plan: CoverPlan, seed: int, size: int, *,
               loras: Sequence[object] = ()) -> Image.Image:
        return Image.new("RGB", (size, size))


class CountingFactory:
    """Builds a ``Counted`` engine; each build waits for ``release``, so every other caller
    arrives while the first build is still under way."""

    def __init__(self) -> None:
        self.builds = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, settings: Settings) -> Engine:
        with self._lock:
            self.builds += 1
        self.started.set()
        assert self.release.wait(GIVE_UP_S)
        return Counted()


def test_concurrent_first_use_builds_exactly_one_engine() -> None:
    factory = CountingFactory()
    registry = EngineRegistry({"counted": factory})
    settings = Settings()
    arrived = threading.Barrier(THREADS + 1)

    def ask() -> Engine:
        arrived.wait(GIVE_UP_S)
        return registry.get("counted", settings)

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(ask) for _ in range(THREADS)]
        arrived.wait(GIVE_UP_S)  # every thread is on its way into get()
        assert factory.started.wait(GIVE_UP_S)
        factory.release.set()
        engines = [f.result(GIVE_UP_S) for f in futures]
    assert factory.builds == 1
    assert len({id(e) for e in engines}) == 1
    assert registry.get("counted", settings) is engines[0]
    assert factory.builds == 1


def test_each_configuration_gets_its_own_engine() -> None:
    builds: list[str | None] = []

    def factory(settings: Settings) -> Engine:
        builds.append(settings.sdxl_model)
        return Counted()

    registry = EngineRegistry({"counted": factory})
    a = registry.get("counted", Settings(sdxl_model="a"))
    b = registry.get("counted", Settings(sdxl_model="b"))
    assert a is not b
    # Settings that do not configure engines share the instance.
    assert registry.get("counted", Settings(sdxl_model="a", concurrency=3)) is a
    assert builds == ["a", "b"]


def test_a_slow_build_holds_up_no_other_engine() -> None:
    slow = CountingFactory()
    registry = EngineRegistry({"slow": slow, "fast": lambda _s: Counted()})
    settings = Settings()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(registry.get, "slow", settings)
        assert slow.started.wait(GIVE_UP_S)
        # While "slow" is building: the other engine comes back, and nothing is reported
        # built for "slow" yet (status checks never wait for a build).
        assert isinstance(registry.get("fast", settings), Counted)
        assert registry.built("slow", settings) is None
        slow.release.set()
        engine = pending.result(GIVE_UP_S)
    assert registry.built("slow", settings) is engine


def test_a_failed_build_is_not_kept() -> None:
    attempts: list[int] = []

    def flaky(_settings: Settings) -> Engine:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("weights not there yet")
        return Counted()

    registry = EngineRegistry({"flaky": flaky})
    with pytest.raises(RuntimeError, match="weights"):
        registry.get("flaky", Settings())
    assert registry.built("flaky", Settings()) is None
    assert isinstance(registry.get("flaky", Settings()), Counted)
    assert len(attempts) == 2


def test_unknown_names_are_refused_with_the_choices() -> None:
    with pytest.raises(UnknownEngineError, match="procedural, diffusion"):
        get_engine("nope", Settings())


def test_the_default_registry_serves_the_procedural_engine() -> None:
    assert ENGINES.names == ENGINE_NAMES == ("procedural", "diffusion")  # one engine a name
    engine = get_engine("procedural", Settings())
    assert isinstance(engine, ProceduralEngine) and isinstance(engine, Engine)
    assert get_engine("procedural", Settings()) is engine
