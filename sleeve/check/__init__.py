"""Store-rule check for any cover: size, shape, format, colour mode, bytes, text and codes."""

from sleeve.check.checker import FILE_LIMITS, check_cover
from sleeve.check.ocr import OcrUnavailable
from sleeve.check.report import RULES, CheckReport, Finding

__all__ = ["FILE_LIMITS", "RULES", "CheckReport", "Finding", "OcrUnavailable", "check_cover"]
