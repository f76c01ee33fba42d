"""Finding weights and saying precisely why the engine cannot run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
