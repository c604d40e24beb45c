"""Security checks: path traversal, model integrity, limits before decoding, no pickle/eval, headers and CSP.

The traversal and request-size checks also run against the production server (gunicorn via ``pyfaceapi
serve``) with raw HTTP, so no client library normalises the attack away; the CSP is checked in headless
Chromium on the demo page (``web/dist``), which must boot Pyodide and detect faces without a violation.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyfaceapi.server import ServerConfig, create_app, security
from pyfaceapi.server.limits import BudgetTimeout, PixelBudget

import pyfaceapi as faceapi
from pyfaceapi import ModelError
from pyfaceapi.cli import main as cli_main
from pyfaceapi.model_files import default_model_dir, sha256
from pyfaceapi.networks.mtcnn import Mtcnn
from pyfaceapi.networks.tiny_face_detector import TinyFaceDetector

from ..support import FIXTURES, IMAGES

REPO = Path(__file__).resolve().parents[2]
BAD = FIXTURES / "bad"
SECRET = "TOP-SECRET-7f3a"


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``site/www`` (the web root) beside ``site/secret.txt`` and ``site/models/manifest.json``, which no
    URL may reach."""
    site = tmp_path_factory.mktemp("site")
    www = site / "www"
    (www / "sub").mkdir(parents=True)
    (www / "models").mkdir()
    (www / "index.html").write_text("<!doctype html><title>home</title><script>window.ok = 1</script>")
    (www / "sub" / "page.html").write_text("<!doctype html><title>page</title>")
    (www / "docs").mkdir()
    (www / "docs" / "index.html").write_text("<!doctype html><title>docs</title>")
    (www / "models" / "toy.tflite").write_bytes(b"TFL3 toy")
    (site / "secret.txt").write_text(SECRET)
    (site / "models").mkdir()
    (site / "models" / "manifest.json").write_text(json.dumps({"secret": SECRET}))
    (site / "no-models").mkdir()
    return site


