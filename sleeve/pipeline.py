"""brief → plans → artwork → typography: the front door ``generate``.

Reads top to bottom as the flow in DESIGN.md. Export (bytes) lives in
``sleeve.render.export``; writing files is the caller's business (CLI, service).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.art_direction import plan_covers
from sleeve.core.bounds import DEFAULT_SIZE, count_problem, cover_seed, new_seed, seed_problem
from sleeve.core.brief import Brief
from sleeve.core.formats import ImageFormat
from sleeve.core.plan import AudioFeatures, CoverPlan
from sleeve.core.portrait import FacePhoto, with_portrait
from sleeve.engines import LoraVersion, get_engine
from sleeve.llm.art_direction import refine_plans
from sleeve.photos.faces import the_face
from sleeve.render.artwork import render_artwork
from sleeve.render.cutout import with_person
from sleeve.render.export import CoverMetadata, encode
from sleeve.render.fonts import FontConfig, FontLibrary, font_library
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


def font_config(settings: Settings) -> FontConfig:
    """Where ``settings`` say fonts are (SLEEVE_FONT_DIR first, then the system's)."""
    return FontConfig(font_dir=settings.font_dir, system_fonts=settings.system_fonts)


def fonts_for(settings: Settings) -> FontLibrary:
    """The (process-wide, cached) font library ``settings`` point at: what every edge that
    sets type hands the renderer."""
    return font_library(font_config(settings))


# A subject photo larger than this is scaled down first: a cover never shows a face at more
# than about a third of 4096 px, and GrabCut and the tones scale with the area.
PHOTO_SIDE = 2048


def face_photo(image: Image.Image, face: Sequence[int] | None = None) -> FacePhoto:
    """A photo of the musician ready for compositing: RGB, at most ``PHOTO_SIDE`` pixels long,
    with the person cut from the background and its face box — ``face`` as (left, top, width,
    height) when already known (a stored subject photo), else found here (exactly one clear
    face, or PhotoRejected saying why).
    The image should already be upright and cleaned (``sleeve.photos``)."""
    rgb = image.convert("RGB")
    box = tuple(face) if face is not None else tuple(the_face(rgb).to_list())
    scale = min(1.0, PHOTO_SIDE / max(rgb.size))
    if scale < 1.0:
        rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                         Image.Resampling.LANCZOS)
        box = tuple(round(v * scale) for v in box)
    x, y, w, h = (int(v) for v in box)
    # A face box reaching past the edge (rounding, a face cut by the frame) is clipped to it.
    x, y = min(max(0, x), rgb.width - 1), min(max(0, y), rgb.height - 1)
    photo = FacePhoto(np.asarray(rgb), (x, y, max(1, min(w, rgb.width - x)),
                                        max(1, min(h, rgb.height - y))))
    return with_person(photo)  # the cut-out once per photo, not once per cover


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


def feature(plans: Sequence[CoverPlan], seed: int, photos: int) -> list[CoverPlan]:
    """``plans`` (cover *i* at seed ``cover_seed(seed, i)``) featuring the subject when there
    are ``photos`` of them (> 0): each its treatment, the photos taken in turn."""
    if photos <= 0:
        return list(plans)
    return [with_portrait(plan, cover_seed(seed, index), index % photos)
            for index, plan in enumerate(plans)]


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
    subject: FacePhoto | None = None,
) -> Cover:
    """One cover from a stored plan and seed: how covers are reproduced bit for bit.

    ``loras`` are fine-tunes from the model registry (diffusion only); ``settings`` configure
    the engine and the fonts (default: the environment). ``subject``: the photo a plan with a
    portrait features (procedural only). ``on_stage`` only observes (a job's finer progress);
    it never changes the cover."""
    settings = settings or get_settings()
    if plan.portrait is not None or subject is not None:
        if engine != "procedural":
            raise ValueError(f"the {engine} engine does not print subject photos; the "
                             "procedural engine does")
        art = render_artwork(plan, seed, size, subject, fonts=fonts_for(settings))
    else:
        art = get_engine(engine, settings).render(plan, seed, size, loras=loras)
    if on_stage is not None:
        on_stage("artwork")
    image = typeset(art, plan, fonts=fonts_for(settings)).image if text else art
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
    subject_photos: Sequence[FacePhoto | Image.Image] = (),
    settings: Settings | None = None,
) -> list[Cover]:
    """Make ``count`` covers for ``brief``. Cover *i* uses seed ``cover_seed(seed, i)``
    (``seed + i`` below the limit); ``audio`` is the track's features
    (``sleeve.audio.analyze_file``). With ``subject_photos`` (the musician: PIL images,
    upright, or ``FacePhoto``), every cover features them, the photos taken in turn.
    ``settings`` (default: read from the environment once, here) choose the engine's
    configuration, the fonts and the LLM."""
    for name, problem in (("count", count_problem(count)),
                          ("seed", None if seed is None else seed_problem(seed))):
        if problem is not None:
            raise ValueError(f"{name} {problem}")
    settings = settings or get_settings()
    photos = [p if isinstance(p, FacePhoto) else face_photo(p) for p in subject_photos]
    base = new_seed() if seed is None else seed
    plans = feature(direct(brief, count=count, seed=base, style=style, audio=audio,
                           settings=settings), base, len(photos))
    covers: list[Cover] = []
    for index, plan in enumerate(plans):
        subject = photos[plan.portrait.photo] if plan.portrait is not None else None
        covers.append(render_plan(plan, cover_seed(base, index), size=size, engine=engine,
                                  text=text, settings=settings, subject=subject))
        if progress is not None:
            progress(index + 1, count)
    return covers
