"""``NeuralNetwork``: what every net shares — loading its model and refusing to run before that."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from ..errors import ModelError, NotLoadedError
from ..model_files import (
    check_sha256,
    default_model_dir,
    fetch_bytes,
    fetch_manifest_hashes,
    folder_hashes,
    listed_sha256,
)
from ..runtime import Model, get_runtime


class NeuralNetwork:
    """Base of all nets. ``model_name`` is the file stem in ``models/`` (``ssd_mobilenetv1.tflite``)."""

    model_name: ClassVar[str]
    registry_name: ClassVar[str]
    """The attribute in :data:`pyfaceapi.nets` (used in error messages)."""

    def __init__(self) -> None:
        self._model: Model | None = None

    # -- loading (face-api.js: load, loadFromDisk, loadFromUri, loadFromWeightMap ~ load_from_bytes)
    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def load(self, model_dir: str | Path | None = None) -> None:
        """Load the bundled model (or the one in ``model_dir``), checked against the manifest."""
        self.load_from_disk(Path(model_dir) if model_dir is not None else default_model_dir())

    def load_from_disk(self, path: str | Path, expected_sha256: str | None = None) -> None:
        """Load ``path``: a ``.tflite`` file, or a folder holding ``<model_name>.tflite``.

        The sha256 is checked against ``expected_sha256`` if given, else against the folder's
        ``manifest.json`` if it has one (a manifest that does not list this model refuses it: a folder with
        a manifest is a verified folder). A folder without a manifest loads unverified.
        """
        path = Path(path)
        folder, file = (path, path / self.model_file) if path.is_dir() else (path.parent, path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise ModelError(f"{self.model_name}: cannot read {file}: {exc.strerror or exc}") from exc
        if expected_sha256 is None:
            expected_sha256 = listed_sha256(folder_hashes(folder), self.model_name, str(folder))
        self.load_from_bytes(data, expected_sha256)

    async def load_from_uri(self, uri: str, expected_sha256: str | None = None) -> None:
        """Fetch ``<uri>/<model_name>.tflite`` (or ``uri`` itself if it ends in ``.tflite``) and load it.

        As on disk, the sha256 is checked against ``expected_sha256`` if given, else against the folder's
        ``manifest.json`` if it has one (a 404 means none: the model loads unverified).
        """
        folder = uri.rsplit("/", 1)[0] if uri.endswith(".tflite") else uri.rstrip("/")
        url = uri if uri.endswith(".tflite") else folder + "/" + self.model_file
        if expected_sha256 is None:
            expected_sha256 = listed_sha256(await fetch_manifest_hashes(folder), self.model_name, folder)
        self._load_verified(await fetch_bytes(url, expected_sha256))

    def load_from_bytes(self, data: bytes, expected_sha256: str | None = None) -> None:
        """Load the model from the bytes of a ``.tflite`` file (checked against ``expected_sha256``)."""
        check_sha256(data, expected_sha256, self.model_file)
        self._load_verified(data)

    def _load_verified(self, data: bytes) -> None:
        self._model = get_runtime().load_model(data, self.model_name)

    def dispose(self) -> None:
        self._model = None

    @property
    def model_file(self) -> str:
        return self.model_name + ".tflite"

    # -- running
    def run_model(self, *inputs: np.ndarray) -> list[np.ndarray]:
        if self._model is None:
            raise NotLoadedError(
                f"{type(self).__name__} - load model before inference: call nets.{self.registry_name}.load()"
            )
        return self._model.run(list(inputs))