@pytest.fixture(scope="module")
def client(site: Path):
    app = create_app(ServerConfig(web_root=site / "www", model_dir=site / "no-models"))
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[int]:
    """``pyfaceapi serve`` (gunicorn) on loopback with the site's web root and no models; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pyfaceapi", "serve", "--port", str(port), "--threads", "2",
         "--web-root", str(site / "www"), "--models", str(site / "no-models")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            try:
                if raw_http(port, b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def raw_http(port: int, request: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as is; the status, headers and body of the answer (read until the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


# ------------------------------------------------------------------------------------------ traversal
TRAVERSALS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/..%2fsecret.txt",
    "/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
    "/sub/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/sub%5c..%5c..%5csecret.txt", "/%252e%252e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/models/..%2f..%2fsecret.txt", "/models/%2e%2e/%2e%2e/models/manifest.json",
    "/models/../../models/manifest.json", "//etc/passwd", "/%2fetc/passwd", "/%2Fetc%2Fpasswd", "/etc/passwd",
    "/index.html%00", "/%00/../secret.txt", "/sub/page.html/../../../secret.txt", "/./../secret.txt",
]


def absolute_traversals(site: Path) -> list[str]:
    secret = str(site / "secret.txt")
    return ["/" + secret, "/%2F" + secret.lstrip("/"), "/" + secret.replace("/", "%2f"),
            "/" + secret.replace("/", "\\")]


def assert_refused(status: int, body: bytes, headers: dict[str, str], path: str) -> None:
    assert SECRET.encode() not in body, f"{path} leaked the secret"
    assert status in (400, 404, 308), f"{path}: {status}"
    if status == 308:  # werkzeug merges '//' into '/': a same-origin relative redirect, itself refused
        assert headers["location"].startswith("/") and not headers["location"].startswith("//")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_traversal_through_flask(client, path: str) -> None:
    response = client.get(path)
    assert_refused(response.status_code, response.get_data(), {k.lower(): v for k, v in response.headers}, path)
    if response.status_code == 308:
        follow = client.get(response.headers["Location"])
        assert follow.status_code == 404 and SECRET.encode() not in follow.get_data()


def test_no_absolute_path_through_flask(client, site: Path) -> None:
    for path in absolute_traversals(site):
        response = client.get(path)
        assert_refused(response.status_code, response.get_data(), {k.lower(): v for k, v in response.headers},
                       path)


def test_no_traversal_through_gunicorn(server: int, site: Path) -> None:
    """Raw request lines, exactly as an attacker writes them, to the production server."""
    for path in [*TRAVERSALS, *absolute_traversals(site), "/..\\secret.txt", "/sub\\..\\..\\secret.txt",
                 f"http://127.0.0.1:{server}/../secret.txt"]:
        status, headers, body = raw_http(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                         .encode("latin-1"))
        assert_refused(status, body, headers, path)


def test_the_site_itself_is_served(client) -> None:
    assert b"window.ok" in client.get("/").get_data()
    assert client.get("/sub/page.html").status_code == 200
    assert b"docs" in client.get("/docs/").get_data()  # a folder serves its index.html
    assert client.get("/sub/").status_code == 404  # and there are no listings
    toy = client.get("/models/toy.tflite")
    assert toy.status_code == 200 and toy.headers["Content-Type"] == "application/octet-stream"
    assert client.get("/api/v1/nope").get_json()["error"]["code"] == "not_found"


def test_relative_web_root_is_the_working_directory(site: Path, monkeypatch) -> None:
    """``pyfaceapi serve --web-root web/dist`` from the repo: relative to the cwd, not to the package."""
    monkeypatch.chdir(site)
    relative = create_app(ServerConfig(web_root=Path("www"), model_dir=site / "no-models")).test_client()
    assert b"window.ok" in relative.get("/").get_data()


# ---------------------------------------------------------------------------------------------- models
@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """The bundled manifest and tiny_face_detector.tflite, copied."""
    source = default_model_dir()
    shutil.copy(source / "manifest.json", tmp_path / "manifest.json")
    shutil.copy(source / "tiny_face_detector.tflite", tmp_path / "tiny_face_detector.tflite")
    return tmp_path


def tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit in the weights: still a valid model, not the released one
    path.write_bytes(bytes(data))


def test_bundled_models_match_their_manifest(capsys) -> None:
    assert cli_main(["models", "verify"]) == 0
    assert "MISMATCH" not in capsys.readouterr().out


def test_tampered_model_is_refused_at_load(model_copy: Path) -> None:
    tamper(model_copy / "tiny_face_detector.tflite")
    with pytest.raises(ModelError, match=r"tiny_face_detector\.tflite: sha256 mismatch .* corrupt or was modified"):
        TinyFaceDetector().load(model_copy)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        TinyFaceDetector().load_from_disk(model_copy / "tiny_face_detector.tflite")


def test_tampered_model_stops_the_server(model_copy: Path, capsys) -> None:
    tamper(model_copy / "tiny_face_detector.tflite")
    saved = faceapi.nets.tiny_face_detector._model
    faceapi.nets.tiny_face_detector.dispose()  # create_app loads only what is not loaded yet
    try:
        with pytest.raises(ModelError, match="sha256 mismatch"):
            create_app(ServerConfig(model_dir=model_copy, web_root=None))
    finally:
        faceapi.nets.tiny_face_detector._model = saved
    assert cli_main(["models", "verify", "--models", str(model_copy)]) == 1
    assert "MISMATCH tiny_face_detector" in capsys.readouterr().out


@pytest.mark.parametrize("model", ["tiny_face_detector", "mtcnn_rnet"])
def test_a_manifest_that_does_not_list_the_model_refuses_it(model_copy: Path, model: str) -> None:
    manifest = json.loads((model_copy / "manifest.json").read_text())
    manifest["models"].pop(model)
    (model_copy / "manifest.json").write_text(json.dumps(manifest))
    net = TinyFaceDetector() if model == "tiny_face_detector" else Mtcnn()
    with pytest.raises(ModelError, match=f"{model}: the manifest in .* has no sha256 for this model"):
        net.load(model_copy)


def test_user_models_take_an_expected_hash(model_copy: Path, tmp_path_factory) -> None:
    data = (model_copy / "tiny_face_detector.tflite").read_bytes()
    digest = sha256(data)
    net = TinyFaceDetector()
    net.load_from_bytes(data, expected_sha256=digest)
    assert net.is_loaded
    TinyFaceDetector().load_from_bytes(data, expected_sha256=digest.upper())
    with pytest.raises(ModelError, match="sha256 mismatch"):
        TinyFaceDetector().load_from_bytes(data, expected_sha256="0" * 64)
    with pytest.raises(ModelError, match="64 hexadecimal digits"):
        TinyFaceDetector().load_from_bytes(data, expected_sha256="sha256:" + digest)
    # a user's folder without a manifest: unverified unless a hash is given, refused if it differs
    folder = tmp_path_factory.mktemp("user-models")
    (folder / "mine.tflite").write_bytes(data)
    TinyFaceDetector().load_from_disk(folder / "mine.tflite", expected_sha256=digest)
    TinyFaceDetector().load_from_disk(folder / "mine.tflite")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        TinyFaceDetector().load_from_disk(folder / "mine.tflite", expected_sha256="f" * 64)


# ---------------------------------------------------------------------------------------------- limits
def test_oversized_body_is_refused_before_it_is_sent(server: int) -> None:
    """Content-Length over the limit: 413 at once, without waiting for (or reading) the 100 MB."""
    started = time.perf_counter()
    request = (b"POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
               b"Content-Length: 104857600\r\nConnection: close\r\n\r\n" + b"\x89PNG" + b"\x00" * 1000)
    status, _, body = raw_http(server, request, timeout=20)
    assert status == 413 and json.loads(body)["error"]["code"] == "request_too_large"
    assert time.perf_counter() - started < 5


def test_oversized_chunked_body_is_refused(server: int) -> None:
    """No Content-Length (chunked): the limit still holds while reading."""
    chunk = b"\x00" * 1_048_576
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(22)) + b"0\r\n\r\n"
    request = (b"POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body)
    try:
        status, _, answer = raw_http(server, request, timeout=30)
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the server closed the connection without an answer")
    assert status == 413 and json.loads(answer)["error"]["code"] == "request_too_large"


PEAK_RSS_SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from pyfaceapi.errors import ImageTooLargeError
    from pyfaceapi.imageio import decode
    from pyfaceapi.server import ServerConfig, create_app

    def peak_mb():
        # VmHWM: this process's peak since exec (ru_maxrss would include the forking pytest's)
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024

    def reset_peak():
        try:
            Path("/proc/self/clear_refs").write_text("5")  # the peak becomes the current RSS
        except OSError:
            pass

    bad = Path(sys.argv[1])
    files = {name: (bad / name).read_bytes() for name in sys.argv[2:]}
    decode((bad / "tiny-1x1.png").read_bytes())  # import and register the decoders first
    client = create_app(ServerConfig(model_dir=bad, web_root=None, max_pixels=40_000_000)).test_client()
    client.post("/api/v1/detect", data=files["png-header-bomb.png"], content_type="image/png")
    reset_peak()
    before = peak_mb()
    outcomes = {}
    for name, data in files.items():
        try:
            decode(data, max_pixels=40_000_000)
            outcomes[name] = "decoded"
        except ImageTooLargeError:
            outcomes[name] = "refused"
        outcomes[name + " (server)"] = client.post("/api/v1/detect", data=data, content_type="image/png").status_code
    refused = peak_mb() - before
    reset_peak()
    before = peak_mb()
    decode(files["png-50mp.png"], max_pixels=100_000_000)  # control: really decoding it shows up
    print(json.dumps({"outcomes": outcomes, "refused": refused, "decoded": peak_mb() - before}))
""")


