"""Load test on loopback: N ``/detect`` requests at concurrency C against ``pyfaceapi serve`` (gunicorn).

    python tests/load/load.py --requests 10000 --concurrency 8 --report bench/results/load.md   # the long run
    python tests/load/load.py --requests 500                                                    # what CI runs

Starts the production server (``python -m pyfaceapi serve`` on 127.0.0.1 and a free port; ``--workers`` x
``--threads``), sends a fixed, seeded mix of good requests (small face images through the Tiny Face Detector,
some with landmarks, some SSD, some multipart) and bad ones (random bytes, truncated JPEG, empty body, wrong
content type, invalid and malformed options, a decompression bomb, a 50-megapixel image, a 100000-deep JSON
body to ``/match``), each with the status and error code it must get, and samples the server's RSS (master
and workers) twice a second.

Fails (exit 1) on any 5xx, any unexpected status or error code, any lost request (no complete answer), a
worker that died or was replaced, a traceback in the server log, or RSS growth above ``--max-rss-growth``
(10%) from the end of the warm-up (the first quarter of the requests, which also sends every kind three
times first) to the last fifth of the run. Prints (and with ``--report`` writes) the
errors, p50/p99 latency per kind, throughput and RSS over time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / "tests" / "fixtures" / "images"
BAD = REPO / "tests" / "fixtures" / "bad"


@dataclass(frozen=True)
class Kind:
    """One sort of request: how to send it, what must come back, and how often it is sent."""

    name: str
    weight: int
    status: int
    code: str
    path: str
    body: Callable[[], bytes]
    content_type: str = "image/jpeg"
    query: str = ""
    form: dict[str, str] | None = None  # multipart: the 'options' field; the body goes in 'image'

    @property
    def good(self) -> bool:
        return self.status == 200


def _file(path: Path) -> Callable[[], bytes]:
    data = path.read_bytes()
    return lambda: data


def _random_bytes() -> Callable[[], bytes]:
    data = random.Random(7).randbytes(20_000)
    return lambda: data


KINDS = (
    Kind("tiny-128 face crop", 40, 200, "", "/api/v1/detect", _file(IMAGES / "angry.jpg"),
         query="detector=tiny&input_size=128"),
    Kind("tiny-160 small faces", 10, 200, "", "/api/v1/detect", _file(IMAGES / "fearful.jpg"),
         query="detector=tiny&input_size=160"),
    Kind("tiny-160 + tiny landmarks", 8, 200, "", "/api/v1/detect", _file(IMAGES / "angry_cropped.jpg"),
         query="detector=tiny&input_size=160&landmarks=tiny"),
    Kind("ssd 400x300", 4, 200, "", "/api/v1/detect", _file(IMAGES / "sad.jpg")),
    Kind("multipart tiny-128", 5, 200, "", "/api/v1/detect", _file(IMAGES / "face1.png"),
         form={"options": json.dumps({"detector": "tiny", "input_size": 128})}),
    Kind("random bytes", 7, 415, "unsupported_image", "/api/v1/detect", _random_bytes(), content_type="image/png"),
    Kind("truncated jpeg", 5, 415, "unsupported_image", "/api/v1/detect", _file(BAD / "jpeg-truncated.jpg")),
    Kind("empty body", 3, 400, "missing_image", "/api/v1/detect", lambda: b""),
    Kind("wrong content type", 2, 415, "unsupported_media_type", "/api/v1/detect", _file(IMAGES / "angry.jpg"),
         content_type="text/plain"),
    Kind("input_size=100", 4, 422, "invalid_options", "/api/v1/detect", _file(IMAGES / "angry.jpg"),
         query="detector=tiny&input_size=100"),
    Kind("malformed options JSON", 3, 400, "malformed_options", "/api/v1/detect", _file(IMAGES / "angry.jpg"),
         form={"options": "{detector: tiny"}),
    Kind("decompression bomb 400 MP", 3, 413, "image_too_large", "/api/v1/detect",
         _file(BAD / "png-bomb-400mp.png"), content_type="image/png"),
    Kind("50 MP image", 3, 413, "image_too_large", "/api/v1/detect", _file(BAD / "png-50mp.png"),
         content_type="image/png"),
    Kind("/match 100000-deep JSON", 2, 400, "malformed_body", "/api/v1/match",
         lambda: b"[" * 100_000 + b"]" * 100_000, content_type="application/json"),
    Kind("/match NaN descriptor", 1, 422, "invalid_options", "/api/v1/match",
         lambda: b'{"query": [NaN, 0.5], "reference": [{"label": "a", "descriptors": [[0.1, 0.5]]}]}',
         content_type="application/json"),
)


@dataclass
class Result:
    kind: str
    status: int  # 0: lost (no complete answer)
    code: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Sample:
    elapsed: float
    done: int
    rss: int  # bytes, master + workers
    workers: tuple[int, ...]


@dataclass
class Report:
    requests: int
    concurrency: int
    workers: int
    threads: int
    seconds: float
    warmup: int
    results: list[Result]
    samples: list[Sample]
    worker_pids: list[set[int]] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)
    max_rss_growth: float = 0.10

    # -- verdicts
    @property
    def server_errors(self) -> list[Result]:
        return [r for r in self.results if r.status >= 500]

    @property
    def lost(self) -> list[Result]:
        return [r for r in self.results if r.status == 0]

    @property
    def unexpected(self) -> list[Result]:
        return [r for r in self.results if not r.ok and 0 < r.status < 500]

    @property
    def rss_after_warmup(self) -> int:
        after = [s for s in self.samples if s.done >= self.warmup]
        return after[0].rss if after else self.samples[-1].rss

    @property
    def rss_late_peak(self) -> int:
        late = [s for s in self.samples if s.done >= self.requests * 0.8] or self.samples[-1:]
        return max(s.rss for s in late)

    @property
    def rss_growth(self) -> float:
        return self.rss_late_peak / self.rss_after_warmup - 1

    @property
    def workers_replaced(self) -> bool:
        return len({frozenset(pids) for pids in self.worker_pids if pids}) > 1

    def failures(self) -> list[str]:
        problems = []
        if len(self.results) != self.requests:
            problems.append(f"{self.requests - len(self.results)} requests never completed")
        if self.server_errors:
            problems.append(f"{len(self.server_errors)} 5xx answers")
        if self.lost:
            problems.append(f"{len(self.lost)} lost requests")
        if self.unexpected:
            problems.append(f"{len(self.unexpected)} unexpected answers")
        if self.rss_growth > self.max_rss_growth:
            problems.append(f"RSS grew {self.rss_growth:.1%} after warm-up (limit {self.max_rss_growth:.0%})")
        if self.workers_replaced:
            problems.append("a worker process died or was replaced")
        problems += [f"server log: {line}" for line in self.log_problems[:5]]
        return problems

    # -- the report
    def markdown(self) -> str:
        def ms(values: list[float], q: float) -> str:
            if not values:
                return "-"
            ordered = sorted(values)
            return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f}"

        completed = [r for r in self.results if r.status]
        good = [r.seconds for r in completed if r.ok and r.status == 200]
        lines = [
            f"- requests: {self.requests} at concurrency {self.concurrency}, server `pyfaceapi serve --workers "
            f"{self.workers} --threads {self.threads}` on 127.0.0.1",
            f"- wall time {self.seconds:.1f} s, throughput **{len(completed) / self.seconds:.1f} requests/s** "
            f"({len(good) / self.seconds:.1f} good requests/s)",
            f"- latency, all requests: p50 **{ms([r.seconds for r in completed], 0.5)} ms**, "
            f"p99 **{ms([r.seconds for r in completed], 0.99)} ms**; good requests: p50 {ms(good, 0.5)} ms, "
            f"p99 {ms(good, 0.99)} ms",
            "- statuses: " + ", ".join(f"{status}: {count}" for status, count in
                                        sorted(Counter(r.status for r in self.results).items())),
            f"- 5xx: {len(self.server_errors)}, lost: {len(self.lost)}, unexpected: {len(self.unexpected)}, "
            f"worker restarts: {'yes' if self.workers_replaced else 'none'}, server log problems: "
            f"{len(self.log_problems)}",
            f"- RSS (master + workers): {self.rss_after_warmup / 2**20:.0f} MB after the warm-up "
            f"({self.warmup} requests), peak {self.rss_late_peak / 2**20:.0f} MB in the last fifth: "
            f"growth **{self.rss_growth:+.1%}** (limit +{self.max_rss_growth:.0%})",
            f"- verdict: **{'PASS' if not self.failures() else 'FAIL: ' + '; '.join(self.failures())}**",
            "",
            "| kind | sent | expected | answers | p50 ms | p99 ms |",
            "|---|---|---|---|---|---|",
        ]
        for kind in KINDS:
            mine = [r for r in self.results if r.kind == kind.name]
            statuses = sorted(Counter(r.status for r in mine).items())
            answers = ", ".join(f"{status}: {count}" for status, count in statuses)
            seconds = [r.seconds for r in mine if r.status]
            expected = f"{kind.status} {kind.code}".strip()
            lines.append(f"| {kind.name} | {len(mine)} | {expected} | {answers} | {ms(seconds, 0.5)} | "
                         f"{ms(seconds, 0.99)} |")
        lines += ["", "RSS over time (master + workers):", "", "| elapsed s | requests done | RSS MB | workers MB |",
                  "|---|---|---|---|"]
        step = max(1, len(self.samples) // 20)
        for sample in self.samples[::step] + ([self.samples[-1]] if (len(self.samples) - 1) % step else []):
            workers = " + ".join(f"{w / 2**20:.0f}" for w in sample.workers)
            lines.append(f"| {sample.elapsed:.1f} | {sample.done} | {sample.rss / 2**20:.0f} | {workers} |")
        problems = self.server_errors + self.lost + self.unexpected
        if problems:
            lines += ["", "First problems:", ""]
            lines += [f"- {r.kind}: status {r.status} {r.code} {r.detail}" for r in problems[:10]]
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m pyfaceapi serve`` on loopback, its log in a file, its RSS sampled by a thread."""

    def __init__(self, workers: int, threads: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyfaceapi", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers), "--threads", str(threads)],
            stdout=self._log_file, stderr=subprocess.STDOUT, cwd=REPO)
        self.samples: list[Sample] = []
        self.worker_pids: list[set[int]] = []
        self.done = 0
        self._stop = threading.Event()
        self._started = time.perf_counter()

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/v1/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    # every worker has booted (each loads its own models) once all are listening
                    time.sleep(1.0)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /api/v1/healthz in time")

    def rss(self) -> tuple[int, tuple[int, ...], set[int]]:
        master = psutil.Process(self.process.pid)
        children = master.children(recursive=True)
        sizes = []
        for child in children:
            try:
                sizes.append(child.memory_info().rss)
            except psutil.NoSuchProcess:
                sizes.append(0)
        return master.memory_info().rss + sum(sizes), tuple(sizes), {c.pid for c in children}

    def sample_forever(self, interval: float = 0.5) -> None:
        while not self._stop.is_set():
            try:
                total, workers, pids = self.rss()
            except psutil.Error:
                break
            self.samples.append(Sample(time.perf_counter() - self._started, self.done, total, workers))
            self.worker_pids.append(pids)
            self._stop.wait(interval)

    def stop(self) -> list[str]:
        """Stop sampling and the server; the log lines that show a problem."""
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        markers = ("Traceback", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT", "was sent SIGKILL", "Exception on ")
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if any(marker in line for marker in markers)]


