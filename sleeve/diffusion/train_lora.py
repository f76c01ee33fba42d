"""LoRA fine-tuning of an SDXL UNet on (image, prompt) pairs: the loop shared by the
ratings fine-tune (``sleeve retrain --kind lora``) and DreamBooth (``sleeve.diffusion.dreambooth``).

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

StepCallback = Callable[[int, float], None]  # (step done, its loss); may raise to stop


class OptimizerUnavailableError(RuntimeError):
    """8-bit Adam was asked for but bitsandbytes is not installed here."""


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
    dtype: str = "auto"  # of the frozen parts (mixed precision); the adapters train in fp32
    target_modules: tuple[str, ...] = ATTENTION
    # Recompute activations in the backward pass: far less memory at 1024², ~20 % slower.
    gradient_checkpointing: bool = False
    adam_8bit: bool = False  # bitsandbytes' AdamW8bit: optimizer state in a quarter the memory


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


def optimizer_class(adam_8bit: bool) -> Any:
    """AdamW, or bitsandbytes' 8-bit AdamW; a clear error when that is asked for and absent."""
    import torch

    if not adam_8bit:
        return torch.optim.AdamW
    try:
        import bitsandbytes
    except ImportError as exc:
        raise OptimizerUnavailableError(
            "8-bit Adam needs bitsandbytes, which is not installed here: "
            "`pip install bitsandbytes` (CUDA hosts), or train without 8-bit Adam") from exc
    return bitsandbytes.optim.AdamW8bit


@dataclass
class Encoded:
    """A set of examples encoded once: latents, prompt embeddings, pooled embeddings."""

    latents: list[Any]
    prompts: list[Any]
    pooled: list[Any]

    def __len__(self) -> int:
        return len(self.latents)


