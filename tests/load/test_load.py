"""The short load test in CI: the production server on loopback, a mix of good and bad requests at
concurrency 8, no 5xx, nothing lost, nothing unexpected, RSS flat after the warm-up (see load.py)."""

from __future__ import annotations

import os

from . import load

REQUESTS = int(os.environ.get("PYFACEAPI_LOAD_REQUESTS", "800"))


def test_short_load_run(tmp_path) -> None:
    report = load.run(requests=REQUESTS, concurrency=8, workers=2, threads=4, log=tmp_path / "server.log")
    print(report.markdown())
    assert len(report.results) == REQUESTS
    assert not report.failures(), report.markdown()
    kinds = {result.kind for result in report.results}
    assert kinds == {kind.name for kind in load.KINDS}, "every kind was sent"
    assert sum(result.status == 200 for result in report.results) > REQUESTS // 2
