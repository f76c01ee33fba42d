"""Finding weights and saying precisely why the engine cannot run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from sleeve.config import Settings
from sleeve.diffusion.engine import diffusion_availability
from sleeve.diffusion.errors import NotSDXLError, WeightsNotFoundError
from sleeve.diffusion.loader import locate
from sleeve.engines import EngineUnavailableError
from tests.diffusion.conftest import EngineFactory
from tests.render.conftest import build_plan


def test_locates_a_saved_sdxl_directory(tiny_sdxl: Path) -> None:
    source = locate(str(tiny_sdxl))
    assert source.is_local and source.pipeline_class == "StableDiffusionXLPipeline"


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsNotFoundError, match=r"weights not found: .*/sdxl does not exist"):
        locate(str(tmp_path / "sdxl"))


def test_a_file_is_not_an_sdxl_directory(tmp_path: Path) -> None:
    checkpoint = tmp_path / "model.safetensors"
    checkpoint.write_bytes(b"\0" * 8)
    with pytest.raises(NotSDXLError, match="is a file; give a diffusers SDXL directory"):
        locate(str(checkpoint))


def test_a_directory_without_model_index_is_not_sdxl(tmp_path: Path) -> None:
    with pytest.raises(NotSDXLError, match=r"not a diffusers pipeline directory"):
        locate(str(tmp_path))


def test_another_pipeline_class_is_not_sdxl(tmp_path: Path) -> None:
    index = {"_class_name": "StableDiffusionPipeline"}
    (tmp_path / "model_index.json").write_text(json.dumps(index))
    with pytest.raises(NotSDXLError, match="holds a StableDiffusionPipeline, not an SDXL base"):
        locate(str(tmp_path))


def test_sdxl_index_with_missing_folders_is_reported(tiny_sdxl: Path, tmp_path: Path) -> None:
    (tmp_path / "model_index.json").write_text((tiny_sdxl / "model_index.json").read_text())
    with pytest.raises(NotSDXLError, match="missing component folders unet, vae"):
        locate(str(tmp_path))


def test_uncached_hub_id_is_not_downloaded() -> None:
    with pytest.raises(WeightsNotFoundError, match="not in the local Hugging Face cache"):
        locate("sleeve-tests/no-such-sdxl")


def test_engine_errors_are_engine_unavailable_errors(tmp_path: Path,
                                                     make_engine: EngineFactory) -> None:
    engine = make_engine(model=str(tmp_path / "gone"))
    with pytest.raises(EngineUnavailableError, match="does not exist"):
        engine.render(build_plan(), seed=1, size=64)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (None, "SLEEVE_SDXL_MODEL is unset"),
        ("/nowhere/sdxl", "does not exist"),
    ],
)
def test_availability_reasons(model: str | None, expected: str) -> None:
    status = diffusion_availability(Settings(sdxl_model=model))
    assert not status.available
    assert expected in status.reason


def test_available_on_cpu_but_says_it_is_slow(tiny_sdxl: Path) -> None:
    status = diffusion_availability(Settings(sdxl_model=str(tiny_sdxl), sdxl_device="auto"))
    assert status.available
    assert "CPU only" in status.reason and "takes minutes" in status.reason


def test_a_forced_device_that_is_absent_is_reported(tiny_sdxl: Path) -> None:
    status = diffusion_availability(Settings(sdxl_model=str(tiny_sdxl), sdxl_device="cuda"))
    assert not status.available
    assert "SLEEVE_SDXL_DEVICE=cuda but this host has no cuda device" in status.reason


def test_missing_refiner_is_reported(tiny_sdxl: Path, tmp_path: Path) -> None:
    settings = Settings(sdxl_model=str(tiny_sdxl), sdxl_refiner=str(tmp_path / "refiner"))
    status = diffusion_availability(settings)
    assert not status.available and "SDXL refiner weights not found" in status.reason


def test_an_fp16_only_directory_loads_and_is_available(
    tiny_fp16_only: Path, make_engine: EngineFactory
) -> None:
    source = locate(str(tiny_fp16_only))
    assert (source.has_fp16, source.has_full) == (True, False)
    assert source.variant(half=False) == "fp16"  # the only weights there are
    assert diffusion_availability(Settings(sdxl_model=str(tiny_fp16_only))).available
    engine = make_engine(model=str(tiny_fp16_only), dtype="fp32")
    assert engine.render(build_plan(), seed=1, size=64).size == (64, 64)


def test_half_precision_reads_the_fp16_files_when_both_exist(tiny_sdxl: Path,
                                                            tmp_path: Path) -> None:
    both = tmp_path / "both"
    shutil.copytree(tiny_sdxl, both)
    for weights in list(both.glob("*/*.safetensors")):
        shutil.copy(weights, weights.with_name(weights.stem + ".fp16.safetensors"))
    source = locate(str(both))
    assert source.variant(half=True) == "fp16" and source.variant(half=False) is None


def test_a_directory_whose_weights_are_missing_is_not_available(
    tiny_sdxl: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_sdxl, broken)
    for weights in (broken / "unet").glob("*.safetensors"):
        weights.unlink()
    with pytest.raises(NotSDXLError, match=r"no weights \(.safetensors or .bin\) in unet"):
        locate(str(broken))
    status = diffusion_availability(Settings(sdxl_model=str(broken)))
    assert not status.available and "no weights" in status.reason


def test_the_fp16_fix_vae_replaces_the_models_and_decodes_without_upcast(
    tiny_sdxl: Path, tiny_fp16_fix_vae: Path, make_engine: EngineFactory
) -> None:
    engine = make_engine(vae=str(tiny_fp16_fix_vae), dtype="fp16")
    vae = engine._load().pipe.vae
    assert vae.config.force_upcast is False
    decoded: list[object] = []
    vae.decoder.register_forward_pre_hook(lambda m, args: decoded.append(args[0].dtype))
    engine.render(build_plan(), seed=1, size=64)
    assert decoded == [torch.float16] and vae.dtype == torch.float16


def test_a_missing_vae_is_reported(tiny_sdxl: Path, tmp_path: Path) -> None:
    settings = Settings(sdxl_model=str(tiny_sdxl), sdxl_vae=str(tmp_path / "no-vae"))
    status = diffusion_availability(settings)
    assert not status.available and "SLEEVE_SDXL_VAE" in status.reason


def fake_hub_cache(cache: Path, repo_id: str, files: Path) -> None:
    """``files`` as the local Hugging Face cache holds a downloaded snapshot of ``repo_id``."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    commit = "0" * 40
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    shutil.copytree(files, repo / "snapshots" / commit)


def test_hub_ids_work_wherever_a_path_does_when_cached(
    tiny_sdxl: Path, tiny_lora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    make_engine: EngineFactory,
) -> None:
    import huggingface_hub.constants

    cache = tmp_path / "hub"
    fake_hub_cache(cache, "sleeve-tests/tiny-sdxl", tiny_sdxl)
    fake_hub_cache(cache, "sleeve-tests/lcm-lora", tiny_lora.parent)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    source = locate("sleeve-tests/tiny-sdxl")
    assert not source.is_local and source.directory is not None
    settings = Settings(sdxl_model="sleeve-tests/tiny-sdxl", sdxl_lcm_lora="sleeve-tests/lcm-lora")
    assert diffusion_availability(settings).available
    engine = make_engine(model="sleeve-tests/tiny-sdxl", lcm_lora="sleeve-tests/lcm-lora")
    assert engine.render(build_plan(), seed=1, size=64).size == (64, 64)
    missing = Settings(sdxl_model="sleeve-tests/tiny-sdxl", sdxl_lcm_lora="sleeve-tests/nope")
    assert "not in the local Hugging Face cache" in diffusion_availability(missing).reason