class AdapterTrainer:
    """One SDXL pipeline frozen, a LoRA added to its UNet, and the steps of training it."""

    def __init__(self, model: str | Path, options: LoraTraining, pipe: Any = None) -> None:
        import torch
        from diffusers import DDPMScheduler, StableDiffusionXLPipeline

        self.options = options
        self.device = pick_device(options.device)
        self.dtype = resolve_dtype(options.dtype, self.device)
        optimizer = optimizer_class(options.adam_8bit)  # fail before loading gigabytes
        if pipe is None:
            pipe = StableDiffusionXLPipeline.from_pretrained(str(model), dtype=self.dtype)
        pipe.to(self.device)
        for part in (pipe.vae, pipe.text_encoder, pipe.text_encoder_2, pipe.unet):
            part.requires_grad_(False)
        self.pipe = pipe
        self.scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
        self.generator = torch.Generator("cpu").manual_seed(options.seed)
        # The VAE encodes in fp32 where it must (SDXL's overflows in fp16).
        self.vae_dtype = torch.float32 if pipe.vae.config.get("force_upcast") else self.dtype
        pipe.vae.to(dtype=self.vae_dtype)
        size = (options.resolution, options.resolution)
        self.time_ids = pipe._get_add_time_ids(
            size, (0, 0), size, dtype=torch.float32,
            text_encoder_projection_dim=pipe.text_encoder_2.config.projection_dim)
        self._optimizer_class = optimizer
        self.optimizer: Any = None

    def encode(self, examples: Sequence[TrainingExample]) -> Encoded:
        import torch

        pipe, encoded = self.pipe, Encoded([], [], [])
        with torch.no_grad():
            for example in examples:
                pixels = _pixels(example.image, self.options.resolution).to(
                    self.device, self.vae_dtype)
                latent = pipe.vae.encode(pixels).latent_dist.mode()
                encoded.latents.append((latent * pipe.vae.config.scaling_factor).float().cpu())
                embeds, _, pooled, _ = pipe.encode_prompt(
                    example.prompt, device=self.device, num_images_per_prompt=1,
                    do_classifier_free_guidance=False)
                encoded.prompts.append(embeds.float().cpu())
                encoded.pooled.append(pooled.float().cpu())
        return encoded

    def add_adapter(self) -> None:
        """The LoRA on the UNet, its weights in fp32, and their optimizer."""
        from peft import LoraConfig

        options, unet = self.options, self.pipe.unet
        unet.add_adapter(LoraConfig(r=options.rank, lora_alpha=options.rank,
                                    init_lora_weights="gaussian",
                                    target_modules=list(options.target_modules)))
        if options.gradient_checkpointing:
            unet.enable_gradient_checkpointing()
        trainable = [p for p in unet.parameters() if p.requires_grad]
        for param in trainable:
            param.data = param.data.float()
        self.optimizer = self._optimizer_class(trainable, lr=options.learning_rate)

    def loss(self, data: Encoded, i: int, noise: Any, t: Any) -> Any:
        """The denoising loss of example ``i`` of ``data`` at timesteps ``t``."""
        import torch
        import torch.nn.functional as F

        device, dtype, scheduler = self.device, self.dtype, self.scheduler
        clean = data.latents[i].expand(len(t), -1, -1, -1)
        noisy = scheduler.add_noise(clean, noise, t)
        target = noise if scheduler.config.prediction_type == "epsilon" else (
            scheduler.get_velocity(clean, noise, t))
        with torch.autocast(device_type=device.split(":")[0], dtype=dtype,
                            enabled=dtype != torch.float32):
            predicted = self.pipe.unet(
                noisy.to(device, dtype), t.to(device),
                encoder_hidden_states=data.prompts[i].expand(len(t), -1, -1).to(device, dtype),
                added_cond_kwargs={
                    "text_embeds": data.pooled[i].expand(len(t), -1).to(device, dtype),
                    "time_ids": self.time_ids.expand(len(t), -1).to(device, dtype)},
            ).sample
        return F.mse_loss(predicted.float(), target.to(device).float())

    def random_loss(self, data: Encoded) -> Any:
        """The loss of a random example at a random timestep (one training sample)."""
        import torch

        generator = self.generator
        i = int(torch.randint(len(data), (1,), generator=generator))
        noise = torch.randn((1, *data.latents[i].shape[1:]), generator=generator)
        t = torch.randint(0, self.scheduler.config.num_train_timesteps, (1,),
                          generator=generator)
        return self.loss(data, i, noise, t)

    def evaluator(self, data: Encoded) -> Callable[[], float]:
        """The mean loss over ``data`` at fixed noise and timesteps: comparable over time."""
        import numpy as np
        import torch

        last = self.scheduler.config.num_train_timesteps - 50
        fixed_t = torch.linspace(50, last, _EVAL_TIMESTEPS).long()
        noise = [torch.randn((_EVAL_TIMESTEPS, *lat.shape[1:]), generator=torch.Generator(
            "cpu").manual_seed(self.options.seed + 1 + i)) for i, lat in enumerate(data.latents)]

        def evaluate() -> float:
            was_training = self.pipe.unet.training
            self.pipe.unet.eval()
            # One timestep at a time: a batch of eight at 1024² would need more memory than
            # training itself.
            with torch.no_grad():
                value = float(np.mean([
                    float(self.loss(data, i, noise[i][k:k + 1], fixed_t[k:k + 1]))
                    for i in range(len(data)) for k in range(_EVAL_TIMESTEPS)]))
            self.pipe.unet.train(was_training)
            return value

        return evaluate

    def run(self, draw_loss: Callable[[], Any], on_step: StepCallback | None) -> list[float]:
        """``options.steps`` optimizer steps on the loss ``draw_loss`` gives each time;
        ``on_step`` hears of each one (and may raise to stop between steps)."""
        assert self.optimizer is not None, "add_adapter() first"
        self.pipe.unet.train()
        losses: list[float] = []
        try:
            for step in range(self.options.steps):
                loss = draw_loss()
                loss.backward()
                self.optimizer.step()
                self.optimizer.zero_grad(set_to_none=True)
                losses.append(float(loss.detach()))
                if on_step is not None:
                    on_step(step + 1, losses[-1])
        finally:
            self.pipe.unet.eval()
        return losses

    def save(self, out_dir: Path) -> Path:
        from diffusers import StableDiffusionXLPipeline
        from diffusers.utils import convert_state_dict_to_diffusers
        from peft.utils import get_peft_model_state_dict

        layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(self.pipe.unet))
        out_dir.mkdir(parents=True, exist_ok=True)
        StableDiffusionXLPipeline.save_lora_weights(out_dir, unet_lora_layers=layers,
                                                    safe_serialization=True)
        return out_dir / WEIGHTS_NAME


def train_lora(model: str | Path, examples: Sequence[TrainingExample], out_dir: Path,
               options: LoraTraining = LoraTraining(),
               on_step: StepCallback | None = None, pipe: Any = None) -> LoraResult:
    """Train a LoRA on ``examples`` over the SDXL at ``model`` and save it in ``out_dir``.

    ``pipe``: an already loaded ``StableDiffusionXLPipeline`` to train on instead (its UNet
    gets the adapter). Returns the weights' path and the loss of every step.
    """
    if not examples:
        raise ValueError("no training examples")
    trainer = AdapterTrainer(model, options, pipe)
    data = trainer.encode(examples)
    trainer.add_adapter()
    evaluate = trainer.evaluator(data)
    before = evaluate()
    losses = trainer.run(lambda: trainer.random_loss(data), on_step)
    after = evaluate()
    return LoraResult(trainer.save(out_dir), losses, before, after)
