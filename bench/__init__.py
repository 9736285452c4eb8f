"""Benchmarks: ``python -m bench`` (``make bench``) runs every ``bench/bench_*.py`` module.

Each module exposes ``run(large: bool) -> list[Measurement]``. A measurement sits beside its
bare-library baseline measured in the same run, so the ratio is meaningful on any machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Measurement:
    """One benchmark figure against its baseline and target."""

    area: str  # e.g. "render", "archive", "search", "handover"
    name: str  # what was measured
    value: float
    unit: str  # "s", "ms", "docs/s", "MB/s", "MB"
    baseline: float | None = None  # the bare-library figure, same run, same unit
    baseline_name: str = ""
    target: str = ""  # e.g. "≤ 1.25× bare", "≤ 15 s"
    ok: bool | None = None  # whether the target was met (None: no target)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return self.value / self.baseline

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data
