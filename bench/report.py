"""Statistics and the Markdown/JSON report of a benchmark run (used by ``bench/run.py``)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

STAGES: dict[str, str] = {
    "ssd": "SSD MobileNet V1 (faces.jpg)",
    "tiny416": "Tiny Face Detector 416",
    "tiny160": "Tiny Face Detector 160",
    "mtcnn": "MTCNN (defaults)",
    "landmarks": "68 landmarks (all faces)",
    "landmarks_tiny": "68 landmarks tiny (all faces)",
    "expressions": "expressions (all faces)",
    "age_gender": "age/gender (all faces)",
    "descriptor": "descriptor (all faces)",
    "chain": "full chain (faces.jpg)",
    "webcam": "webcam loop (Tiny 160 + tiny landmarks)",
    "webcam_detector": "webcam loop, Tiny 160 detection only (browser)",
}
"""Stage keys, in report order, with their labels."""

SERVER_GOALS: dict[str, float] = {"chain": 1 / 4, "tiny416": 1 / 4, "tiny160": 1 / 4, "ssd": 1 / 3}
"""Goal ratio pyfaceapi / @vladmandic/face-api (tfjs-wasm) on the server: at most this."""

BROWSER_GOALS: dict[str, float] = {"chain": 0.7, "webcam": 0.7}
"""Goal ratio pyfaceapi / @vladmandic/face-api (tfjs-wasm) in Chromium: at most this."""


@dataclass(frozen=True)
class Summary:
    """Median and spread of one stage's samples (ms)."""

    n: int
    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    def to_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "median_ms": round(self.median, 2), "min_ms": round(self.minimum, 2),
                "max_ms": round(self.maximum, 2), "q1_ms": round(self.q1, 2), "q3_ms": round(self.q3, 2),
                "iqr_ms": round(self.q3 - self.q1, 2)}


def summarize(samples: list[float]) -> Summary | None:
    if not samples:
        return None
    if len(samples) >= 2:
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    else:
        q1 = q3 = samples[0]
    return Summary(len(samples), statistics.median(samples), min(samples), max(samples), q1, q3)


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


def fmt_cell(summary: dict[str, Any] | None) -> str:
    """``median [min-max]`` in ms, or n/a."""
    if not summary:
        return "n/a"
    median = fmt_ms(summary["median_ms"])
    if "derived" in summary:  # per-round differences of two chain steps (browser per-face stages)
        return f"Δ {median} [{fmt_ms(summary['min_ms'])}-{fmt_ms(summary['max_ms'])}]"
    if summary["n"] < 2:
        return f"{median} (n=1)"
    return f"{median} [{fmt_ms(summary['min_ms'])}-{fmt_ms(summary['max_ms'])}]"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    speedup = 1 / ratio if ratio > 0 else float("inf")
    return f"{ratio:.2f} ({speedup:.1f}x)" if ratio < 1 else f"{ratio:.2f} (slower)"


def ratio(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> float | None:
    if not ours or not theirs or theirs["median_ms"] <= 0:
        return None
    return ours["median_ms"] / theirs["median_ms"]


def goal_line(stage: str, value: float | None, goal: float, where: str) -> str:
    label = STAGES[stage]
    if value is None:
        return f"- {where} {label}: goal <= {goal:.2f}x vladmandic's time: not measured"
    verdict = "MET" if value <= goal else "NOT MET"
    return (f"- {where} {label}: pyfaceapi / vladmandic = {value:.2f} (goal <= {goal:.2f}, "
            f"i.e. {1 / goal:.1f}x faster): {verdict}")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
