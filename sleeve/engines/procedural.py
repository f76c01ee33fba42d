"""The procedural engine: the CPU default, artwork drawn by ``sleeve.render`` from the plan."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from sleeve.core.availability import Availability
from sleeve.core.plan import CoverPlan
from sleeve.diffusion.lora import LoraVersion
from sleeve.render.artwork import render_artwork


class ProceduralEngine:
    """Needs no GPU, no weights and no network; pure given (plan, seed, size)."""

    name = "procedural"

    def availability(self) -> Availability:
        return Availability(True, "built in")

    def render(
        self, plan: CoverPlan, seed: int, size: int, *, loras: Sequence[LoraVersion] = ()
    ) -> Image.Image:
        if loras:
            raise ValueError("the procedural engine takes no LoRA adapters")
        return render_artwork(plan, seed, size)
