"""SDXL pipelines with random weights, built from configuration values alone.

Used where no weights may be downloaded: the CPU tests (``TINY``: the same block types as
SDXL, tiny widths) and the GPU benchmark (``SDXL_BASE``: the public
stabilityai/stable-diffusion-xl-base-1.0 configuration, so timings and memory match the real
model). Tokenizers come from a byte-level vocabulary written here: every text tokenizes,
none of it meaningfully, which is all random weights need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLIP_SPECIAL = ("<|startoftext|>", "<|endoftext|>")


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
    ids: dict[str, Any] = {"bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1}
    torch.manual_seed(seed)
    with torch.device(device):
        unet = UNet2DConditionModel(**arch.unet)
        vae = AutoencoderKL(**arch.vae)
        text_encoder = CLIPTextModel(CLIPTextConfig(**arch.text_encoder, **ids))
        text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(**arch.text_encoder_2, **ids))
    pipe: Any = StableDiffusionXLPipeline(
        vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2, tokenizer=tokenizer,
        tokenizer_2=tokenizer, unet=unet, scheduler=EulerDiscreteScheduler(**arch.scheduler),
    )
    return pipe if dtype == torch.float32 else pipe.to(dtype=dtype)
