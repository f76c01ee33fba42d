"""SDXL models with random weights, built from configuration values alone, for the diffusion
benchmark and the diffusion tests (``tests/diffusion`` imports this module as
``bench.sdxl_random``): nothing here ships in the package.

Architectures: ``SDXL_BASE`` is the public stabilityai/stable-diffusion-xl-base-1.0
configuration (base UNet, VAE, CLIP ViT-L and OpenCLIP ViT-bigG text encoders), so timings and
memory match the real model; ``TINY`` is the same block types at toy widths, for the CPU tests
and the smoke run. Tokenizers come from a byte-level vocabulary written here: every text
tokenizes, none of it meaningfully, which is all random weights need.

The benchmark's set (``build``) adds stabilityai/stable-diffusion-xl-refiner-1.0
(``SDXL_REFINER_UNET``), stabilityai/stable-diffusion-x4-upscaler (``X4_UPSCALER``) and an
LCM-LoRA of latent-consistency/lcm-lora-sdxl's rank: same shapes, same FLOPs, same memory as
the real models, so the timings stand for them. Built on the GPU (random init of 3.5 B
parameters on a CPU takes minutes) and saved as fp16 variants, as the hub's fp16 files are,
as diffusers directories so the engine loads them through its normal ``from_pretrained`` path.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLIP_SPECIAL = ("<|startoftext|>", "<|endoftext|>")
_IDS: dict[str, Any] = {"bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1}


@dataclass(frozen=True)
class Architecture:
    unet: dict[str, Any]
    vae: dict[str, Any]
    text_encoder: dict[str, Any]
    text_encoder_2: dict[str, Any]
    scheduler: dict[str, Any] = field(default_factory=lambda: dict(_SCHEDULER))


_SCHEDULER: dict[str, Any] = {
    "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
    "num_train_timesteps": 1000, "steps_offset": 1, "timestep_spacing": "leading",
    "prediction_type": "epsilon",
}

# stabilityai/stable-diffusion-xl-base-1.0: unet/, vae/, text_encoder/, text_encoder_2/ configs.
SDXL_BASE = Architecture(
    unet={
        "sample_size": 128, "in_channels": 4, "out_channels": 4, "layers_per_block": 2,
        "block_out_channels": (320, 640, 1280),
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        "attention_head_dim": (5, 10, 20), "transformer_layers_per_block": (1, 2, 10),
        "cross_attention_dim": 2048, "use_linear_projection": True,
        "addition_embed_type": "text_time", "addition_time_embed_dim": 256,
        "projection_class_embeddings_input_dim": 2816, "norm_num_groups": 32,
    },
    vae={
        "in_channels": 3, "out_channels": 3, "latent_channels": 4, "sample_size": 1024,
        "block_out_channels": (128, 256, 512, 512), "layers_per_block": 2,
        "down_block_types": ("DownEncoderBlock2D",) * 4,
        "up_block_types": ("UpDecoderBlock2D",) * 4,
        "scaling_factor": 0.13025, "force_upcast": True,
    },
    text_encoder={  # CLIP ViT-L/14
        "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
        "num_attention_heads": 12, "projection_dim": 768, "hidden_act": "quick_gelu",
        "vocab_size": 49408, "max_position_embeddings": 77,
    },
    text_encoder_2={  # OpenCLIP ViT-bigG/14
        "hidden_size": 1280, "intermediate_size": 5120, "num_hidden_layers": 32,
        "num_attention_heads": 20, "projection_dim": 1280, "hidden_act": "gelu",
        "vocab_size": 49408, "max_position_embeddings": 77,
    },
)

# The SDXL wiring at toy widths: cross-attention 64 = 32 + 32 (both encoders' hidden sizes),
# time-embedding input 6 × 8 + 32 (the pooled projection of encoder 2).
TINY = Architecture(
    unet={
        "sample_size": 32, "in_channels": 4, "out_channels": 4, "layers_per_block": 1,
        "block_out_channels": (8, 16),
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D"),
        "up_block_types": ("CrossAttnUpBlock2D", "UpBlock2D"),
        "attention_head_dim": (2, 4), "transformer_layers_per_block": (1, 1),
        "cross_attention_dim": 64, "use_linear_projection": True,
        "addition_embed_type": "text_time", "addition_time_embed_dim": 8,
        "projection_class_embeddings_input_dim": 80, "norm_num_groups": 4,
    },
    vae={
        "in_channels": 3, "out_channels": 3, "latent_channels": 4, "sample_size": 64,
        "block_out_channels": (8, 16), "layers_per_block": 1, "norm_num_groups": 4,
        "down_block_types": ("DownEncoderBlock2D",) * 2,
        "up_block_types": ("UpDecoderBlock2D",) * 2,
    },
    text_encoder={
        "hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
        "num_attention_heads": 4, "projection_dim": 32, "hidden_act": "gelu",
        "vocab_size": 600, "max_position_embeddings": 77,
    },
    text_encoder_2={
        "hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
        "num_attention_heads": 4, "projection_dim": 32, "hidden_act": "gelu",
        "vocab_size": 600, "max_position_embeddings": 77,
    },
)


def _byte_symbols() -> list[str]:
    # GPT-2/CLIP byte-to-unicode table: every byte maps to one printable character.
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    extra = [b for b in range(256) if b not in printable]
    return [chr(b) for b in printable] + [chr(256 + i) for i in range(len(extra))]


def write_byte_vocab(directory: Path) -> tuple[Path, Path]:
    """Write a CLIP vocabulary of single bytes (plain and word-final) and no merges."""
    directory.mkdir(parents=True, exist_ok=True)
    symbols = _byte_symbols()
    tokens = [*CLIP_SPECIAL, *symbols, *(s + "</w>" for s in symbols)]
    vocab_path, merges_path = directory / "vocab.json", directory / "merges.txt"
    vocab_path.write_text(json.dumps({t: i for i, t in enumerate(tokens)}), encoding="utf-8")
    merges_path.write_text("#version: 0.2\n", encoding="utf-8")
    return vocab_path, merges_path


def byte_tokenizer(directory: Path) -> Any:
    from transformers import CLIPTokenizer

    vocab, merges = write_byte_vocab(directory)
    return CLIPTokenizer(str(vocab), str(merges), pad_token=CLIP_SPECIAL[1],
                         model_max_length=77)


def random_pipeline(arch: Architecture, workdir: Path, *, seed: int = 0, dtype: Any = None,
                    device: str = "cpu") -> Any:
    """A ``StableDiffusionXLPipeline`` of ``arch`` with seeded random weights."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    dtype = dtype or torch.float32
    tokenizer = byte_tokenizer(workdir / "vocab")
    torch.manual_seed(seed)
    with torch.device(device):
        unet = UNet2DConditionModel(**arch.unet)
        vae = AutoencoderKL(**arch.vae)
        text_encoder = CLIPTextModel(CLIPTextConfig(**arch.text_encoder, **_IDS))
        text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(**arch.text_encoder_2, **_IDS))
    pipe: Any = StableDiffusionXLPipeline(
        vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2, tokenizer=tokenizer,
        tokenizer_2=tokenizer, unet=unet, scheduler=EulerDiscreteScheduler(**arch.scheduler),
    )
    return pipe if dtype == torch.float32 else pipe.to(dtype=dtype)


