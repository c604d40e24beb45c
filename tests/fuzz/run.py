"""Run both fuzz harnesses (atheris/libFuzzer) side by side for a time budget, with seeds and a report.

    python tests/fuzz/run.py --seconds 60                     # what CI runs (tests/fuzz/test_fuzz.py)
    python tests/fuzz/run.py --seconds 3600 --out build/fuzz  # a longer run; the corpus grows between runs

Seeds: the small images of tests/fixtures (the bad-input corpus included) for ``decode``; the FaceMatcher
files of the corpus, options and /match bodies for ``options``; plus every past finding under
``tests/fuzz/crashes/``. Each harness keeps its growing corpus in ``OUT/<name>/corpus`` (reused by the next
run) and writes what it finds to ``OUT/<name>/artifacts/`` (``crash-*``, ``timeout-*``, ``oom-*``). A finding
becomes a regression fixture: copy it to ``tests/fuzz/crashes/<name>/`` (``test_fuzz.py`` replays those).

Exit status 0 when neither harness found anything, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "tests" / "fixtures"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class Harness:
    name: str
    script: str
    flags: tuple[str, ...]


HARNESSES = (
    Harness("decode", "fuzz_decode.py", ("-max_len=65536", "-timeout=30", "-rss_limit_mb=2560")),
    Harness("options", "fuzz_options.py", ("-max_len=8192", "-timeout=20", "-rss_limit_mb=1536",
                                           f"-dict={HERE / 'json.dict'}")),
)


@dataclass
class Outcome:
    harness: str
    returncode: int
    runs: int
    seconds: float
    coverage: int
    findings: list[Path]
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.findings

    def summary(self) -> str:
        verdict = "ok" if self.ok else f"FAILED (exit {self.returncode}, {len(self.findings)} findings)"
        return (f"{self.harness}: {self.runs} inputs in {self.seconds:.0f} s, coverage {self.coverage} edges: "
                f"{verdict}")


def write_seeds(folder: Path) -> dict[str, Path]:
    """Seed folders for each harness (rewritten on every run; small: libFuzzer reads them all first)."""
    sys.path.insert(0, str(HERE))
    import targets

    seeds = {harness.name: folder / harness.name for harness in HARNESSES}
    for path in seeds.values():
        path.mkdir(parents=True, exist_ok=True)
        for old in path.iterdir():
            old.unlink()
    images = sorted(p for p in FIXTURES.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
                    and p.stat().st_size <= 64 * 1024)
    for index, path in enumerate(images):
        (seeds["decode"] / f"{index:03d}{path.suffix}").write_bytes(path.read_bytes())

    descriptor = [round(0.01 * i, 2) for i in range(128)]
    matcher = {"distanceThreshold": 0.6, "labeledDescriptors": [
        {"label": "a", "descriptors": [descriptor]}, {"label": "b", "descriptors": [{"0": 0.5, "1": 0.25}]}]}
    texts = {
        "options": [json.dumps({"detector": "tiny", "input_size": 320, "landmarks": "tiny"}),
                    json.dumps({"min_confidence": 0.4, "max_results": 10, "single": True, "descriptors": "1"}),
                    json.dumps({"detector": "tiny_yolov2", "score_threshold": 0.3, "age_gender": 1})],
        "matcher": [json.dumps(matcher), json.dumps({"_distanceThreshold": 0.5, "_labeledDescriptors": [
                    {"_label": "x", "_descriptors": [[0.1, 0.2]]}]})],
        "match": [json.dumps({"query": descriptor, "reference": [{"label": "a", "descriptors": [descriptor]}]}),
                  json.dumps({"queries": [descriptor], "matcher": matcher, "distance_threshold": 0.5})],
    }
    texts["matcher"] += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "bad").glob("matcher-*.json"))
                         if p.stat().st_size < 8192]
    count = 0
    for target, documents in texts.items():
        for text in documents:
            (seeds["options"] / f"{target}-{count:03d}.json").write_bytes(targets.seed(target, text))
            count += 1
    return seeds


def run(seconds: int, out: Path, chunk: int = 600) -> list[Outcome]:
    """Both harnesses at once (one core each) for ``seconds``, in fresh processes every ``chunk`` seconds
    (the corpus carries over): under atheris a harness's RSS creeps up by a couple of MB a second (not the
    code under test: replaying the grown corpus in plain Python stays flat), so long runs restart."""
    outcomes: list[Outcome] = []
    remaining = seconds
    while remaining > 0:
        part = _run_once(min(chunk, remaining), out)
        outcomes = part if not outcomes else [
            Outcome(a.harness, a.returncode or b.returncode, a.runs + b.runs, a.seconds + b.seconds,
                    max(a.coverage, b.coverage), b.findings, b.log) for a, b in zip(outcomes, part, strict=True)]
        remaining -= chunk
        if not all(outcome.ok for outcome in outcomes):
            break
    return outcomes


def _run_once(seconds: int, out: Path) -> list[Outcome]:
    seeds = write_seeds(out / "seeds")
    processes = []
    for harness in HARNESSES:
        work = out / harness.name
        corpus, artifacts = work / "corpus", work / "artifacts"
        corpus.mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
        crashes = HERE / "crashes" / harness.name
        seed_dirs = [str(seeds[harness.name])] + ([str(crashes)] if crashes.is_dir() else [])
        log = work / "fuzz.log"
        command = [sys.executable, str(HERE / harness.script), str(corpus), *seed_dirs,
                   f"-max_total_time={seconds}", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
                   *harness.flags]
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=REPO,
                                       env={**os.environ, "PYTHONWARNINGS": "ignore"})
        processes.append((harness, process, log, artifacts, time.perf_counter()))
    outcomes = []
    for harness, process, log, artifacts, started in processes:
        try:
            returncode = process.wait(timeout=seconds + 300)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = process.wait()
        text = log.read_text(encoding="utf-8", errors="replace")
        runs = int(m.group(1)) if (m := re.search(r"stat::number_of_executed_units:\s+(\d+)", text)) else 0
        coverage = max((int(c) for c in re.findall(r"cov: (\d+)", text)), default=0)
        findings = sorted(p for p in artifacts.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
        outcomes.append(Outcome(harness.name, returncode, runs, time.perf_counter() - started, coverage, findings,
                                log))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="time budget of each harness (they run together)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "fuzz", help="corpus, artifacts and logs")
    parser.add_argument("--chunk", type=int, default=600, help="restart the harnesses this often (seconds)")
    args = parser.parse_args(argv)
    outcomes = run(args.seconds, args.out, args.chunk)
    for outcome in outcomes:
        print(outcome.summary())
        for finding in outcome.findings:
            print(f"  finding: {finding} (copy it to tests/fuzz/crashes/{outcome.harness}/)")
        if not outcome.ok:
            print(f"  log: {outcome.log}")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
