"""Fuzzing in CI: past findings replayed, then both atheris harnesses for a bounded time with 0 findings.

    pytest tests/fuzz                                    # PYFACEAPI_FUZZ_SECONDS=60 by default (both at once)
    python tests/fuzz/run.py --seconds 3600              # a longer run, see run.py
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from . import run, targets

CRASHES = Path(__file__).resolve().parent / "crashes"
FUZZ_SECONDS = int(os.environ.get("PYFACEAPI_FUZZ_SECONDS", "60"))

NOT_FIXED_YET: dict[str, tuple[type[BaseException], str]] = {}
"""Findings whose fix is outside the fuzzing owner's files: strict xfails, so they fail (remove them here and in
targets.KNOWN) as soon as the bug is fixed."""


def findings() -> list[str]:
    return sorted(str(p.relative_to(CRASHES)) for p in CRASHES.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", findings())
def test_replay_finding(request, name: str) -> None:
    """Every input a fuzzer ever choked on now gets a typed error (or a result), nothing else."""
    if name in NOT_FIXED_YET:
        exception, reason = NOT_FIXED_YET[name]
        request.applymarker(pytest.mark.xfail(strict=True, raises=exception, reason=reason))
    data = (CRASHES / name).read_bytes()
    if name.startswith("decode/"):
        targets.load_nets()
        targets.decode_target(data, skip_known=False)
    else:
        targets.options_target(data, skip_known=False)


def test_known_findings_have_a_fixture() -> None:
    assert set(NOT_FIXED_YET) <= set(findings())
    assert len(NOT_FIXED_YET) == len(targets.KNOWN)


def test_fuzzing_finds_nothing(tmp_path: Path) -> None:
    outcomes = run.run(FUZZ_SECONDS, tmp_path)
    report = []
    for outcome in outcomes:
        report.append(outcome.summary())
        for finding in outcome.findings:
            encoded = base64.b64encode(finding.read_bytes()[:4096]).decode()
            report.append(f"  {finding.name} (base64, first 4 kB): {encoded}")
        if not outcome.ok:
            report.append(outcome.log.read_text(encoding="utf-8", errors="replace")[-3000:])
    print("\n".join(report))
    assert all(outcome.ok for outcome in outcomes), "\n".join(report)
    assert all(outcome.runs > 0 for outcome in outcomes), "\n".join(report)
