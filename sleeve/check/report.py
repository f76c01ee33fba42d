"""What a check finds: one result per broken (or doubtful) rule, and the report around them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from sleeve.core.store_rules import STORE_RULES

Status = Literal["pass", "warn", "fail"]
Box = tuple[int, int, int, int]  # left, top, right, bottom in image pixels

# Every rule the checker applies, in the order reports list them.
RULES: tuple[str, ...] = STORE_RULES


@dataclass(frozen=True)
class Finding:
    rule: str
    status: Status
    reason: str
    box: Box | None = None


@dataclass(frozen=True)
class CheckReport:
    width: int
    height: int
    format: str
    mode: str
    byte_size: int
    findings: tuple[Finding, ...]  # warnings and failures only; a rule not named passed
    words: tuple[str, ...]  # what OCR read, for the user to compare

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "fail")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "warn")

    def failed_rules(self) -> set[str]:
        return {f.rule for f in self.failures}

    def rule_status(self, rule: str) -> Status:
        statuses = {f.status for f in self.findings if f.rule == rule}
        return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "width": self.width, "height": self.height, "format": self.format,
            "mode": self.mode, "byte_size": self.byte_size,
            "rules": {rule: self.rule_status(rule) for rule in RULES},
            "findings": [
                {**asdict(f), "box": list(f.box) if f.box else None} for f in self.findings],
            "words": list(self.words),
        }