# stabilityai/stable-diffusion-xl-refiner-1.0 unet/config.json: aesthetic-score conditioning
# (5 time ids × 256 + the 1280 pooled text embedding = 2560), OpenCLIP bigG only (1280).
SDXL_REFINER_UNET: dict[str, Any] = {
    "sample_size": 128, "in_channels": 4, "out_channels": 4, "layers_per_block": 2,
    "block_out_channels": (384, 768, 1536, 1536),
    "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                         "DownBlock2D"),
    "up_block_types": ("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    "attention_head_dim": (6, 12, 24, 24), "transformer_layers_per_block": 4,
    "cross_attention_dim": 1280, "use_linear_projection": True,
    "addition_embed_type": "text_time", "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2560, "norm_num_groups": 32,
}
TINY_REFINER_UNET: dict[str, Any] = {
    **TINY.unet, "cross_attention_dim": 32, "projection_class_embeddings_input_dim": 72,
}

# stabilityai/stable-diffusion-x4-upscaler: unet/, vae/ and text_encoder/ (OpenCLIP ViT-H).
X4_UPSCALER: dict[str, dict[str, Any]] = {
    "unet": {
        "sample_size": 128, "in_channels": 7, "out_channels": 4, "layers_per_block": 2,
        "block_out_channels": (256, 512, 512, 1024),
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                             "CrossAttnDownBlock2D"),
        "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                           "UpBlock2D"),
        "only_cross_attention": (True, True, True, False), "attention_head_dim": 8,
        "cross_attention_dim": 1024, "use_linear_projection": True, "num_class_embeds": 1000,
    },
    "vae": {
        "in_channels": 3, "out_channels": 3, "latent_channels": 4,
        "block_out_channels": (128, 256, 512), "layers_per_block": 2,
        "down_block_types": ("DownEncoderBlock2D",) * 3,
        "up_block_types": ("UpDecoderBlock2D",) * 3, "scaling_factor": 0.08333,
    },
    "text_encoder": {
        "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 23,
        "num_attention_heads": 16, "projection_dim": 512, "hidden_act": "gelu",
        "vocab_size": 49408, "max_position_embeddings": 77,
    },
}
TINY_UPSCALER: dict[str, dict[str, Any]] = {
    "unet": {
        "sample_size": 32, "in_channels": 7, "out_channels": 4, "layers_per_block": 1,
        "block_out_channels": (8, 16), "norm_num_groups": 4,
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D"),
        "up_block_types": ("CrossAttnUpBlock2D", "UpBlock2D"), "attention_head_dim": 4,
        "cross_attention_dim": 32, "use_linear_projection": True, "num_class_embeds": 1000,
    },
    # Three levels, two downsamplings: latents are the low-res image's size, decoded ×4.
    "vae": {
        "in_channels": 3, "out_channels": 3, "latent_channels": 4,
        "block_out_channels": (8, 8, 16), "layers_per_block": 1, "norm_num_groups": 4,
        "down_block_types": ("DownEncoderBlock2D",) * 3,
        "up_block_types": ("UpDecoderBlock2D",) * 3, "scaling_factor": 0.08333,
    },
    "text_encoder": TINY.text_encoder,
}
LORA_TARGETS = ["to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj",
                "ff.net.2"]


