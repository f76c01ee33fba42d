"""LoRA fine-tuning of an SDXL UNet on (image, prompt) pairs: the loop shared by the
ratings fine-tune (``sleeve retrain --kind lora``) and, later, DreamBooth.

The standard denoising objective: encode each image to latents once, add noise at a random
timestep, and train low-rank adapters on the UNet's attention projections to predict that
noise (or velocity, as the scheduler says). Everything else stays frozen. The result is
saved the way diffusers' LoRA scripts save theirs, so ``load_lora_weights`` (and
``sleeve.diffusion.lora``) read it back.

Torch is imported only when training runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from sleeve.diffusion.device import pick_device, resolve_dtype

WEIGHTS_NAME = "pytorch_lora_weights.safetensors"
ATTENTION = ("to_q", "to_k", "to_v", "to_out.0")
_EVAL_TIMESTEPS = 8

StepCallback = Callable[[int, float], None]  # (step done, its loss)


@dataclass(frozen=True)
class TrainingExample:
    image: Image.Image
    prompt: str


@dataclass(frozen=True)
class LoraTraining:
    """Every knob of one training run, with defaults that suit a few hundred images."""

    steps: int = 500
    rank: int = 8
    learning_rate: float = 1e-4
    resolution: int = 1024
    seed: int = 0
    device: str = "auto"
    dtype: str = "auto"  # of the frozen parts; the adapters train in fp32
    target_modules: tuple[str, ...] = ATTENTION


@dataclass(frozen=True)
class LoraResult:
    """The weights, every step's loss, and the loss on one fixed evaluation set (the same
    noise and timesteps for every image) before and after training: the steady signal."""

    path: Path
    losses: list[float] = field(default_factory=list)
    eval_loss_before: float = float("nan")
    eval_loss_after: float = float("nan")


def _pixels(image: Image.Image, resolution: int) -> Any:
    import numpy as np
    import torch

    square = image.convert("RGB").resize((resolution, resolution), Image.Resampling.LANCZOS)
    array = np.asarray(square, dtype=np.float32) / 127.5 - 1.0
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0)


def train_lora(model: str | Path, examples: Sequence[TrainingExample], out_dir: Path,
               options: LoraTraining = LoraTraining(),
               on_step: StepCallback | None = None, pipe: Any = None) -> LoraResult:
    """Train a LoRA on ``examples`` over the SDXL at ``model`` and save it in ``out_dir``.

    ``pipe``: an already loaded ``StableDiffusionXLPipeline`` to train on instead (its UNet
    gets the adapter). Returns the weights' path and the loss of every step.
    """
    import numpy as np
    import torch
    import torch.nn.functional as F
    from diffusers import DDPMScheduler, StableDiffusionXLPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    if not examples:
        raise ValueError("no training examples")
    device = pick_device(options.device)
    dtype = resolve_dtype(options.dtype, device)
    if pipe is None:
        pipe = StableDiffusionXLPipeline.from_pretrained(str(model), dtype=dtype)
    pipe.to(device)
    for part in (pipe.vae, pipe.text_encoder, pipe.text_encoder_2, pipe.unet):
        part.requires_grad_(False)
    noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    generator = torch.Generator("cpu").manual_seed(options.seed)

    with torch.no_grad():
        # The VAE decodes in fp32 where it must (SDXL's overflows in fp16).
        vae_dtype = torch.float32 if pipe.vae.config.get("force_upcast") else dtype
        pipe.vae.to(dtype=vae_dtype)
        latents, prompts, pooled = [], [], []
        for example in examples:
            pixels = _pixels(example.image, options.resolution).to(device, vae_dtype)
            encoded = pipe.vae.encode(pixels).latent_dist.mode()
            latents.append((encoded * pipe.vae.config.scaling_factor).float().cpu())
            embeds, _, pooled_embeds, _ = pipe.encode_prompt(
                example.prompt, device=device, num_images_per_prompt=1,
                do_classifier_free_guidance=False)
            prompts.append(embeds.float().cpu())
            pooled.append(pooled_embeds.float().cpu())
        size = (options.resolution, options.resolution)
        time_ids = pipe._get_add_time_ids(
            size, (0, 0), size, dtype=torch.float32,
            text_encoder_projection_dim=pipe.text_encoder_2.config.projection_dim,
        )

    pipe.unet.add_adapter(LoraConfig(r=options.rank, lora_alpha=options.rank,
                                     init_lora_weights="gaussian",
                                     target_modules=list(options.target_modules)))
    fixed_t = torch.linspace(50, noise_scheduler.config.num_train_timesteps - 50,
                             _EVAL_TIMESTEPS).long()
    eval_noise = [torch.randn((_EVAL_TIMESTEPS, *lat.shape[1:]),
                              generator=torch.Generator("cpu").manual_seed(options.seed + 1 + i))
                  for i, lat in enumerate(latents)]

    def denoising_loss(i: int, noise: Any, t: Any) -> Any:
        clean = latents[i].expand(len(t), -1, -1, -1)
        noisy = noise_scheduler.add_noise(clean, noise, t)
        target = noise if prediction == "epsilon" else noise_scheduler.get_velocity(
            clean, noise, t)
        with torch.autocast(device_type=device.split(":")[0], dtype=dtype,
                            enabled=dtype != torch.float32):
            predicted = pipe.unet(
                noisy.to(device, dtype), t.to(device),
                encoder_hidden_states=prompts[i].expand(len(t), -1, -1).to(device, dtype),
                added_cond_kwargs={
                    "text_embeds": pooled[i].expand(len(t), -1).to(device, dtype),
                    "time_ids": time_ids.expand(len(t), -1).to(device, dtype)},
            ).sample
        return F.mse_loss(predicted.float(), target.to(device).float())

    def evaluation_loss() -> float:
        with torch.no_grad():
            return float(np.mean([float(denoising_loss(i, eval_noise[i], fixed_t))
                                  for i in range(len(latents))]))

    prediction = noise_scheduler.config.prediction_type
    before = evaluation_loss()
    trainable = [p for p in pipe.unet.parameters() if p.requires_grad]
    for param in trainable:
        param.data = param.data.float()
    optimizer = torch.optim.AdamW(trainable, lr=options.learning_rate)
    pipe.unet.train()
    steps_total = noise_scheduler.config.num_train_timesteps
    losses: list[float] = []
    for step in range(options.steps):
        i = int(torch.randint(len(examples), (1,), generator=generator))
        noise = torch.randn((1, *latents[i].shape[1:]), generator=generator)
        t = torch.randint(0, steps_total, (1,), generator=generator)
        loss = denoising_loss(i, noise, t)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if on_step is not None:
            on_step(step + 1, losses[-1])
    pipe.unet.eval()
    after = evaluation_loss()

    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet))
    out_dir.mkdir(parents=True, exist_ok=True)
    StableDiffusionXLPipeline.save_lora_weights(out_dir, unet_lora_layers=layers,
                                                safe_serialization=True)
    return LoraResult(out_dir / WEIGHTS_NAME, losses, before, after)
