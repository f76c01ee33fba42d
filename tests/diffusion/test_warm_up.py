"""Workers warm the engine before taking jobs; meanwhile it says "warming"; one engine per
configuration, however many threads ask for it at once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sleeve.config import Settings
from sleeve.engines import Engine, engine_status, get_engine, warm_up_engine


def settings_for(model: Path) -> Settings:
    return Settings(sdxl_model=str(model), sdxl_device="cpu", sdxl_resolution=64,
                    sdxl_steps=2, sdxl_scheduler="euler")


def test_warm_up_renders_once_and_reports_warming_meanwhile(tiny_sdxl: Path) -> None:
    settings = settings_for(tiny_sdxl)
    engine: Any = get_engine("diffusion", settings)
    seen: list[str] = []
    engine._load().pipe.unet.register_forward_pre_hook(
        lambda m, args: seen.append(engine_status(settings)["diffusion"].reason))
    timing = engine.warm_up()
    assert seen and all(reason.startswith("warming") for reason in seen)
    assert engine.state == "ready" and timing.warm_up_s > 0
    assert engine_status(settings)["diffusion"].available
    warm_up_engine("procedural")  # nothing to warm: a no-op


def test_threads_asking_at_once_share_one_engine(tiny_sdxl: Path) -> None:
    settings = settings_for(tiny_sdxl).model_copy(update={"sdxl_steps": 3})
    found: list[Engine] = []
    threads = [threading.Thread(target=lambda: found.append(get_engine("diffusion", settings)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and all(engine is found[0] for engine in found)


def test_the_gpu_worker_warms_the_engine_before_taking_jobs(tiny_sdxl: Path) -> None:
    import multiprocessing

    from sleeve.jobs.local import _Shared, _warm_up_diffusion

    settings = settings_for(tiny_sdxl).model_copy(update={"sdxl_steps": 4})
    flags: list[int] = []
    shared = _Shared(slots=(), wake=multiprocessing.Semaphore(0),
                     stop=multiprocessing.Value("b", 0, lock=False),
                     warming=multiprocessing.Value("b", 0, lock=False))
    engine: Any = get_engine("diffusion", settings)
    engine._load().pipe.unet.register_forward_pre_hook(
        lambda m, args: flags.append(shared.warming.value))
    _warm_up_diffusion(settings, shared)
    assert flags and all(flags)  # the flag /readyz reads was up while it rendered
    assert shared.warming.value == 0 and engine.state == "ready"
    # A host without SDXL does not try.
    _warm_up_diffusion(Settings(), shared)
    assert shared.warming.value == 0
