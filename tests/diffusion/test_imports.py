"""The default install never pays for torch."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import sleeve.diffusion.engine, sleeve.diffusion.upscale, sleeve.diffusion.lora
from sleeve.config import Settings
from sleeve.diffusion.engine import diffusion_availability
from sleeve.engines import engine_status, get_engine
from tests.render.conftest import build_plan
get_engine("procedural").render(build_plan(), 1, 256)
print(diffusion_availability(Settings(sdxl_model=None)).reason)
assert "torch" not in sys.modules, "torch was imported"
"""


def test_procedural_engine_and_diffusion_modules_do_not_import_torch() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "SLEEVE_SDXL_MODEL is unset" in result.stdout