def test_pixel_limit_is_enforced_before_decoding() -> None:
    """Bombs and over-limit images are refused from the header: the process's peak memory does not move
    (VmHWM of a fresh process), while decoding the same 50 MP image for real costs hundreds of MB."""
    names = ["png-50mp.png", "png-bomb-400mp.png", "png-header-bomb.png", "gif-header-bomb.gif",
             "jpeg-header-bomb.jpg"]
    result = subprocess.run([sys.executable, "-c", PEAK_RSS_SCRIPT, str(BAD), *names], capture_output=True,
                            text=True, timeout=120, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(report["outcomes"][name] == "refused" for name in names), report
    assert all(report["outcomes"][name + " (server)"] == 413 for name in names), report
    assert report["refused"] < 16, f"refusing grew the peak RSS by {report['refused']:.0f} MB"
    assert report["decoded"] > 150, f"the control decode only grew the peak by {report['decoded']:.0f} MB"


def test_limits_can_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PYFACEAPI_MAX_PIXELS", "1000")
    monkeypatch.setenv("PYFACEAPI_MAX_INPUT_SIZE", "416")
    config = ServerConfig()
    assert (config.max_pixels, config.max_input_size, config.pixel_budget) == (1000, 416, 2000)
    assert ServerConfig(max_pixels=5).max_pixels == 5  # an argument wins
    monkeypatch.setenv("PYFACEAPI_MAX_REQUEST_BYTES", "-1")
    with pytest.raises(ValueError, match="PYFACEAPI_MAX_REQUEST_BYTES must be a positive integer"):
        ServerConfig()


def test_pixel_budget_waits_then_gives_up() -> None:
    budget = PixelBudget(100)
    with budget.reserve(60, timeout=1):
        with budget.reserve(40, timeout=1):
            assert budget.in_use == 100
        started = time.perf_counter()
        with pytest.raises(BudgetTimeout), budget.reserve(50, timeout=0.2):
            pass
        assert time.perf_counter() - started >= 0.2
    assert budget.in_use == 0
    waiter_done = threading.Event()

    def waiter() -> None:
        with budget.reserve(80, timeout=5):
            waiter_done.set()

    with budget.reserve(50, timeout=1):
        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.1)
        assert not waiter_done.is_set()  # 50 + 80 > 100: it waits for this block to end
    thread.join(5)
    assert waiter_done.is_set() and budget.in_use == 0
    with budget.reserve(10**9, timeout=0):  # more than the capacity: capped, never deadlocks
        assert budget.in_use == 100


