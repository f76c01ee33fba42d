"""DreamBooth-LoRA for SDXL: teach the model one person under a rare identifier token.

The subject's photos are captioned "a photo of <token> <class>"; prior preservation keeps
the class itself intact: images the base model makes of "a photo of a <class>" (made here,
once per subject, by ``class_images``) are trained on at the same time with their own
caption, their loss weighted by ``prior_weight`` (Ruiz et al. 2023). Only a LoRA on the
UNet's attention trains (``sleeve.diffusion.train_lora`` holds the shared loop: mixed
precision, gradient checkpointing, optional 8-bit Adam); a cover job loads it like any
registry LoRA and puts the same phrase in its prompt.

Torch is imported only when training runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from sleeve.diffusion.train_lora import (
    AdapterTrainer,
    LoraResult,
    LoraTraining,
    StepCallback,
    TrainingExample,
)

# A token CLIP's vocabulary splits into rare pieces that carry little meaning of their own
# ("sks", the usual choice, is also a rifle).
DEFAULT_TOKEN = "ohwx"
DEFAULT_CLASS = "person"


@dataclass(frozen=True)
class DreamBoothTraining:
    """A DreamBooth run: the LoRA options plus the identifier, class and prior weight."""

    lora: LoraTraining = field(default_factory=lambda: LoraTraining(rank=16))
    token: str = DEFAULT_TOKEN
    class_noun: str = DEFAULT_CLASS
    prior_weight: float = 1.0  # 0 turns prior preservation off

    @property
    def instance_prompt(self) -> str:
        return subject_phrase(self.token, self.class_noun)

    @property
    def class_prompt(self) -> str:
        return f"a photo of a {self.class_noun}"


def subject_phrase(token: str, class_noun: str) -> str:
    """The words that call the trained subject up, in training captions and cover prompts."""
    return f"a photo of {token} {class_noun}"


def class_images(pipe: Any, prompt: str, count: int, *, resolution: int, steps: int,
                 seed: int = 0) -> list[Image.Image]:
    """``count`` images of the class made by the base model itself (no adapter loaded)."""
    import torch

    images: list[Image.Image] = []
    for index in range(count):
        generator = torch.Generator("cpu").manual_seed(seed + index)
        made = pipe(prompt, num_inference_steps=steps, height=resolution, width=resolution,
                    generator=generator, output_type="pil")
        images.append(made.images[0].convert("RGB"))
    return images


def train_dreambooth(model: str | Path, photos: Sequence[Image.Image],
                     priors: Sequence[Image.Image], out_dir: Path,
                     options: DreamBoothTraining = DreamBoothTraining(),
                     on_step: StepCallback | None = None, pipe: Any = None) -> LoraResult:
    """Train a DreamBooth-LoRA of the person in ``photos`` (with ``priors``: class images,
    for prior preservation) over the SDXL at ``model`` (or the loaded ``pipe``); saved in
    ``out_dir``. The evaluation losses are the photos' own, before and after."""
    if not photos:
        raise ValueError("no photos of the subject")
    trainer = AdapterTrainer(model, options.lora, pipe)
    instances = trainer.encode([TrainingExample(p, options.instance_prompt) for p in photos])
    use_prior = options.prior_weight > 0 and bool(priors)
    prior = trainer.encode([TrainingExample(p, options.class_prompt) for p in priors]
                           ) if use_prior else None
    trainer.add_adapter()
    evaluate = trainer.evaluator(instances)
    before = evaluate()

    def draw_loss() -> Any:
        loss = trainer.random_loss(instances)
        if prior is not None:
            loss = loss + options.prior_weight * trainer.random_loss(prior)
        return loss

    losses = trainer.run(draw_loss, on_step)
    after = evaluate()
    return LoraResult(trainer.save(out_dir), losses, before, after)
