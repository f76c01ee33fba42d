"""brief → plans → artwork → typography: the front door ``generate``.

Reads top to bottom as the flow in DESIGN.md. Export (bytes) lives in
``sleeve.render.export``; writing files is the caller's business (CLI, service).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.art_direction import plan_covers
from sleeve.core.bounds import DEFAULT_SIZE, count_problem, cover_seed, new_seed, seed_problem
from sleeve.core.brief import Brief
from sleeve.core.formats import ImageFormat
from sleeve.core.plan import AudioFeatures, CoverPlan
from sleeve.engines import LoraVersion, get_engine
from sleeve.llm.art_direction import refine_plans
from sleeve.render.export import CoverMetadata, encode
from sleeve.render.typeset import typeset

Progress = Callable[[int, int], None]  # (covers done, covers total)
Stage = Callable[[str], None]  # called with "artwork", then "typography", as each is done


@dataclass(frozen=True)
class Cover:
    """One finished cover: the image and everything needed to make it again."""

    image: Image.Image
    plan: CoverPlan
    seed: int
    style: str
    engine: str

    def metadata(self) -> CoverMetadata:
        return CoverMetadata(
            title=self.plan.title,
            artist=self.plan.artist,
            seed=self.seed,
            engine=self.engine,
            style=self.style,
        )

    def encode(self, fmt: ImageFormat = "jpeg", size: int | None = None) -> bytes:
        image = self.image
        if size is not None and size != image.width:
            image = image.resize((size, size), Image.Resampling.LANCZOS)
        return encode(image, fmt, self.metadata())


def direct(
    brief: Brief,
    *,
    count: int,
    seed: int,
    style: str | None = None,
    styles: Sequence[str] | None = None,
    settings: Settings | None = None,
    audio: AudioFeatures | None = None,
) -> list[CoverPlan]:
    """The art direction for ``count`` covers: local analysis (with the track's ``audio``
    features when given), refined by the LLM when one is configured. The LLM can only improve
    plans; when it fails each plan records why. ``styles``: one per cover, chosen by the style
    policy (``sleeve.jobs.policies``)."""
    plans = plan_covers(brief, count=count, seed=seed, style=style, audio=audio, styles=styles)
    refined, _fallback = refine_plans(brief, plans, settings or get_settings())
    return refined


def render_plan(
    plan: CoverPlan,
    seed: int,
    *,
    size: int = DEFAULT_SIZE,
    engine: str = "procedural",
    text: bool = True,
    on_stage: Stage | None = None,
    loras: Sequence[LoraVersion] = (),
    settings: Settings | None = None,
) -> Cover:
    """One cover from a stored plan and seed: how covers are reproduced bit for bit.

    ``loras`` are fine-tunes from the model registry (diffusion only); ``settings`` configure
    the engine (default: the environment). ``on_stage`` only observes (a job's finer
    progress); it never changes the cover."""
    art = get_engine(engine, settings).render(plan, seed, size, loras=loras)
    if on_stage is not None:
        on_stage("artwork")
    image = typeset(art, plan).image if text else art
    if text and on_stage is not None:
        on_stage("typography")
    return Cover(image=image, plan=plan, seed=seed, style=plan.style, engine=engine)


def generate(
    brief: Brief,
    *,
    count: int = 4,
    seed: int | None = None,
    style: str | None = None,
    size: int = DEFAULT_SIZE,
    engine: str = "procedural",
    text: bool = True,
    progress: Progress | None = None,
    audio: AudioFeatures | None = None,
) -> list[Cover]:
    """Make ``count`` covers for ``brief``. Cover *i* uses seed ``cover_seed(seed, i)``
    (``seed + i`` below the limit); ``audio`` is the
    track's features (``sleeve.audio.analyze_file``)."""
    for name, problem in (("count", count_problem(count)),
                          ("seed", None if seed is None else seed_problem(seed))):
        if problem is not None:
            raise ValueError(f"{name} {problem}")
    base = new_seed() if seed is None else seed
    plans = direct(brief, count=count, seed=base, style=style, audio=audio)
    covers: list[Cover] = []
    for index, plan in enumerate(plans):
        covers.append(render_plan(plan, cover_seed(base, index), size=size, engine=engine,
                                  text=text))
        if progress is not None:
            progress(index + 1, count)
    return covers