# -------------------------------------------------------------------------------------------------- client
def plan(requests: int, warmup: int, seed: int = 10) -> list[Kind]:
    """The request sequence: every kind a few times first (so each worker has warmed everything), then a
    seeded weighted mix."""
    rng = random.Random(seed)
    first = [kind for _ in range(3) for kind in KINDS]
    rest = rng.choices(KINDS, weights=[k.weight for k in KINDS], k=max(0, requests - len(first)))
    sequence = (first + rest)[:requests]
    if warmup < len(first):
        raise ValueError(f"the warm-up ({warmup}) must cover the first {len(first)} requests")
    return sequence


def encode_multipart(image: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="image.jpg"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + image + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send(port: int, kind: Kind) -> Result:
    body, content_type = kind.body(), kind.content_type
    if kind.form is not None:
        body, content_type = encode_multipart(body, kind.form)
    path = kind.path + (f"?{kind.query}" if kind.query else "")
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type, "Connection": "close"})
        response = connection.getresponse()
        payload = response.read()
        seconds = time.perf_counter() - started
    except (OSError, http.client.HTTPException) as exc:
        return Result(kind.name, 0, "", time.perf_counter() - started, False, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    try:
        document = json.loads(payload)
    except ValueError:
        return Result(kind.name, response.status, "", seconds, False, f"not JSON: {payload[:100]!r}")
    code = document.get("error", {}).get("code", "") if isinstance(document, dict) else ""
    ok = response.status == kind.status and code == kind.code
    if ok and kind.good:
        ok = isinstance(document.get("faces"), list)
    return Result(kind.name, response.status, code, seconds, ok, "" if ok else json.dumps(document)[:200])


def run(requests: int = 500, concurrency: int = 8, workers: int = 2, threads: int = 4,
        warmup: int | None = None, max_rss_growth: float = 0.10, log: Path | None = None,
        progress: bool = False) -> Report:
    warmup = warmup if warmup is not None else max(len(KINDS) * 3, requests // 4)
    sequence = plan(requests, warmup)
    log = log or Path(f"/tmp/pyfaceapi-load-{uuid.uuid4().hex[:8]}.log")
    server = Server(workers, threads, log)
    results: list[Result] = []
    lock = threading.Lock()
    try:
        server.wait_ready()
        sampler = threading.Thread(target=server.sample_forever, daemon=True)
        sampler.start()
        started = time.perf_counter()

        def one(kind: Kind) -> None:
            result = send(server.port, kind)
            with lock:
                results.append(result)
                server.done = len(results)
                if progress and server.done % max(1, requests // 20) == 0:
                    print(f"  {server.done}/{requests} in {time.perf_counter() - started:.0f} s, "
                          f"RSS {server.samples[-1].rss / 2**20:.0f} MB", file=sys.stderr, flush=True)

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, sequence))
        seconds = time.perf_counter() - started
        time.sleep(1.0)  # one more RSS sample after the last answer
    finally:
        log_problems = server.stop()
    return Report(requests, concurrency, workers, threads, seconds, warmup, results, server.samples,
                  server.worker_pids, log_problems, max_rss_growth)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--max-rss-growth", type=float, default=0.10)
    parser.add_argument("--report", type=Path, help="also write the report (markdown) here")
    args = parser.parse_args(argv)
    report = run(args.requests, args.concurrency, args.workers, args.threads, max_rss_growth=args.max_rss_growth,
                 progress=True)
    text = report.markdown()
    print(text)
    if args.report:
        header = (f"# Load test: {args.requests} `/detect` requests on loopback\n\n"
                  f"`python tests/load/load.py --requests {args.requests} --concurrency {args.concurrency} "
                  f"--workers {args.workers} --threads {args.threads}` on {psutil.cpu_count()} cores, "
                  f"{time.strftime('%Y-%m-%d')}.\n\n")
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(header + text, encoding="utf-8")
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