@dataclass(frozen=True)
class RandomModels:
    base: Path
    refiner: Path
    vae: Path  # the base VAE with force_upcast off, as madebyollin/sdxl-vae-fp16-fix is
    lcm_lora: Path
    upscaler: Path


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def upscaler_pipeline(config: dict[str, dict[str, Any]], work: Path) -> Any:
    """A ``StableDiffusionUpscalePipeline`` of ``config`` with random weights."""
    from diffusers import (
        AutoencoderKL,
        DDIMScheduler,
        DDPMScheduler,
        StableDiffusionUpscalePipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    return StableDiffusionUpscalePipeline(
        vae=AutoencoderKL(**config["vae"]),
        text_encoder=CLIPTextModel(CLIPTextConfig(**config["text_encoder"], **_IDS)),
        tokenizer=byte_tokenizer(work / "vocab"), unet=UNet2DConditionModel(**config["unet"]),
        low_res_scheduler=DDPMScheduler(beta_schedule="scaled_linear"),
        scheduler=DDIMScheduler(beta_schedule="scaled_linear", prediction_type="v_prediction"),
        max_noise_level=350,
    )


def save_lora(pipe: Any, out: Path, rank: int, random_b: bool) -> Path:
    """A LoRA of ``rank`` on the UNet's attention and feed-forward layers, saved as diffusers
    training scripts save theirs; the UNet is left without it."""
    from diffusers import StableDiffusionXLPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    pipe.unet.add_adapter(LoraConfig(r=rank, lora_alpha=rank, target_modules=LORA_TARGETS,
                                     init_lora_weights=not random_b), adapter_name="bench")
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet,
                                                                       adapter_name="bench"))
    StableDiffusionXLPipeline.save_lora_weights(out, unet_lora_layers=layers,
                                                safe_serialization=True)
    pipe.unet.delete_adapters("bench")
    return out / "pytorch_lora_weights.safetensors"


def build(out: Path, *, full: bool, device: str = "cpu") -> RandomModels:
    """Write base, refiner, fp16-fix VAE, LCM-LoRA and ×4 upscaler under ``out`` (reused when
    already there)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLImg2ImgPipeline,
        UNet2DConditionModel,
    )

    arch: Architecture = SDXL_BASE if full else TINY
    models = RandomModels(out / "base", out / "refiner", out / "vae-fp16-fix", out / "lcm-lora",
                          out / "upscaler")
    if (out / "done").exists():
        return models
    dtype = torch.float16 if full else torch.float32
    save: dict[str, Any] = {"variant": "fp16"} if full else {}
    progress(f"building {'full-size' if full else 'tiny'} SDXL with random weights on {device}")
    pipe = random_pipeline(arch, out / "work", dtype=dtype, device=device)
    pipe.save_pretrained(models.base, **save)
    progress("saved base")
    save_lora(pipe, models.lcm_lora, rank=64 if full else 4, random_b=not full)
    torch.manual_seed(1)
    with torch.device(device):
        refiner_unet = UNet2DConditionModel(**(SDXL_REFINER_UNET if full else TINY_REFINER_UNET))
        fix_vae = AutoencoderKL(**{**arch.vae, "force_upcast": False})
    refiner = StableDiffusionXLImg2ImgPipeline(
        vae=pipe.vae, text_encoder=None, text_encoder_2=pipe.text_encoder_2, tokenizer=None,
        tokenizer_2=pipe.tokenizer_2, unet=refiner_unet.to(dtype),
        scheduler=EulerDiscreteScheduler(**arch.scheduler), requires_aesthetics_score=True,
        force_zeros_for_empty_prompt=False,
    )
    refiner.save_pretrained(models.refiner, **save)
    fix_vae.to(dtype).save_pretrained(models.vae, **save)
    progress("saved refiner, VAE and LCM-LoRA")
    del pipe, refiner, refiner_unet, fix_vae
    torch.manual_seed(2)
    with torch.device(device):
        upscaler = upscaler_pipeline(X4_UPSCALER if full else TINY_UPSCALER, out / "work")
    upscaler.to(dtype=dtype).save_pretrained(models.upscaler, **save)
    progress("saved ×4 upscaler")
    (out / "done").write_text("ok")
    return models