def test_server_answers_503_when_the_pixel_budget_is_spent() -> None:
    faceapi.nets.tiny_face_detector.load()
    app = create_app(ServerConfig(max_pixels=10_000, max_pixels_in_flight=10_000, budget_timeout=0.3,
                                  web_root=None))
    client = app.test_client()
    image = (IMAGES / "white.png").read_bytes()  # 150 x 150 = 22500 pixels: over max_pixels
    assert client.post("/api/v1/detect", data=image, content_type="image/png").status_code == 413
    small = (BAD / "tiny-1x1.png").read_bytes()
    query = {"detector": "tiny", "input_size": "128"}
    with app.config["PIXEL_BUDGET"].reserve(10_000, timeout=1):  # another request holds everything
        busy = client.post("/api/v1/detect", data=small, content_type="image/png", query_string=query)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert busy.get_json()["error"]["code"] == "server_busy"
    assert client.post("/api/v1/detect", data=small, content_type="image/png", query_string=query).status_code == 200


# ------------------------------------------------------------------------------------ no pickle / eval
SCANNED = ["pyfaceapi", "server", "web/build.py", "web/serve.py", "tools"]
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
BANNED_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}


def unsafe_constructs(source: str, filename: str) -> list[str]:
    """Deserialisation of code or objects, dynamic code, shell commands: ``file:line what``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in BANNED_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BANNED_MODULES:
            found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            keywords = {k.arg: k.value for k in node.keywords}
            if isinstance(func, ast.Name) and name in BANNED_CALLS:
                found.append(f"{where} {name}()")
            if name == "load" and owner in ("np", "numpy", "torch"):
                allow = keywords.get("allow_pickle")
                if owner == "torch" or not (isinstance(allow, ast.Constant) and allow.value is False):
                    found.append(f"{where} {owner}.load() without allow_pickle=False")
            allow_pickle = keywords.get("allow_pickle")
            if isinstance(allow_pickle, ast.Constant) and allow_pickle.value is True:
                found.append(f"{where} allow_pickle=True")
            if name in ("load", "load_all") and owner == "yaml":
                found.append(f"{where} yaml.{name}() (use yaml.safe_load)")
            if name in ("system", "popen") and owner == "os":
                found.append(f"{where} os.{name}()")
            shell = keywords.get("shell")
            if isinstance(shell, ast.Constant) and shell.value is True:
                found.append(f"{where} shell=True")
            if name == "run_js":
                found.append(f"{where} run_js() (a JavaScript eval)")
    return found


def test_the_scanner_sees_what_it_should() -> None:
    sample = textwrap.dedent("""
        import pickle
        from marshal import loads
        import numpy as np
        eval("1"); exec("x = 1"); __import__("os")
        np.load("a.npy"); np.load("a.npy", allow_pickle=True); np.load("a.npy", allow_pickle=False)
        import os, subprocess, yaml
        os.system("ls"); subprocess.run("ls", shell=True); yaml.load(text)
    """)
    found = unsafe_constructs(sample, "sample.py")
    assert len(found) == 11, found  # all but the np.load with allow_pickle=False; allow_pickle=True counts twice


def test_no_pickle_eval_or_shell_in_the_sources() -> None:
    files = [path for entry in SCANNED for path in ((REPO / entry).rglob("*.py") if (REPO / entry).is_dir()
                                                     else [REPO / entry]) if path.is_file()]
    assert len(files) > 20
    found = [item for path in files for item in unsafe_constructs(path.read_text(encoding="utf-8"),
                                                                     str(path.relative_to(REPO)))]
    known_run_js = [item for item in found if item.startswith("pyfaceapi/browser.py") and "run_js" in item]
    assert [item for item in found if item not in known_run_js] == []
    # the one JavaScript eval: tracked by security.UNSAFE_EVAL_NEEDED (and the strict-CSP browser test)
    assert bool(known_run_js) == security.UNSAFE_EVAL_NEEDED, known_run_js


def test_our_javascript_has_no_eval() -> None:
    for path in (REPO / "web" / "src").glob("*.js"):
        text = re.sub(r"//.*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['\"`]", text), path


# --------------------------------------------------------------------------------------------- headers
def expected_hashes(html: str, tag: str) -> set[str]:
    blocks = re.findall(rf"<{tag}(?![^>]*\bsrc=)[^>]*>(.*?)</{tag}>", html, flags=re.S | re.I)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(
        b.replace("\r\n", "\n").replace("\r", "\n").encode()).digest()).decode() + "'" for b in blocks}


def csp(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_api_answers_carry_a_locked_down_policy(client) -> None:
    for response in (client.get("/api/v1/healthz"), client.get("/api/v1/nope"),
                     client.post("/api/v1/detect", data=b"", content_type="image/png")):
        assert response.headers["Content-Security-Policy"] == security.API_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_carry_the_page_policy_with_their_inline_hashes(tmp_path: Path) -> None:
    www = tmp_path / "www"
    www.mkdir()
    html = ("<!doctype html>\r\n<style>\r\nbody { color: red }\r\n</style>\r\n<script src='a.js'></script>\r\n"
            "<script>\r\nwindow.a = 1;\r\n</script><script type=module>import './b.js';</script>")
    (www / "page.html").write_bytes(html.encode())
    (www / "a.js").write_text("window.b = 2;")
    client = create_app(ServerConfig(web_root=www, model_dir=tmp_path, cross_origin_isolation=True)).test_client()
    page = client.get("/page.html")
    policy = csp(page.headers["Content-Security-Policy"])
    scripts = {s for s in policy["script-src"] if s.startswith("'sha256-")}
    styles = {s for s in policy["style-src"] if s.startswith("'sha256-")}
    assert scripts == expected_hashes(html, "script") and len(scripts) == 2
    assert styles == expected_hashes(html, "style") and len(styles) == 1
    assert "'wasm-unsafe-eval'" in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    script = client.get("/a.js")
    assert script.headers["Content-Type"] == "text/javascript"
    assert "sha256-" not in script.headers["Content-Security-Policy"]


# -------------------------------------------------------------------------------- CSP in the browser
DIST = REPO / "web" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIOLATIONS = """
    window.__csp = [];
    document.addEventListener('securitypolicyviolation',
        (e) => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample || ''}`.trim()));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # a missing prerequisite is a failure, never a skip: CI must run this test (make test builds web/dist)
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: run `make web` (make test does)")
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def dist_url(tmp_path: Path) -> Iterator[str]:
    """web/dist through the Flask app (its headers), on loopback in a thread."""
    from werkzeug.serving import make_server

    app = create_app(ServerConfig(web_root=DIST, model_dir=tmp_path))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def run_demo_page(browser: Any, url: str) -> dict[str, Any]:
    """Open the demo page, wait for Pyodide, click 'detect faces'; the status, violations and console."""
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:|about:)"), lambda route: route.abort())
    page.add_init_script(VIOLATIONS)
    response = page.goto(f"{url}/index.html")

    def status_when(done: Any, timeout: float) -> str:
        # polled from here: wait_for_function would eval a string in the page, which the CSP forbids
        deadline = time.monotonic() + timeout
        while True:
            status = page.text_content("#status") or ""
            if done(status) or time.monotonic() > deadline:
                return status
            time.sleep(0.25)

    ready = status_when(lambda s: s.startswith(("ready", "failed")), 240)
    detected = ""
    if ready.startswith("ready"):
        page.click("#run")
        detected = status_when(lambda s: "faces in" in s or "Error" in s or "Exception" in s, 120)
    injected = page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.appendChild(script);
        return window.__injected === true;
    }""")
    result = {"policy": response.headers.get("content-security-policy", ""), "ready": ready, "detected": detected,
              "violations": page.evaluate("window.__csp"), "injected": injected, "console": console}
    context.close()
    return result


def test_csp_lets_the_demo_page_detect_faces(browser: Any, dist_url: str) -> None:
    """The policy the server sends: Pyodide boots, LiteRT.js runs, 6 faces are found, no violation; an
    injected inline script is refused (the policy is really in force)."""
    result = run_demo_page(browser, dist_url)
    assert "'wasm-unsafe-eval'" in csp(result["policy"])["script-src"]
    assert result["ready"].startswith("ready"), result
    assert re.match(r"6 faces in \d+ ms", result["detected"]), result
    assert not result["injected"]
    assert [v for v in result["violations"] if not v.startswith("script-src-elem inline")] == [], result
    assert any(v.startswith("script-src-elem inline") for v in result["violations"])


@pytest.mark.xfail(security.UNSAFE_EVAL_NEEDED, strict=True,
                   reason="pyfaceapi/browser.py calls pyodide.code.run_js (eval): needs 'unsafe-eval' until it "
                          "stops (then set security.UNSAFE_EVAL_NEEDED = False)")
def test_csp_without_unsafe_eval(browser: Any, dist_url: str, monkeypatch) -> None:
    """The strict policy: no 'unsafe-eval'. Passes once the wheel in web/dist has no run_js."""
    monkeypatch.setattr(security, "UNSAFE_EVAL_NEEDED", False)
    result = run_demo_page(browser, dist_url)
    assert "'unsafe-eval'" not in result["policy"]
    assert result["ready"].startswith("ready"), result
    assert re.match(r"6 faces in \d+ ms", result["detected"]), result
    assert [v for v in result["violations"] if not v.startswith("script-src-elem inline")] == [], result
