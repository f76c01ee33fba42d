"""SDXL models with random weights for the diffusion benchmark, saved as diffusers
directories so the engine loads them through its normal ``from_pretrained`` path.

Full size: the public configurations of stabilityai/stable-diffusion-xl-base-1.0 (base UNet,
VAE, CLIP ViT-L and OpenCLIP ViT-bigG text encoders: ``SDXL_BASE``), of
stabilityai/stable-diffusion-xl-refiner-1.0 (``SDXL_REFINER_UNET``), of
stabilityai/stable-diffusion-x4-upscaler (``X4_UPSCALER``) and an LCM-LoRA of
latent-consistency/lcm-lora-sdxl's rank: same shapes, same FLOPs, same memory as the real
models, so the timings stand for them. Built on the GPU (random init of 3.5 B parameters on a
CPU takes minutes) and saved as fp16 variants, as the hub's fp16 files are.
Tiny: the same wiring at toy widths (``TINY``), for the CPU smoke run and the tests.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleeve.diffusion.architecture import (
    SDXL_BASE,
    TINY,
    Architecture,
    byte_tokenizer,
    random_pipeline,
)

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
_IDS: dict[str, Any] = {"bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1}


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
